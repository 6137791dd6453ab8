from lstmgrad.present.tables import bptt_table

# Per step: the local factor W_h * tanh'(z_t), and the product from t=5 back
print(bptt_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, b=0.0, h_0=0.0))
