from lstmgrad.present.experiments import budget_cost_text, budget_table
from lstmgrad.studies.experiments import budget_records, budget_seconds

# The main setting at lags 50 and 90 with 4x and 16x the budget (same early stop)
models, budgets = ("rnn", "lstm", "gru"), (8192, 32768, 131072)
records = budget_records(models, lags=(50, 90), budgets=budgets, seeds=range(10), init="uniform", b_f=1.0)
print(budget_table(records), end="\n\n")

# What the two cells that were not run (the LSTM and the GRU at lag 50, 131,072 sequences) would cost
print(budget_cost_text(budget_seconds(("lstm", "gru"), L=50, budget=32768), budget=131072))
