from lstmgrad.present.beyond import memory_plot
from lstmgrad.studies.beyond import memory_rows

print(memory_plot(memory_rows(Ts=(25, 95, 205, 505, 1000, 2000), H=16)))
