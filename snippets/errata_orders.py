from lstmgrad.present.errata import orders_table

# The anchor: how far the chain falls from t = 5 to t = 1
print(orders_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
