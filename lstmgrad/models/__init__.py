"""The models, each with its forward and backward pass side by side: the tanh RNN (`rnn`),
the LSTM (`lstm`), the GRU (`gru`), the bidirectional wrapper (`bidirectional`), self-attention
(`attention`), and a linear readout over any of them (`readout`). `common` lets every one run a
stack of models (seeds) at once; `sweeps` runs the tanh RNN over a whole grid of weights."""
