from lstmgrad.cli import run

# What `lstmgrad lstm --bf 2` prints: the anchor RNN beside a one-unit LSTM with forget bias 2
print(run(["lstm", "--bf", "2"]))
