from lstmgrad.cli import run

# What `lstmgrad sweep --wh 0.1,0.3,0.5,0.7,0.9,1.2,1.5,2.0` prints (the anchor sequence by default)
print(run(["sweep", "--wh", "0.1,0.3,0.5,0.7,0.9,1.2,1.5,2.0"]))
