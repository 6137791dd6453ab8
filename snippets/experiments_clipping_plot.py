from lstmgrad.expplots import clipping_plot

# Training loss of those runs, every seed
print(clipping_plot())
