from lstmgrad.present.tables import lag_table

# The anchor RNN over 90 days: the anchor's five prices, repeated
print(lag_table(days=90, lags=[1, 2, 5, 10, 20, 30, 45, 60, 90], W_h=0.5, W_x=0.01, reference=0.7))
