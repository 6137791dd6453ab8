from lstmgrad.present.followups import grid_table
from lstmgrad.studies.followups import parameter_count, wide_records

# The tanh RNN at H = 16 (the main grid) and at H = 32, about the LSTM's parameter count
names = {H: f"tanh RNN, H = {H} ({parameter_count('rnn', H):,} parameters)" for H in (16, 32)}
print(f"LSTM, H = 16: {parameter_count('lstm', 16):,} parameters\n")
print(grid_table(wide_records(lags=(2, 5, 10, 20, 50, 90)), "H", "model", names))
