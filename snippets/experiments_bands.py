from lstmgrad.present.experiments import bands_table
from lstmgrad.studies.bands import band_records

# Every band the tests assert about trained results, and where this page's seeds fall
print(bands_table(band_records()))
