from lstmgrad.present.explorable import lstm_explorable

# Where the b_f slider goes: the worked example's settings as the starting values
print(lstm_explorable([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0))
