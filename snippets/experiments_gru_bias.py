from lstmgrad.present.followups import grid_table
from lstmgrad.studies.followups import gru_bias_records

# The GRU started with its update-gate bias b_z (None: PyTorch's draw, the main grid); main setting otherwise
records = gru_bias_records(b_zs=(None, 3.0, 5.0), lags=(20, 50, 90))
print(grid_table(records, "b_z", "GRU update-gate bias b_z", {None: "drawn (main grid)"}))
