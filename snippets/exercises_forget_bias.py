from lstmgrad.present.exercises import forget_bias_table

# The LSTM explorable's b_f slider (-4 to 6 in steps of 0.1), T = 90: the cell path must keep at least half
print(forget_bias_table(share=0.5, days=90))
