from lstmgrad.present.gates import forget_bias_crossover_table

# Over 90 days of the anchor's prices: the forget bias b_f at which the cell path prod f_t equals
# the RNN's chain, found by bisection, at three lags; and both at b_f = -2
print(forget_bias_crossover_table(days=90, lags=[5, 30, 90], at=-2.0))
