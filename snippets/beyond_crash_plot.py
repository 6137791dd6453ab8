from lstmgrad.beyond import crash_comparison_plot

print(crash_comparison_plot())
