from lstmgrad.present.gates import lstm_gate_svg

# The cell again, the input gate highlighted; below it, that gate on the worked example
# (every gate 0.01 on x_t and 0.5 on h_(t-1), forget bias b_f = 2, the other biases 0)
print(lstm_gate_svg("i", [100, 102, 105, 103, 108], w_x=0.01, w_h=0.5, b_f=2.0))
