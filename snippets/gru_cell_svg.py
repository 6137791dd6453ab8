from lstmgrad.present.gates import gru_cell_svg

# One GRU cell, its update path marked; the numbers are the worked example's update gates
# (every gate 0.01 on x_t and 0.5 on h_(t-1), update-gate bias b_u = 2, the other biases 0)
print(gru_cell_svg([100, 102, 105, 103, 108], w_x=0.01, w_h=0.5, b_u=2.0))
