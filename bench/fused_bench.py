"""How fast a fused C LSTM step could be (bench/fused.py), measured against lstmgrad's numpy step and torch.

    .venv/bin/python bench/fused_bench.py                  # everything; writes bench/fused_results.md
    .venv/bin/python bench/fused_bench.py --no-cell        # the steps only (about a minute)

A prototype for the speed issue's question, not part of lstmgrad: nothing here is imported by the
package, the site or the tests. One thread (as bench.py); each contest alternates its contestants
round by round and reports medians.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fused  # noqa: E402

import bench  # noqa: E402  (bench/bench.py: the step problem, FLOP count, GEMM rate, timing)
from lstmgrad.machine import blas, keep_freed_memory  # noqa: E402
from lstmgrad.models import lstm  # noqa: E402
from lstmgrad.models.common import weight_grads  # noqa: E402
from lstmgrad.models.lstm import _gate_scale  # noqa: E402

BUILDS = ("exact", "fast", "exact, AVX2")

#: The shape the experiment grid trains: 10 seeds stacked, batch 32, width 16, lag 90 (T = 95).
GRID = {"S": 10, "B": 32, "H": 16, "T": 95, "D": 1}


# ------------------------------------------------------------------------ problems


def grid_problem(dtype, seed: int = 0) -> dict:
    """Weights as the grid initialises them (``init_params``, forget bias 1), inputs, dL/dh_T."""
    from lstmgrad.train.params import init_params

    g = GRID
    P = init_params("lstm", g["H"], g["D"], list(range(g["S"])), T=g["T"], dtype=dtype)
    rng = np.random.default_rng(seed)
    return {
        "x": rng.standard_normal((g["S"], g["B"], g["T"], g["D"])).astype(dtype),
        "W_x": P["W_x"],
        "W_h": P["W_h"],
        "b": P["b"],
        "dh": rng.standard_normal((g["S"], g["B"], g["H"])).astype(dtype),
    }


def step_numpy(p: dict) -> dict:
    return lstm.backward(lstm.forward(p["x"], p["W_x"], p["W_h"], p["b"]), p["dh"])


def step_fused(p: dict, build: str) -> dict:
    return fused.backward(
        fused.forward(p["x"], p["W_x"], p["W_h"], p["b"], build=build), p["dh"], build=build
    )


# -------------------------------------------------------------------- correctness


def compare(ref: dict, got: dict) -> dict:
    """Largest absolute and relative difference over every gradient (relative: per element, over the
    nonzero reference values), and whether every gradient is bit-identical."""
    worst_abs = worst_rel = worst_scaled = 0.0
    per = {}
    for name, r in ref.items():
        d = np.abs(got[name].astype(np.float64) - r)
        nz = r != 0
        rel = float(np.max(d[nz] / np.abs(r[nz]))) if nz.any() else 0.0
        scaled = float(d.max() / np.abs(r).max())
        per[name] = {
            "abs": float(d.max()),
            "rel": rel,
            "scaled": scaled,
            "identical": bool(np.array_equal(got[name], r)),
        }
        worst_abs, worst_rel = max(worst_abs, per[name]["abs"]), max(worst_rel, rel)
        worst_scaled = max(worst_scaled, scaled)
    return {
        "abs": worst_abs,
        "rel": worst_rel,
        "scaled": worst_scaled,
        "identical": all(v["identical"] for v in per.values()),
        "per": per,
    }


def correctness() -> dict:
    out = {}
    problems = {
        f"bench step (B={bench.B}, T={bench.T}, H={bench.H}), float64": bench.step_problem("lstm"),
        "grid shape (S=10, B=32, H=16, T=95), float64": grid_problem(np.float64),
        "grid shape, float32": grid_problem(np.float32),
    }
    for label, p in problems.items():
        ref = step_numpy(p)
        out[label] = {build: compare(ref, step_fused(p, build)) for build in BUILDS}
    return out


# -------------------------------------------------------------------------- timing


def kernel_loops(p: dict, build: str) -> dict:
    """The parts of one fused step, each as its own contestant, on a trace of its own:
    the 2T per-step matmuls; the 2T kernel calls (the elementwise work with W_x x_t + b, call
    overhead included); the same 2T calls with S = 0 (ctypes' and the Python loop's overhead
    alone); and the work after the loop (the weight gradients and dL/dx, as lstm.py does them)."""
    trace = fused.forward(p["x"], p["W_x"], p["W_h"], p["b"], build=build)
    grads = fused.backward(trace, p["dh"], build=build)
    lib = fused.load(build)
    dtype = trace.h_tm.dtype
    sfx = fused._suffix(dtype)
    fwd, bwd = getattr(lib, f"lstm_forward_step_{sfx}"), getattr(lib, f"lstm_backward_step_{sfx}")
    S = trace.W_h.shape[:-2]
    st, n_seeds = bool(S), (S[0] if S else 1)
    B, T, _ = trace.x.shape[-3:]
    H = trace.H
    scale, _ = _gate_scale(H, dtype)
    W_hT = np.swapaxes(trace.W_h, -1, -2) * scale
    Wh_h = np.empty(S + (B, 4 * H), dtype)
    dz = np.moveaxis(np.empty(S + (T, B, 4 * H), dtype), len(S), 0)
    dz[...] = 0.01
    dh_t, dC = np.array(grads["h_0"]), np.array(grads["C_0"])
    g, c, tc, z = (fused._Steps(a, st) for a in (trace.gates_tm, trace.C_tm, trace.tanh_C_tm, dz))
    # the C calls get bare addresses: `alive` holds their arrays for as long as the closures live
    alive = (Wh_h, dh_t, dC)
    w_ptr, w_seed = fused._flat(Wh_h, st)
    dh_ptr, dh_seed = fused._flat(dh_t, st)
    dC_ptr, dC_seed = fused._flat(dC, st)
    h = trace.h_tm

    def matmuls():
        for t in range(T):
            np.matmul(h[t], W_hT, out=Wh_h)
        for t in range(T - 1, -1, -1):
            np.matmul(dz[t], trace.W_h, out=dh_t)

    def calls(n=n_seeds):
        assert alive
        for t in range(T):
            fwd(n, B, H, g.at(t), g.seed, w_ptr, w_seed, c.at(t), c.seed, c.at(t + 1), c.seed,
                tc.at(t), tc.seed, h.ctypes.data, 0, *fused.NO_INPUT)  # fmt: skip
        for t in range(T - 1, -1, -1):
            bwd(n, B, H, g.at(t), g.seed, tc.at(t), tc.seed, c.at(t), c.seed, dh_ptr, dh_seed,
                None, 0, dC_ptr, dC_seed, z.at(t), z.seed)  # fmt: skip

    hh = fused._Steps(h, st)
    x, W_x, b = trace.x, trace.W_x, trace.b
    inputs = fused.step_inputs(
        x, np.ascontiguousarray(W_x * scale[:, None]), np.ascontiguousarray(b * scale), st
    )

    dC_T = np.zeros_like(dC)

    def kernels():  # as in the real step: h_t written, dC from 0 at t = T (or it would underflow)
        assert alive
        dC[...] = dC_T
        for t in range(T):
            fwd(n_seeds, B, H, g.at(t), g.seed, w_ptr, w_seed, c.at(t), c.seed, c.at(t + 1), c.seed,
                tc.at(t), tc.seed, hh.at(t + 1), hh.seed, *inputs(t))  # fmt: skip
        for t in range(T - 1, -1, -1):
            bwd(n_seeds, B, H, g.at(t), g.seed, tc.at(t), tc.seed, c.at(t), c.seed, dh_ptr, dh_seed,
                None, 0, dC_ptr, dC_seed, z.at(t), z.seed)  # fmt: skip

    def outside():
        weight_grads(dz, h, x)
        np.moveaxis(dz @ W_x, 0, -2)

    return {
        "matmuls": matmuls,
        "kernels": kernels,
        "calls only": lambda: calls(0),
        "after the loop": outside,
    }


def time_steps(p: dict, rounds: int, torch_step=None) -> dict:
    """numpy step, fused steps (both builds), torch (if given), and the fused step's parts."""
    contestants = {"numpy (lstmgrad)": lambda: step_numpy(p)}
    for build in BUILDS:
        contestants[f"fused {build}"] = lambda build=build: step_fused(p, build)
    contestants["fused exact, W_x x_t + b in numpy"] = lambda: fused.backward(
        fused.forward(p["x"], p["W_x"], p["W_h"], p["b"], fuse_input=False), p["dh"]
    )
    if torch_step is not None:
        contestants["torch"] = torch_step
    parts = kernel_loops(p, "exact")
    contestants.update({f"part: {k}": fn for k, fn in parts.items()})
    times = bench.interleaved(contestants, rounds)
    return {name: bench.median(ts) for name, ts in times.items()}


