from lstmgrad.present.beyond import future_context_plot
from lstmgrad.studies.beyond import future_records

taggers = ("rnn", "birnn", "lstm", "bilstm", "attention")
records = future_records(taggers, ks=(0, 1, 2, 4, 8), seeds=range(10), budget=3200, H=8)
print(future_context_plot(records))
