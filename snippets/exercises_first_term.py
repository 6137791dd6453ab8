from lstmgrad.present.exercises import closest_first_term_table

# The BPTT explorable's b slider (-5 to 5 in steps of 0.01), the anchor with W_h = 0.5, W_x = 0.01;
# the loss of the BPTT page (y_hat = h_5, target 1)
print(closest_first_term_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
