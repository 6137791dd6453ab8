from lstmgrad.present.experiments import bridge_table
from lstmgrad.studies.experiments import bridge_records

# LSTM at lags 50 and 90: raw or standardised returns, times the forget-gate bias b_f at initialisation
b_fs = (0.0, 1.0, 3.0, 5.0, "chrono")
records = bridge_records(scales=("raw", "std"), b_fs=b_fs, lags=(50, 90), seeds=range(10), budget=8192)
print(bridge_table(records))
