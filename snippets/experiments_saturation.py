from lstmgrad.present.followups import saturation_table
from lstmgrad.studies.followups import saturation_at_init

# The main grid's tanh RNN before any training (seeds 0-9, 64 probe sequences each, lag 20)
print(saturation_table(saturation_at_init(scales=("raw", "std"), L=20, seeds=range(10))))
