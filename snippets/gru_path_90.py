from lstmgrad.present.gates import gru_path_table

# Same weights, 90 days: the anchor's five prices repeated 18 times
prices = [100, 102, 105, 103, 108] * 18
print(gru_path_table(prices, b_u=2.0, lags=[1, 5, 10, 30, 60, 90]))
