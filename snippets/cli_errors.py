from lstmgrad.cli import transcript

# Bad input: one line on stderr, exit status 2, no traceback
for argv in (
    ["bptt", "--sequence", "100,abc,105", "--wh", "0.5", "--wx", "0.01"],
    ["bptt", "--sequence", "100,1e400", "--wh", "0.5", "--wx", "0.01"],
    ["bptt", "--wh", "0.5", "--wx", "0.01"],
):
    print(transcript(argv), end="\n\n")
