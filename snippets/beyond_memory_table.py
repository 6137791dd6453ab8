from lstmgrad.beyond import memory_table

# Bytes of the activations one training sequence keeps for its backward pass (float64, H = d = 16)
print(memory_table())
