# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Three gradient paths on your own numbers
#
# The chapters move one knob each: the [BPTT explorable](../../bptt/#move-the-weights-yourself) the RNN's weights, the
# [LSTM explorable](../../lstm/#move-the-forget-bias) the forget bias. Here every knob is in one cell, and the GRU
# runs beside the other two: your own prices, the RNN's weights, the gate weights shared by
# the LSTM and the GRU, the LSTM's four biases and the GRU's update bias. Download this
# notebook (the link at the top of the page), change the next cell and run it again.
#
# What the three columns measure: the RNN's chain $\partial h_T/\partial h_{T-k}$; the LSTM's
# cell path $\prod f_t$ and its full $\partial C_T/\partial C_{T-k}$; the GRU's update path
# $\prod u_t$ and its full $\partial h_T/\partial h_{T-k}$ (the GRU's update gate is written
# $u_t$ on this site, $z_t$ in PyTorch).
#
# Things to try: prices centred on zero, e.g. `[p - 104 for p in prices]`; an input gate
# shut with `b_i = -5`; `b_u = 0` against `b_f = 0`.

# %%
from IPython.display import HTML, Markdown, display

from lstmgrad.present.gates import gated_paths_plot, gru_path_table
from lstmgrad.present.tables import lstm_path_table

prices = [100, 102, 105, 103, 108] * 18  # x_t: any sequence of numbers
W_h, W_x = 0.5, 0.01  # the vanilla RNN
w_x, w_h = 0.01, 0.5  # every gate of the LSTM and of the GRU: on x_t, on h_(t-1)
b_i, b_f, b_g, b_o = 0.0, 2.0, 0.0, 0.0  # the LSTM's biases, PyTorch's gate order
b_u = 2.0  # the GRU's update-gate bias; its other biases are 0
lags = [k for k in (1, 2, 5, 10, 20, 45, 90) if k <= len(prices)]

# %% [markdown]
# ## The LSTM beside the RNN

# %%
lstm_weights = dict(W_h=W_h, W_x=W_x, lstm_w_x=w_x, lstm_w_h=w_h, b_i=b_i, b_f=b_f, b_g=b_g, b_o=b_o)
display(Markdown(lstm_path_table(prices, lags=lags, **lstm_weights)))

# %% [markdown]
# ## The GRU beside the RNN

# %%
display(Markdown(gru_path_table(prices, b_u=b_u, lags=lags, W_h=W_h, W_x=W_x, w_x=w_x, w_h=w_h)))

# %% [markdown]
# ## All three on a log scale
#
# The plot takes the LSTM's forget bias only; its other biases are 0 there.

# %%
display(HTML(gated_paths_plot(prices, W_h=W_h, W_x=W_x, w_x=w_x, w_h=w_h, b_f=b_f, b_u=b_u)))
