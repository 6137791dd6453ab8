from lstmgrad.present.experiment_plots import heatmap_plot
from lstmgrad.studies.exploding import HEAT_SCALE, HEAT_T, HEAT_W_H, exploding_grid

# |dh_T/dh_0| over W_h in [0, 3] and W_x·x in [0, 2], for T = 5, 20 and 100
print(heatmap_plot(exploding_grid(), HEAT_W_H, HEAT_SCALE, HEAT_T))
