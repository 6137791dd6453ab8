from lstmgrad.present.tables import lag_table

# The anchor RNN over 90 days (the five prices repeated): the chain back 1, 2, 10 and 90 steps
print(lag_table(days=90, lags=[1, 2, 10, 90], W_h=0.5, W_x=0.01, reference=0.7))
