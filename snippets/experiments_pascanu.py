from lstmgrad.present.experiments import pascanu_table
from lstmgrad.studies.exploding import pascanu_draws

# Pascanu et al. (2013): ||dh_T/dh_k|| <= sigma_max(W_h)^(T-k), checked on 200 random RNNs per row
print(pascanu_table(pascanu_draws(sigmas=(0.5, 0.9, 0.99, 1.5), draws=200, H=16, T=50)))
