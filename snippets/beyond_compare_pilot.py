from lstmgrad.present.experiments import comparison_table
from lstmgrad.studies.comparisons import comparison_records

# The comparisons the pilot makes in words, on seeds 10-14:
# seeds ≥ 95 % with Wilson intervals; Fisher's exact test, and McNemar's exact test
# where both cells train on the same sequences (same seeds, same lag)
print(comparison_table(comparison_records("beyond.md", section="pilot")))
