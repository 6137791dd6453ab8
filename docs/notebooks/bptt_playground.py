# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # BPTT playground
#
# The anchor RNN, $h_t = \tanh(W_h h_{t-1} + W_x x_t + b)$, with every knob in one cell.
# Download this notebook (the link at the top of the page), change the sequence or the
# weights in the next cell, and run it again: the forward pass, the BPTT table and the
# log-scale plot below all follow.
#
# Things to try:
#
# - a longer sequence, e.g. `repeated_sequence(30)` (the anchor's prices over and over);
# - `W_h = 1.5` with the same prices, then with `W_x = 0.0001`;
# - prices that are centred, e.g. `[p - 104 for p in sequence]`, which keep $z_t$ near 0.

# %%
from IPython.display import HTML, Markdown, display

from lstmgrad.present.plots import decay_plot
from lstmgrad.present.tables import bptt_table, forward_table
from lstmgrad.tasks.anchor import repeated_sequence

sequence = [100, 102, 105, 103, 108]  # x_t: closing prices
W_h = 0.5  # recurrent weight
W_x = 0.01  # input weight
b = 0.0
h_0 = 0.0

weights = dict(W_h=W_h, W_x=W_x, b=b, h_0=h_0)

# %% [markdown]
# ## Forward pass
#
# $z_t$ is the pre-activation; $h_t = \tanh(z_t)$ the state.

# %%
display(Markdown(forward_table(sequence, **weights)))

# %% [markdown]
# ## Backward pass
#
# Row $t$: the local factor $\partial h_t/\partial h_{t-1} = W_h\tanh'(z_t)$, and the
# running product from the last step back to it, $\partial h_T/\partial h_{t-1}$.

# %%
display(Markdown(bptt_table(sequence, **weights)))

# %% [markdown]
# ## The product on a log scale
#
# Circles: the chain reaching $k$ steps back. Squares: a constant factor of 0.7 per step,
# the article's example, for comparison. A straight line on this scale means the
# gradient shrinks by the same factor every step.

# %%
display(HTML(decay_plot(sequence, reference=0.7, **weights)))

# %% [markdown]
# ## A longer run
#
# The same weights over 30 days of prices (the five anchor prices, repeated). The
# chain keeps falling at about the same rate per step.

# %%
long_sequence = repeated_sequence(30, sequence)
display(HTML(decay_plot(long_sequence, reference=0.7, **weights)))
