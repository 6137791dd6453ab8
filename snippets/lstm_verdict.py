from lstmgrad.present.experiments import bridge_table
from lstmgrad.studies.experiments import bridge_records

# The Experiments page's LSTM at lags 50 and 90 (10 seeds, at most 8,192 training sequences each):
# started like the other models (b_f = 1) or with a forget gate near one (b_f = 5, chrono),
# on raw or standardised returns
records = bridge_records(
    scales=("raw", "std"), b_fs=(1.0, 5.0, "chrono"), lags=(50, 90), seeds=range(10), budget=8192
)
print(bridge_table(records))
