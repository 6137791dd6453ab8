from lstmgrad.present.floats import underflow_table

# The same products, followed until they underflow (or stop changing), up to T = 3000
print(underflow_table(factors=(0.7, 0.1), max_steps=3000))
