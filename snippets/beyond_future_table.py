from lstmgrad.present.beyond import future_context_table
from lstmgrad.studies.beyond import future_records

# Label at step t = sign of x_{t+k}, T = 16; weights from U(±1/√H) (LSTM forget bias 1), width H = 8
taggers = ("rnn", "birnn", "lstm", "bilstm", "attention")
records = future_records(taggers, ks=(0, 1, 2, 4, 8), seeds=range(10), budget=3200, H=8)
print(future_context_table(records))
