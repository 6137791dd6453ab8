from lstmgrad.present.experiment_plots import lag_plot
from lstmgrad.studies.experiments import lag_records

# The table above as a plot: one line per model, bars from the worst to the best seed
models, lags = ("rnn", "lstm", "gru"), (2, 5, 10, 20, 50, 90)
records = lag_records(models, lags, seeds=range(10), budget=8192, init="uniform", b_f=1.0)
print(lag_plot(records))
