from lstmgrad.probe.pages import curve_plot

# Untrained, lag 90, seeds 0-9: the gradient reaching each hidden state, relative to the last one
print(curve_plot(L=90))
