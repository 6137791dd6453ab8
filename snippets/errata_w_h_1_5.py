from lstmgrad.present.errata import input_scale_table

# W_h = 1.5 on the anchor prices, with the article's W_x and with a 100 times smaller one
print(input_scale_table([100, 102, 105, 103, 108], W_h=1.5, W_xs=(0.01, 0.0001)))
