from lstmgrad.beyond import future_context_plot

print(future_context_plot())
