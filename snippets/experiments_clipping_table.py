from lstmgrad.present.experiments import clipping_table
from lstmgrad.studies.experiments import clipping_records

# A tanh RNN started with sigma_max(W_h) = 1.5 at lag 20, trained with and without norm clipping;
# stop_at=2.0: no seed's accuracy reaches it, so every seed uses the whole budget
clips = {"clip 1": 1.0, "no clip": None}
records = clipping_records(clips, L=20, sigma_max=1.5, seeds=range(10), budget=4096, stop_at=2.0)
print(clipping_table(records))
