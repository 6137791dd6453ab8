from lstmgrad.present.experiments import gradient_table
from lstmgrad.studies.experiments import gradient_records

# How much gradient reaches the crash input x_{T-L}, before and after training:
# geometric mean (min–max) over the seeds, which spread over orders of magnitude
models, lags = ("rnn", "lstm", "gru"), (2, 5, 10, 20, 50, 90)
records = gradient_records(models, lags, seeds=range(10), budget=8192, init="uniform", b_f=1.0)
print(gradient_table(records))
