from lstmgrad.present.lesson import terms_table

# dL/dW_h and dL/dW_x on the anchor, one term per step; L = (y_hat - y)^2 / 2, y_hat = h_5, y = 1.0
print(terms_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, W_y=1.0, b_y=0.0, y=1.0))
