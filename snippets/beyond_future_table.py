from lstmgrad.beyond import future_context_table

# Label at step t = sign of x_{t+k}; T = 16, H = 8, 3 seeds, 3200 training sequences each
print(future_context_table())
