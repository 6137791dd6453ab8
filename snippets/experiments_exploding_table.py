from lstmgrad.present.experiments import exploding_table
from lstmgrad.studies.exploding import exploding_records

# Scalar RNN, constant input W_x·x, h_0 = 0: where |dh_T/dh_0| explodes (> 1) or vanishes (< 1e-5)
print(exploding_table(exploding_records()))
