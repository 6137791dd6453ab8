from lstmgrad.present.floats import not_zero_table

# 0.7^100 by repeated multiplication, in float32 and float64 (followed up to T = 3000)
print(not_zero_table(factor=0.7, max_steps=3000))
