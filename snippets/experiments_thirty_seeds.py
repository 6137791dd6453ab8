from lstmgrad.present.followups import thirty_table
from lstmgrad.studies.followups import thirty_records

# The cells whose verdict rested on a gap of 2 to 6 seeds of ten, with seeds 15-34 added to seeds 0-9,
# each in its own setting (the RNN control and the forget-bias grid: the main budget; clipping: 4,096)
for table in ("lag 20", "RNN control", "forget bias", "clipping"):
    print(f"**{table}**\n")
    print(thirty_table(thirty_records(table)), end="\n\n")
