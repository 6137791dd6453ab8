from lstmgrad.present.beyond import blind_gradient_table
from lstmgrad.studies.beyond import blind_gradients

# How much the logit at step t moves when x one step later moves, at initialisation (seed 0)
print(blind_gradient_table(blind_gradients(k=1, T=8, H=4)))
