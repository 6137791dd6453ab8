from lstmgrad.present.experiment_plots import gradient_plot
from lstmgrad.studies.experiments import gradient_records

# The gradient at the crash input against lag, log scale
models, lags = ("rnn", "lstm", "gru"), (2, 5, 10, 20, 50, 90)
records = gradient_records(models, lags, seeds=range(10), budget=8192, init="uniform", b_f=1.0)
print(gradient_plot(records))
