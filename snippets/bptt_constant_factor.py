from lstmgrad.present.tables import constant_factor_table

# A thought experiment: every local factor equal to 0.7
print(constant_factor_table(factor=0.7, steps=[5, 100]))
