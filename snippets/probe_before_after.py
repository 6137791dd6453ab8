from lstmgrad.probe.pages import before_after_table

# nn.LSTM (forget bias b_f = 1) and nn.RNN, 16 units and a linear readout, trained with PyTorch in
# float32 on the crash task at lags 20 and 90: 4,096 sequences (Adam 1e-2, batches of 32, clipping
# at 1), seeds 0-9. The probe ran on 64 held-out sequences before and after training.
print(before_after_table(models=[("lstm", 1.0), ("rnn", None)]))
