from lstmgrad.present.lesson import truncation_table

# Truncated BPTT on the anchor: keep only the last k steps' terms of dL/dW_h and dL/dW_x
print(truncation_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, windows=[1, 2, 3, 4, 5]))