def torch_step_for(p: dict):
    import torch

    torch.set_num_threads(1)
    model = bench._torch_layer("lstm", p, torch.float64)
    x_t, dh_t = torch.from_numpy(p["x"]), torch.from_numpy(p["dh"])

    def step():
        model.zero_grad(set_to_none=True)
        out, _ = model(x_t)
        (out[:, -1] * dh_t).sum().backward()

    return step, torch.__version__


# ---------------------------------------------------------------- a grid cell, trained


def time_cell(rounds: int, updates: int) -> dict:
    """One LSTM cell of the grid (`crash_cell`, lag 90, 10 seeds, B = 32, H = 16, float32, no early
    stop, 4096 test sequences), lstmgrad as it is against the same with `lstm.forward`/`backward`
    swapped for the fused ones (exact build) in this process; and whether the results agree."""
    from lstmgrad.studies.crash_runs import crash_cell

    kw = {"kind": "lstm", "L": 90, "seeds": list(range(10)), "budget": updates * 32, "stop_at": 2.0}
    kw["dtype"] = "float32"
    originals = (lstm.forward, lstm.backward)

    def with_numpy():
        lstm.forward, lstm.backward = originals
        return crash_cell(**kw)

    def with_fused():
        lstm.forward = lambda *a, **k: fused.forward(*a, **k, build="exact")
        lstm.backward = lambda *a, **k: fused.backward(*a, **k, build="exact")
        try:
            return crash_cell(**kw)
        finally:
            lstm.forward, lstm.backward = originals

    same = with_numpy() == with_fused()
    times = bench.interleaved({"numpy": with_numpy, "fused": with_fused}, rounds, warm_up=False)
    return {"updates": updates, "identical": same, **{k: bench.median(v) for k, v in times.items()}}


