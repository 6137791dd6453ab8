from lstmgrad.present.tables import lstm_path_table

# The anchor RNN beside a one-unit LSTM: every gate 0.01 on x_t, 0.5 on h_(t-1); b_f = 2
print(lstm_path_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01, lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0))
