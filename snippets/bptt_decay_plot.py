from lstmgrad.present.plots import decay_plot

# dh_5/dh_(5-k) for k steps back, log scale, beside 0.7 ** k
print(decay_plot([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, reference=0.7))
