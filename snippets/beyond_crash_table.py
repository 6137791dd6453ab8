from lstmgrad.beyond import crash_comparison_table

# The crash-at-lag task; RNN and LSTM cells are the experiments chapter's, attention beside them
print(crash_comparison_table())
