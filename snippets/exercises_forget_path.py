from lstmgrad.present.errata import constant_chain_table

# A chain of T equal factors: RNN-like (0.1, 0.7) beside forget gates held at 0.9 and 0.99
print(constant_chain_table(factors=(0.1, 0.7, 0.9, 0.99), steps=(5, 20, 100)))
