from lstmgrad.experiments import clipping_table

# A tanh RNN started with sigma_max(W_h) = 1.5 at lag 20, trained with and without norm clipping
print(clipping_table())
