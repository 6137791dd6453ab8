from lstmgrad.present.tables import saturation_table

# dh_5/dh_0 = W_h^5 * (product of the five tanh slopes), per W_h
W_hs = [0.1, 0.3, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0]
print(saturation_table([100, 102, 105, 103, 108], W_hs=W_hs, W_x=0.01))
