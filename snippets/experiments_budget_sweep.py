from lstmgrad.present.experiments import budget_table
from lstmgrad.studies.experiments import budget_records

# The main setting at lags 50 and 90 with 4x and 16x the budget (same early stop)
models, budgets = ("rnn", "lstm", "gru"), (8192, 32768, 131072)
records = budget_records(models, lags=(50, 90), budgets=budgets, seeds=range(10), init="uniform", b_f=1.0)
print(budget_table(records))