def grid_projection(cell_ratio: float, jobs: int = 2) -> dict:
    """The grid's wall time on ``jobs`` workers if every LSTM cell took ``cell_ratio`` of its
    committed time (``lstmgrad/results/*.json``) and every other cell its own; and if the GRU cells
    gained as much (a GRU kernel, not built). The schedule is `run_cells`' (bench/grid.py)."""
    import json

    from grid import wall_on

    from lstmgrad import store

    keys = {c.key for e in store.all_experiments().values() for c in e.cells}
    seconds: dict[str, float] = {}
    for path in sorted(store.RESULTS.glob("*.json")):
        seconds.update({c["key"]: c["seconds"] for c in json.loads(path.read_text())["cells"]})
    kind = {k: json.loads(k).get("kind", json.loads(k).get("model")) for k in keys}
    now = [seconds[k] for k in keys]
    out = {"cells": len(keys), "jobs": jobs, "now_s": wall_on(now, jobs)}
    for label, faster in (("lstm", {"lstm"}), ("lstm+gru", {"lstm", "gru"})):
        new = [seconds[k] * (cell_ratio if kind[k] in faster else 1.0) for k in keys]
        share = sum(seconds[k] for k in keys if kind[k] in faster) / sum(now)
        out[label] = {"wall_s": wall_on(new, jobs), "share": share}
    return out


# -------------------------------------------------------------------------- report


