from lstmgrad.present.followups import grid_table, state_table
from lstmgrad.studies.followups import shut_records

# The LSTM with b_f = 1 (the main grid) and with its forget gate shut (b_f = -20: C_t = i_t * C~_t),
# so that nothing crosses a step through the cell state; main setting otherwise
records = shut_records(lags=(20, 50, 90))
print(grid_table(records, "b_f", "LSTM forget bias b_f", {1.0: "1 (main grid)", -20.0: "−20 (shut)"}))
print()
print(state_table(records))  # ||W_x|| and f_t at the start and at the end, median over the seeds
