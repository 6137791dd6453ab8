from lstmgrad.store import all_experiments, provenance

# What `make experiments` recorded in each committed results file (lstmgrad/results/<name>.json)
runs = set()
print("| experiment | cells | seeds per cell | training time, summed over its cells | trained on |")
print("|---|---:|---:|---:|---|")
for name, exp in all_experiments().items():
    p = provenance(exp)
    runs.add((p["date"], p["run_wall_seconds"], p["jobs"]))
    seeds = len(exp.seeds())
    print(f"| {name} | {len(exp.cells)} | {seeds} | {p['cell_seconds']:.0f} s | {p['date']} |")
for date, wall, jobs in sorted(runs):
    print(f"\nThe run of {date} took {wall:.0f} s of wall time on {jobs} worker(s).")
