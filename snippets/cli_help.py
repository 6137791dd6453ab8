from lstmgrad.cli import run

# What `lstmgrad bptt --help` prints
print(run(["bptt", "--help"]))
