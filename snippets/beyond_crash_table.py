from lstmgrad.present.beyond import crash_comparison_table
from lstmgrad.studies.beyond import crash_records

# The crash-at-lag task; the RNN and LSTM cells are the experiments chapter's, attention beside them.
# name: (model, forget-gate bias b_f at initialisation, learning rate); lag: training sequences per seed
models = {"rnn": ("rnn", 1.0, 0.03), "lstm": ("lstm", 1.0, 0.01), "lstm_chrono": ("lstm", "chrono", 0.01)}
models["attention"] = ("attention", 1.0, 0.03)  # b_f applies to the LSTMs only
records = crash_records(models, budgets={20: 8192, 90: 8192, 200: 1024, 500: 1024}, seeds=range(10))
print(crash_comparison_table(records))
