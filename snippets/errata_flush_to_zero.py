from lstmgrad.present.floats import flush_to_zero_table

# When does a chain reach exactly 0.0? With gradual underflow (the IEEE default), and with
# flush-to-zero (subnormal results replaced by 0.0, as on many GPUs and in fast-math builds)
print(flush_to_zero_table(factors=(0.7, 0.1), max_steps=3000))
