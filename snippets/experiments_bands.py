from lstmgrad.expbands import bands_table

# Every band the tests assert about trained results, and where this page's seeds fall
print(bands_table())
