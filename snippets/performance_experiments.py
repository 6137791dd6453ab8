from lstmgrad.store import all_experiments, provenance

# What `make experiments` recorded in each committed results file (lstmgrad/results/<name>.json)
runs = {}  # (date, wall time, workers) -> the distinct cells that run trained (shared cells train once)
print("| experiment | cells | seeds per cell | its cells, summed | its wall time | trained on |")
print("|---|---:|---:|---:|---:|---|")
for name, exp in all_experiments().items():
    p = provenance(exp)
    runs.setdefault((p["date"], p["run_wall_seconds"], p["jobs"]), set()).update(c.key for c in exp.cells)
    seeds = len(exp.seeds())
    wall = f"{p['wall_seconds']:.0f} s" if "wall_seconds" in p else "not recorded"
    print(f"| {name} | {len(exp.cells)} | {seeds} | {p['cell_seconds']:.0f} s | {wall} | {p['date']} |")
for (date, wall, jobs), cells in sorted(runs.items()):
    print(f"\nThe run that ended at {date} trained {len(cells)} distinct cells", end=" ")
    print(f"in {wall:.0f} s of wall time on {jobs} worker(s).")
