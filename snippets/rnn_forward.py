from lstmgrad.present.tables import forward_table

# The anchor: five closing prices, W_h = 0.5, W_x = 0.01, b = 0, h_0 = 0
print(forward_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, b=0.0, h_0=0.0))
