from lstmgrad.present.gates import gated_paths_plot

# Per step back over 90 days: the RNN's chain, the LSTM's cell path (b_f = 2)
# and the GRU's update path (b_u = 2)
prices = [100, 102, 105, 103, 108] * 18
print(gated_paths_plot(prices, W_h=0.5, W_x=0.01, w_x=0.01, w_h=0.5, b_f=2.0, b_u=2.0))
