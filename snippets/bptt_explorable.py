from lstmgrad.present.explorable import bptt_explorable

# Where the sliders go: the anchor's prices and weights as the starting values
print(bptt_explorable([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, b=0.0))
