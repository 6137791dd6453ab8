from lstmgrad.present.tables import anchor_table

# The anchor task: five closing prices in, day 6 to predict
print(anchor_table([100, 102, 105, 103, 108]))
