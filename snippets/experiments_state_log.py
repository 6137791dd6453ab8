from lstmgrad.present.followups import state_table
from lstmgrad.studies.experiments import bridge_records

# What the LSTM of the forget-bias grid did to its weights: ||W_x|| and its forget gate f_t,
# logged every 20 updates on 32 probe sequences (median over seeds 0-9; "at end": the last update)
b_fs = (1.0, 5.0, "chrono")
records = bridge_records(scales=("raw", "std"), b_fs=b_fs, lags=(90,), seeds=range(10), budget=8192)
print(state_table(records))
