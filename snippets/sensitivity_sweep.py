from lstmgrad.present.tables import sweep_table

# The sweep: the whole chain dh_5/dh_0, and h_5, for eight W_h
W_hs = [0.1, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0]
print(sweep_table(sequence=[100, 102, 105, 103, 108], W_hs=W_hs, W_x=0.01))
