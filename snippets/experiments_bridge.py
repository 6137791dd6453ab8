from lstmgrad.experiments import bridge_table

# LSTM at lags 50 and 90: raw or standardised returns, times the forget-gate bias b_f
print(bridge_table())
