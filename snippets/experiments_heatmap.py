from lstmgrad.expplots import heatmap_plot

# |dh_T/dh_0| over W_h in [0, 3] and W_x·x in [0, 2], for T = 5, 20 and 100
print(heatmap_plot())
