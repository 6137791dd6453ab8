from lstmgrad.beyond import attention_pilot_table

# Attention's learning rate, checked on seeds 10-14, which no other table on the site reports
print(attention_pilot_table())
