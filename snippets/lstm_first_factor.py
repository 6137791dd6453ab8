from lstmgrad.present.tables import first_factor_table

# The anchor's five local factors W_h tanh'(z_t), and their product, as W_h grows
print(first_factor_table([100, 102, 105, 103, 108], W_hs=[0.5, 1.0, 2.0, 2.5, 3.0], W_x=0.01))
