from lstmgrad.present.beyond import memory_table
from lstmgrad.studies.beyond import memory_rows

# Bytes of the activations one training sequence keeps for its backward pass (float64, H = d = 16);
# T = L + 5 for the crash task's lags 20, 90, 200 and 500, then longer
print(memory_table(memory_rows(Ts=(25, 95, 205, 505, 1000, 2000), H=16)))
