from lstmgrad.beyond import blind_gradient_table

# How much the logit at step t moves when x one step later moves, at initialisation
print(blind_gradient_table(k=1))
