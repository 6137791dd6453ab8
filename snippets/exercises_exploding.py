from lstmgrad.present.exercises import exploding_table

# The BPTT explorable's W_x slider (-0.1 to 0.1 in steps of 0.001), the anchor with W_h = 1.5, b = 0
print(exploding_table([100, 102, 105, 103, 108], W_h=1.5))
