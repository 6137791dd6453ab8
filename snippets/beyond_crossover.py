from lstmgrad.present.beyond import crossover_text
from lstmgrad.studies.beyond import crash_records, crossover

# The first lag at which attention is solved on every seed and the LSTM is not, in the runs above
models = {
    "lstm": ("lstm", 1.0, 0.01),
    "lstm_chrono": ("lstm", "chrono", 0.01),
    "attention": ("attention", 1.0, 0.03),
}
records = crash_records(models, budgets={20: 8192, 90: 8192, 200: 1024, 500: 1024}, seeds=range(10))
print(crossover_text(crossover(records, solved=0.95)))
