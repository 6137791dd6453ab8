from lstmgrad.present.experiment_plots import clipping_plot
from lstmgrad.studies.experiments import clipping_records

# Training loss of those runs, every seed
clips = {"clip 1": 1.0, "no clip": None}
records = clipping_records(clips, L=20, sigma_max=1.5, seeds=range(10), budget=4096, stop_at=2.0)
print(clipping_plot(records))