def build_info() -> dict:
    cc = fused.compiler() or "cc"
    version = subprocess.run([cc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    libc = subprocess.run(["ldd", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    seconds = {}
    for b in BUILDS:  # the first load compiles
        start = time.perf_counter()
        fused.load(b)
        seconds[b] = time.perf_counter() - start
    return {
        "cc": version,
        "libc": libc,
        "compile_s": seconds,
        "commands": {
            b: " ".join(fused.command(b, Path(f"lstm_step_{b.replace(', ', '_')}.so"))) for b in BUILDS
        },
        "symbols": {b: fused.vector_tanh_symbols(b) for b in BUILDS},
    }


def report(r: dict) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = r["build"]
    lines = [
        "# A fused C LSTM step: what it would give (a prototype, not used by lstmgrad)",
        "",
        f"Measured {now} on {bench.machine()}; {blas()}; {info['cc']}; {info['libc']}; load average "
        f"{r['load'][0]:.1f} at the start, {r['load'][1]:.1f} at the end. "
        "`.venv/bin/python bench/fused_bench.py` reproduces every figure.",
        "",
        "Builds (`bench/fused.py` compiles `bench/fused_lstm_step.c` on first use):",
        "",
    ]
    for b in BUILDS:
        lines.append(
            f"- **{b}**: `{info['commands'][b]}` ({info['compile_s'][b]:.2f} s); vector tanh called: "
            f"{', '.join(info['symbols'][b])}"
        )
    lines += ["", "## tanh: libmvec (through each build's own loop) against np.tanh", ""]
    lines += [
        "| build | dtype | values, evenly spaced in [-20, 20] | differ | ulp histogram |",
        "|---|---|---:|---:|---|",
    ]
    for b, by_dtype in r["ulps"].items():
        for dt, u in by_dtype.items():
            lines.append(f"| {b} | {dt} | {u['n']:,} | {u['differ']:,} | {u['histogram']} |")
    lines += ["", "## Gradients: fused against lstmgrad's numpy backward", ""]
    lines += [
        "| problem | build | max abs diff | max abs diff ÷ max abs value | max rel diff (per element) "
        "| bit-identical |",
        "|---|---|---:|---:|---:|---|",
    ]
    for label, by in r["correctness"].items():
        for b, c in by.items():
            lines.append(
                f"| {label} | {b} | {c['abs']:.1e} | {c['scaled']:.1e} | {c['rel']:.1e} "
                f"| {'yes' if c['identical'] else 'no'} |"
            )
    gemm = r["gemm"]["flops_per_s"]
    limit = bench.step_flops("lstm")["total"] / gemm
    for label, key in (("bench step (B=64, T=100, D=1, H=32), float64", "bench"),) + tuple(
        (f"grid shape (S=10, B=32, H=16, T=95), {dt}", f"grid {dt}") for dt in ("float32", "float64")
    ):
        if key not in r["steps"]:
            continue
        s = r["steps"][key]
        np_t = s["numpy (lstmgrad)"]
        lines += [
            "",
            f"## One forward+backward step, {label}: median of {r['rounds']} interleaved rounds",
            "",
        ]
        lines += ["| contestant | time | ÷ numpy | ÷ torch | ÷ GEMM-bound |", "|---|---:|---:|---:|---:|"]
        for name in [
            "numpy (lstmgrad)",
            "fused exact",
            "fused fast",
            "fused exact, W_x x_t + b in numpy",
            "torch",
        ]:
            if name not in s:
                continue
            t = s[name]
            vs_torch = f"{t / s['torch']:.2f}" if "torch" in s else "—"
            vs_gemm = f"{t / limit:.2f}" if key == "bench" else "—"
            lines.append(f"| {name} | {bench.ms(t)} | {t / np_t:.2f} | {vs_torch} | {vs_gemm} |")
        total = s["fused exact"]
        parts = {k[len("part: ") :]: v for k, v in s.items() if k.startswith("part: ")}
        summed = parts["matmuls"] + parts["kernels"] + parts["after the loop"]
        lines += [
            "",
            f"Where the fused exact step's {bench.ms(total)} goes (each part timed on its own, same rounds):",
            "",
            "| part | time | share |",
            "|---|---:|---:|",
            f"| the 2T per-step matmuls (numpy → BLAS) | {bench.ms(parts['matmuls'])} | "
            f"{parts['matmuls'] / total:.0%} |",
            f"| the 2T kernel calls (elementwise work with W_x x_t + b, and call overhead) | "
            f"{bench.ms(parts['kernels'])} | "
            f"{parts['kernels'] / total:.0%} |",
            "| of which: the same 2T calls doing nothing (ctypes + Python loop) | "
            f"{bench.ms(parts['calls only'])} "
            f"| {parts['calls only'] / total:.0%} |",
            "| after the loop: the weight gradients and dL/dx (lstm.py's code) | "
            f"{bench.ms(parts['after the loop'])} | "
            f"{parts['after the loop'] / total:.0%} |",
            "| the three parts together: timed alone, they add up to more than the whole step, so read "
            f"the shares as approximate | {bench.ms(summed)} | {summed / total:.0%} |",
        ]
        if key == "bench":
            lines += [
                "",
                f"GEMM-bound time: {bench.step_flops('lstm')['total'] / 1e6:.0f} MFLOP at the "
                f"{r['gemm']['n']}² GEMM rate, {gemm / 1e9:.1f} GFLOP/s = {bench.ms(limit)}. "
                f"torch {r['torch_version']}.",
            ]
    if "cell" in r:
        c = r["cell"]
        lines += [
            "",
            "## A grid cell, trained",
            "",
            f"`crash_cell('lstm', L=90, seeds=0..9, budget={c['updates']}×32, stop_at=2.0, dtype='float32')` "
            f"(H=16, B=32, {c['updates']} Adam updates, held-out checks, 4096 test sequences), "
            f"median of {r['cell_rounds']} interleaved runs: numpy {c['numpy']:.2f} s, with the fused step "
            f"swapped in {c['fused']:.2f} s: **{c['fused'] / c['numpy']:.2f}×** "
            f"({c['numpy'] / c['fused']:.2f}× faster). Results identical to the last bit: "
            f"{'yes' if c['identical'] else 'NO'}.",
        ]
        g = r["projection"]
        lines += [
            "",
            f"What that would give the whole grid ({g['cells']} cells, committed times, {g['jobs']} workers, "
            f"longest first): today {g['now_s']:.0f} s. With every LSTM cell at "
            f"{c['fused'] / c['numpy']:.2f}× "
            f"(they are {g['lstm']['share']:.0%} of the summed cell time): {g['lstm']['wall_s']:.0f} s, "
            f"**{g['lstm']['wall_s'] / g['now_s']:.2f}×**. If a GRU kernel gained as much (not built; LSTM "
            f"and GRU {g['lstm+gru']['share']:.0%}): {g['lstm+gru']['wall_s']:.0f} s, "
            f"**{g['lstm+gru']['wall_s'] / g['now_s']:.2f}×**. (Assumes the lag-90 cell's ratio at every "
            "lag and budget.)",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--no-cell", action="store_true", help="skip training a grid cell")
    parser.add_argument("--cell-rounds", type=int, default=3)
    parser.add_argument("--cell-updates", type=int, default=256)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("fused_results.md"))
    args = parser.parse_args()
    keep_freed_memory()
    try:
        info = build_info()
    except fused.NoCompiler as e:
        print(f"skipped: {e}", file=sys.stderr)
        return
    r: dict = {
        "load": [os.getloadavg()[0]],
        "build": info,
        "rounds": args.rounds,
        "cell_rounds": args.cell_rounds,
    }
    print("tanh ulps, correctness ...", file=sys.stderr)
    r["ulps"] = {b: fused.tanh_ulps(build=b) for b in BUILDS}
    r["correctness"] = correctness()
    print("GEMM rate ...", file=sys.stderr)
    r["gemm"] = bench.bench_gemm(max(5, args.rounds // 3))
    print("steps ...", file=sys.stderr)
    p = bench.step_problem("lstm")
    torch_step, r["torch_version"] = torch_step_for(p)
    r["steps"] = {"bench": time_steps(p, args.rounds, torch_step)}
    for dt in (np.float32, np.float64):
        r["steps"][f"grid {np.dtype(dt).name}"] = time_steps(grid_problem(dt), args.rounds)
    if not args.no_cell:
        print("a grid cell, trained ...", file=sys.stderr)
        start = time.perf_counter()
        r["cell"] = time_cell(args.cell_rounds, args.cell_updates)
        r["projection"] = grid_projection(r["cell"]["fused"] / r["cell"]["numpy"])
        print(f"  {time.perf_counter() - start:.0f} s", file=sys.stderr)
    r["load"].append(os.getloadavg()[0])
    text = report(r)
    print(text)
    args.out.write_text(text)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
