from lstmgrad.present.diagrams import unrolled_rnn_svg

# The anchor RNN unrolled; each backward arrow carries its local factor W_h * tanh'(z_t)
print(unrolled_rnn_svg([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, b=0.0, h_0=0.0))
