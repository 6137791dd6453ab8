from lstmgrad.present.experiments import comparison_table
from lstmgrad.studies.comparisons import comparison_records

# The comparisons the budget sweep makes in words, on the committed seeds 0-9:
# seeds ≥ 95 % with Wilson intervals; Fisher's exact test, and McNemar's exact test
# where both cells train on the same sequences (same seeds, same lag)
print(comparison_table(comparison_records("experiments.md", section="budget")))
