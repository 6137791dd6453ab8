from lstmgrad.present.errata import chain_ends_table

# The anchor (W_h = 0.5, W_x = 0.01): where does the row labelled t = 1 end?
print(chain_ends_table([100, 102, 105, 103, 108], W_h=0.5, W_x=0.01))
