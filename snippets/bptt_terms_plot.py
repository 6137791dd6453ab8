from lstmgrad.present.lesson import terms_plot

# The size of each day's term of dL/dW_x and dL/dW_h, log scale (y_hat = h_5, target y = 1.0)
print(terms_plot([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, W_y=1.0, b_y=0.0, y=1.0))
