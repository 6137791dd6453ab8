import numpy as np
import torch

from lstmgrad.probe import probe, probe_table
from lstmgrad.tasks.crash import crash_batch

# Your model: here an nn.LSTM with a linear readout of its last state, as in the tables below
torch.manual_seed(0)


class Classifier(torch.nn.Module):
    def __init__(self, H=16):
        super().__init__()
        self.rnn = torch.nn.LSTM(1, H, batch_first=True)
        self.out = torch.nn.Linear(H, 1)

    def forward(self, x):
        h, _ = self.rnn(x)
        return self.out(h[:, -1]).squeeze(-1)


model = Classifier().double()  # float64 so these digits are the same on every machine

# A batch of the crash task: 64 sequences, the crash (if any) 20 steps before the end
x, y = crash_batch(np.random.default_rng(0), B=64, L=20)
x, y = torch.tensor(x), torch.tensor(y)


def loss_fn(logit):
    return torch.nn.functional.binary_cross_entropy_with_logits(logit, y)


p = probe(model, x, loss_fn)
print(probe_table(p, "rnn.l0", lags=[0, 1, 5, 10, 20, 24]))
