from lstmgrad.present.followups import pilot_table
from lstmgrad.studies.followups import chosen_rates, pilot_records

# Every model a verdict compares, at three learning rates, on seeds 10-14, which no other table reports;
# the main setting otherwise (8,192 sequences at most). The rule was fixed before the pilot ran.
records = pilot_records(lrs=(0.003, 0.01, 0.03), seeds=range(10, 15))
print(pilot_table(records, chosen_rates(records)))
