from lstmgrad.present.errata import hand_product_table

# The anchor's five local factors, multiplied as printed (4 decimals) and exactly
print(hand_product_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
