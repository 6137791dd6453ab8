from lstmgrad.beyond import memory_plot

print(memory_plot())
