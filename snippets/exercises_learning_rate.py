from lstmgrad.present.errata import learning_rate_table

# The anchor: day 1's and day 5's terms of dh_5/dW_x, and what learning rates make of them
print(learning_rate_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, lrs=(0.01, 1, 100)))
