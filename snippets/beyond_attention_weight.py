from lstmgrad.present.followups import attention_weight_table
from lstmgrad.studies.followups import attention_records

# Where attention's last step looks: its softmax weight on step T - L, on 64 probe sequences per seed
print(attention_weight_table(attention_records()))
