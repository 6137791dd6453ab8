from lstmgrad.present.tables import sweep_peak_table

# The anchor's whole chain dh_5/dh_0 over a fine grid of W_h
print(sweep_peak_table([100, 102, 105, 103, 108], lo=0.001, hi=3.0, step=0.001, W_x=0.01))
