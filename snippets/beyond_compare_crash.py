from lstmgrad.present.experiments import comparison_table
from lstmgrad.studies.comparisons import comparison_records

# The comparisons this section makes in words, on the committed seeds 0-9:
# seeds ≥ 95 % with Wilson intervals; Fisher's exact test, and McNemar's exact test where both
# cells see the same sequences; sequences used by the exact Wilcoxon signed-rank test, seed by seed
print(comparison_table(comparison_records("beyond.md", section="crash")))
