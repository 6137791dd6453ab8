from lstmgrad.present.followups import thirty_table
from lstmgrad.studies.followups import thirty_records

# The cells whose verdict rested on a gap of 2 to 6 seeds of ten, with seeds 15-34 added to seeds 0-9,
# each in its own setting (the RNN control at the RNN's rate, 0.03, and at 0.01; clipping: 4,096 sequences)
for table in ("lag 20", "RNN control", "RNN control, lr 0.01", "forget bias", "clipping"):
    print(f"**{table}**\n")
    print(thirty_table(thirty_records(table)), end="\n\n")
