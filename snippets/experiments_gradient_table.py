from lstmgrad.experiments import gradient_table

# How much gradient reaches the crash input x_{T-L}, before and after training
print(gradient_table())
