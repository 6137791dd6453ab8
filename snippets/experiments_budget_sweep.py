from lstmgrad.present.experiments import budget_table
from lstmgrad.studies.experiments import budget_records, budget_seconds

# The main setting at lags 50 and 90 with 4x and 16x the budget (same early stop)
models, budgets = ("rnn", "lstm", "gru"), (8192, 32768, 131072)
records = budget_records(models, lags=(50, 90), budgets=budgets, seeds=range(10), init="uniform", b_f=1.0)
print(budget_table(records), end="\n\n")

# What the two cells that cost the most took (the LSTM and the GRU at lag 50, 131,072 sequences)
rows = budget_seconds(("lstm", "gru"), L=50, budget=131072)
print("Recorded training time at lag 50 and 131,072 sequences (ten seeds, one worker): "
      + ", ".join(f"{'LSTM' if r['model'] == 'lstm' else 'GRU'} {r['seconds']:,.0f} s" for r in rows) + ".")
