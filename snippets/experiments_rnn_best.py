from lstmgrad.experiments import rnn_best_table

# The tanh RNN given its best chance: orthogonal or identity W_h, clipping at 1 or 10
print(rnn_best_table())
