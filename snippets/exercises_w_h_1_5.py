from lstmgrad.present.errata import input_scale_table

# W_h = 1.5 on the anchor prices: the article's W_x = 0.01, and W_x = 0.0001
print(input_scale_table([100, 102, 105, 103, 108], W_h=1.5, W_xs=(0.01, 0.0001)))
