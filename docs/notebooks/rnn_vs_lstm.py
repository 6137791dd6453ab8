# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # RNN vs LSTM gradient paths
#
# The anchor RNN beside a one-unit LSTM with chosen (not trained) weights, on the same
# prices. For the RNN the gradient from the last state back to step $t$ is the product of
# the local factors $W_h \tanh'(z_t)$. For the LSTM, along the cell state alone, it is the
# product of the forget gates $f_t$, because $C_t = f_t C_{t-1} + i_t \tilde C_t$ passes
# $C_{t-1}$ on through one multiplication and one addition.
#
# Every LSTM gate gets input weight `lstm_w_x` and recurrent weight `lstm_w_h`; the
# forget gate also gets the bias `b_f`. Change them in the next cell and re-run.
# Things to try: `b_f = 0` (the forget gate starts near one half), `b_f = 5` (near one),
# a longer `days`.

# %%
from IPython.display import HTML, Markdown, display

from lstmgrad.present.plots import lstm_path_plot
from lstmgrad.present.tables import lstm_path_table
from lstmgrad.tasks.anchor import repeated_sequence

days = 90  # the anchor's five prices, repeated to this many days
W_h, W_x = 0.5, 0.01  # the anchor RNN
lstm_w_x, lstm_w_h = 0.01, 0.5  # every LSTM gate
b_f = 2.0  # forget-gate bias; the other biases are 0

sequence = repeated_sequence(days)
weights = dict(W_h=W_h, W_x=W_x, lstm_w_x=lstm_w_x, lstm_w_h=lstm_w_h, b_f=b_f)

# %% [markdown]
# ## Per step, over five days
#
# The last five days on their own. "RNN local" is $W_h\tanh'(z_t)$; the chains run from
# the last state back to step $t$.
# The last column includes the paths through $h_{t-1}$ and the gates, which the cell path
# leaves out.

# %%
display(Markdown(lstm_path_table(sequence[-5:], **weights)))

# %% [markdown]
# ## At growing lags, over the whole run

# %%
lags = [k for k in (1, 2, 5, 10, 20, 45, 90) if k <= days]
display(Markdown(lstm_path_table(sequence, lags=lags, **weights)))

# %% [markdown]
# ## Both paths on a log scale
#
# Circles: the RNN's chain. Squares: the LSTM's cell path.

# %%
display(HTML(lstm_path_plot(sequence, **weights)))
