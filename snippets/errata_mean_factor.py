from lstmgrad.present.errata import mean_factor_table

# The anchor's five local factors, averaged three ways, over 5 and 20 steps
print(mean_factor_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, steps=20))
