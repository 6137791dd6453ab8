# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Notebook smoke test
#
# A placeholder until the playgrounds land: it checks that notebooks execute at build
# time and that their math, $h_t = \tanh(z_t)$, renders offline. A price of \$100 stays
# a price.
#
# $$
# z_t = W_h\,h_{t-1} + W_x\,x_t + b
# $$

# %%
from lstmgrad.rnn import scalar_forward

print(scalar_forward([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
