from lstmgrad.present.exercises import best_bias_table

# The BPTT explorable's b slider (-5 to 5 in steps of 0.01), the anchor with W_h = 0.5, W_x = 0.01
print(best_bias_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
