from lstmgrad.present.diagrams import lstm_cell_svg

# One LSTM cell, its cell-state path marked; the numbers are the worked example's forget gates
print(lstm_cell_svg([100, 102, 105, 103, 108], lstm_w_x=0.01, lstm_w_h=0.5, b_f=2.0))
