from lstmgrad.present.experiments import comparison_table
from lstmgrad.studies.comparisons import comparison_records

# The comparisons section 6 makes in words: the same ten seeds with and without clipping,
# compared seed against seed by the exact Wilcoxon signed-rank test
print(comparison_table(comparison_records("experiments.md", section="clipping")))
