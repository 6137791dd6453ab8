from lstmgrad.present.beyond import attention_pilot_table
from lstmgrad.studies.beyond import pilot_records

# Attention's learning rate, checked on seeds 10-14, which no other table on the site reports
budgets = {20: 8192, 90: 8192, 200: 1024, 500: 1024}  # lag: training sequences per seed
print(attention_pilot_table(pilot_records(lrs=(0.01, 0.03), budgets=budgets, seeds=range(10, 15))))
