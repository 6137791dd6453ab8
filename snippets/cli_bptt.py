from lstmgrad.cli import run

# What `lstmgrad bptt --sequence 100,102,105,103,108 --wh 0.5 --wx 0.01` prints
print(run(["bptt", "--sequence", "100,102,105,103,108", "--wh", "0.5", "--wx", "0.01"]))
