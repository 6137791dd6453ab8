from lstmgrad.present.experiments import rnn_control_table
from lstmgrad.studies.experiments import rnn_control_records

# The tanh RNN given its best chance: (W_h initialisation, clipping threshold), standardised and raw returns
starts = (("uniform", 1.0), ("orthogonal", 1.0), ("orthogonal", 10.0), ("identity", 1.0), ("identity", 10.0))
records = rnn_control_records(starts, lags=(20, 50, 90), scales=("std", "raw"), seeds=range(10), budget=8192)
print(rnn_control_table(records))
