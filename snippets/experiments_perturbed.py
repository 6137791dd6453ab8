from lstmgrad.present.followups import perturbed_table
from lstmgrad.studies.followups import perturbed_records

# Section 6's runs again, every initial weight times 1 + 1e-12 * N(0, 1): seed by seed, how far apart they end
print(perturbed_table(perturbed_records()))
