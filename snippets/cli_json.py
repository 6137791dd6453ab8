from lstmgrad.cli import run

# The same steps as JSON, every float at full precision
print(run(["bptt", "--sequence", "100,102,105,103,108", "--wh", "0.5", "--wx", "0.01", "--json"]))
