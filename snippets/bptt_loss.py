from lstmgrad.present.lesson import loss_table

# Our choice (the source names none): y_hat = W_y * h_5 + b_y with W_y = 1, b_y = 0; target y = 1.0
print(loss_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, W_y=1.0, b_y=0.0, y=1.0))
