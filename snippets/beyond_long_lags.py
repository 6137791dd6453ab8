from lstmgrad.present.followups import long_table
from lstmgrad.studies.followups import long_records

# Lags 200 and 500 at the experiments chapter's budget (8,192 sequences), seeds 0-9, each model's piloted rate
models = ("lstm_chrono", "lstm_b_f_5", "attention", "rnn_orthogonal", "rnn_orthogonal_lr_0.01")
print(long_table(long_records(models, lags=(200, 500))))
