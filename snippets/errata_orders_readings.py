from lstmgrad.present.errata import orders_readings_table

# The anchor: "over 4 orders of magnitude" depends on which two ends of the chain are compared
print(orders_readings_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
