from lstmgrad.present.experiments import comparison_table
from lstmgrad.studies.comparisons import comparison_records

# The comparisons this section makes in words, at lags 200 and 500 with 8,192 sequences, seeds 0-9:
# seeds ≥ 95 % with Wilson intervals; Fisher's and McNemar's exact tests (every cell sees the same
# sequences); sequences used by the exact Wilcoxon signed-rank test, seed by seed
print(comparison_table(comparison_records("beyond.md", section="long")))
