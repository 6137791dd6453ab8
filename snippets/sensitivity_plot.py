from lstmgrad.present.plots import sweep_plot

# dh_5/dh_0 on a fine grid of W_h, the table's eight values marked
W_hs = [0.1, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0]
print(sweep_plot([100, 102, 105, 103, 108], W_hs=W_hs, W_x=0.01))
