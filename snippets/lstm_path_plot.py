from lstmgrad.present.plots import lstm_path_plot

# Per step back over 90 days: the RNN's chain against the LSTM's product of forget gates
prices = [100, 102, 105, 103, 108] * 18
print(lstm_path_plot(prices, W_h=0.5, W_x=0.01, lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0))
