from lstmgrad.present.floats import negligible_table

# Every local factor equal to 0.7 (the thought experiment's) or 0.1 (about the anchor's);
# the products are computed by repeated multiplication in each dtype, up to T = 3000
print(negligible_table(factors=(0.7, 0.1), max_steps=3000))
