from lstmgrad.expplots import gradient_plot

# The gradient at the crash input against lag, log scale
print(gradient_plot())
