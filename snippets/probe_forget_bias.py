from lstmgrad.probe.pages import forget_bias_table

# The same nn.LSTM and training, with the forget gate's bias set to 1 or to 0 before training
# (bias_ih rows H..2H = b_f, bias_hh rows H..2H = 0), seeds 0-9, probed untrained
print(forget_bias_table())
