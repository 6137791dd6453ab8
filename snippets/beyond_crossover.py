from lstmgrad.beyond import crossover

# The first lag at which attention is solved on every seed and the LSTM is not
print(crossover(solved=0.95))
