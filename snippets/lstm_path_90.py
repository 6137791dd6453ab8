from lstmgrad.present.tables import lstm_path_table

# Same weights, 90 days: the anchor's five prices repeated 18 times
prices = [100, 102, 105, 103, 108] * 18
lags = [1, 5, 10, 30, 60, 90]
print(lstm_path_table(prices, W_h=0.5, W_x=0.01, lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0, lags=lags))
