from lstmgrad.present.tables import sweep_peak_table

# The argmax of dh_5/dh_0 over W_h = 0.001, 0.002, ..., 3.0
print(sweep_peak_table([100, 102, 105, 103, 108], lo=0.001, hi=3.0, step=0.001, W_x=0.01))
