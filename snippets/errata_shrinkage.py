from lstmgrad.present.tables import constant_factor_table

# The article's toy chain: every local factor 0.7, over 5 steps
print(constant_factor_table(factor=0.7, steps=(5,)))
