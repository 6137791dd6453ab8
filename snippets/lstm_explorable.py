from lstmgrad.present.explorable import lstm_explorable

# Where the W_h, W_x and b_f sliders go: the worked example's settings over 90 days as the start
print(lstm_explorable([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, b_f=2.0, T=90))
