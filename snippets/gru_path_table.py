from lstmgrad.present.gates import gru_path_table

# The anchor RNN beside a one-unit GRU: every gate 0.01 on x_t and 0.5 on h_(t-1); update-gate bias b_u = 2
print(gru_path_table([100, 102, 105, 103, 108], b_u=2.0))
