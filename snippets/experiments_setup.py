from lstmgrad.experiments import setup_table

# The one setting every model gets in the main comparison
print(setup_table())
