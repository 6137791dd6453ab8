from lstmgrad.present.lesson import tanh_plot

# tanh and its slope, with the anchor's z_1..z_5 (W_h = 0.5, W_x = 0.01) marked
print(tanh_plot([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
