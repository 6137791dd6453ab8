from lstmgrad.expplots import lag_plot

# The table above as a plot: one line per model, bars from the worst to the best seed
print(lag_plot())
