from lstmgrad.present.experiments import setup_table

# The one setting every model gets in the main comparison (lstmgrad.studies.experiments.MAIN)
print(setup_table())
