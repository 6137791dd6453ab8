from lstmgrad.present.experiments import budget_table
from lstmgrad.studies.experiments import budget_records

# The Experiments page's GRU at lags 50 and 90 (10 seeds), trained like the RNN and the LSTM,
# with 1x, 4x and 16x the main budget of 8,192 training sequences
records = budget_records(
    ("gru",), lags=(50, 90), budgets=(8192, 32768, 131072), seeds=range(10), init="uniform", b_f=1.0
)
print(budget_table(records))
