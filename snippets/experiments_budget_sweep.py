from lstmgrad.experiments import budget_table

# The main setting at lags 50 and 90 with 4x and 16x the budget (10 seeds per cell, same early stop)
print(budget_table())
