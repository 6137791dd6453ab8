"""Benchmarks for lstmgrad (``make bench``): medians and ratios, taken side by side in one run.

    .venv/bin/python bench/bench.py               # everything; writes bench/results.md
    .venv/bin/python bench/bench.py --quick       # LSTM, GEMM and sweeps only (about 20 s)

Timings are measurements of this machine on this day, not pinned values: nothing
asserts them. Each contest alternates its contestants round by round, so a noisy
neighbour slows both sides alike, and reports the median.
"""

# One thread for every BLAS and for torch: the variables must be set before numpy or
# torch is imported, or the thread pools are already running.
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstmgrad import lstm, sweeps  # noqa: E402

# ------------------------------------------------------------------------------ timing


def interleaved(
    contestants: dict[str, Callable[[], object]], rounds: int, inner: dict[str, int] | None = None
):
    """Seconds per call of each contestant, ``rounds`` rounds, contestants alternating within each."""
    inner = inner or {}
    times: dict[str, list[float]] = {name: [] for name in contestants}
    for fn in contestants.values():  # warm-up: caches, allocator, torch's first-call setup
        fn()
    for _ in range(rounds):
        for name, fn in contestants.items():
            for _ in range(inner.get(name, 1)):
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
    return times


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


# ------------------------------------------------------------------ (a) LSTM vs torch

B, T, D, H = 64, 100, 1, 32


def lstm_problem(seed: int = 0, batch: int = B):
    """Inputs, PyTorch-style initial weights, and dL/dh_T for L = sum(dh * h_T)."""
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(H)
    return {
        "x": rng.standard_normal((batch, T, D)),
        "W_x": rng.uniform(-k, k, (4 * H, D)),
        "W_h": rng.uniform(-k, k, (4 * H, H)),
        "b": rng.uniform(-k, k, 4 * H),
        "dh": rng.standard_normal((batch, H)),
    }


def lstm_step_flops() -> dict[str, float]:
    """FLOPs of one forward+backward step (multiply and add counted separately).

    matmuls: forward x W_x^T and h W_h^T; backward dA W_h (to h_{t-1}), dA^T h and dA^T x
    (weight gradients). elementwise: about 20 operations per hidden unit forward and 30
    backward, counting each tanh as one (an underestimate of its real cost).
    """
    matmul = 2 * T * B * 4 * H * (D + H) + 2 * T * B * 4 * H * (H + H + D)
    elementwise = 50 * T * B * H
    return {"matmul": matmul, "elementwise": elementwise, "total": matmul + elementwise}


def bench_lstm(rounds: int) -> dict:
    import torch

    torch.set_num_threads(1)
    p = lstm_problem()

    def step_lstmgrad(p=p):
        trace = lstm.forward(p["x"], p["W_x"], p["W_h"], p["b"])
        return lstm.backward(trace, p["dh"])

    # the same step on a batch of one: almost no arithmetic, so its time is numpy's
    # per-call overhead, paid once per operation per time step whatever the batch
    p_one = lstm_problem(batch=1)

    model = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        model.weight_ih_l0.copy_(torch.from_numpy(p["W_x"]))
        model.weight_hh_l0.copy_(torch.from_numpy(p["W_h"]))
        model.bias_ih_l0.copy_(torch.from_numpy(p["b"]))
        model.bias_hh_l0.zero_()
    x_t, dh_t = torch.from_numpy(p["x"]), torch.from_numpy(p["dh"])

    def step_torch():
        model.zero_grad(set_to_none=True)
        out, _ = model(x_t)
        (out[:, -1] * dh_t).sum().backward()

    # same step, same numbers: the gradients must agree before the times mean anything
    grads = step_lstmgrad()
    step_torch()
    agree = max(
        float(np.max(np.abs(grads["W_h"] - model.weight_hh_l0.grad.numpy()))),
        float(np.max(np.abs(grads["W_x"] - model.weight_ih_l0.grad.numpy()))),
        float(np.max(np.abs(grads["b"] - model.bias_ih_l0.grad.numpy()))),
    )
    times = interleaved(
        {"lstmgrad": step_lstmgrad, "torch": step_torch, "batch1": lambda: step_lstmgrad(p_one)}, rounds
    )
    t_np, t_torch = median(times["lstmgrad"]), median(times["torch"])
    return {
        "batch1_s": median(times["batch1"]),
        "lstmgrad_s": t_np,
        "torch_s": t_torch,
        "ratio": t_np / t_torch,
        "max_grad_diff": agree,
        "torch_version": torch.__version__,
    }


# ------------------------------------------------------------------ (b) machine limit


def bench_gemm(rounds: int, n: int = 1024) -> dict:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    out = np.empty((n, n))
    # the LSTM's own per-step product, (B, H) @ (H, 4H), a hundred times per call
    h, W = rng.standard_normal((B, H)), rng.standard_normal((H, 4 * H))
    small = np.empty((B, 4 * H))

    def step_products():
        for _ in range(100):
            np.matmul(h, W, out=small)

    times = interleaved({"gemm": lambda: np.matmul(a, b, out=out), "small": step_products}, rounds)
    t = median(times["gemm"])
    small_rate = 100 * 2 * B * H * 4 * H / median(times["small"])
    return {"n": n, "seconds": t, "flops_per_s": 2 * n**3 / t, "small_flops_per_s": small_rate}


# ------------------------------------------------------------------------ (c) sweeps

# the grid of the exploding-gradient heatmap on the Experiments page
SWEEP_GRID = {"W_h": np.linspace(0.0, 3.0, 121), "scale": np.linspace(0.0, 2.0, 81), "T": [5, 20, 100]}


def bench_sweeps(rounds: int) -> dict:
    g = SWEEP_GRID
    out = {}
    for kind, fast, slow in [
        ("scalar", sweeps.scalar_sweep, sweeps.scalar_sweep_loop),
        ("matrix (H=8)", sweeps.matrix_sweep, sweeps.matrix_sweep_loop),
    ]:
        a, b = fast(g["W_h"], g["scale"], g["T"]), slow(g["W_h"], g["scale"], g["T"])
        rel = float(np.max(np.abs(a - b) / np.maximum(np.abs(b), np.finfo(float).tiny)))
        times = interleaved(
            {
                "vectorised": lambda f=fast: f(g["W_h"], g["scale"], g["T"]),
                "loop": lambda f=slow: f(g["W_h"], g["scale"], g["T"]),
            },
            rounds,
            inner={"vectorised": 5},
        )
        t_fast, t_slow = median(times["vectorised"]), median(times["loop"])
        out[kind] = {
            "vectorised_s": t_fast,
            "loop_s": t_slow,
            "speedup": t_slow / t_fast,
            "max_rel_diff": rel,
        }
    # the matrix sweep's spectral norms: one 8x8 SVD per grid point and recorded T, the same
    # LAPACK call per matrix in both versions
    stack = np.random.default_rng(2).standard_normal((len(g["W_h"]), len(g["scale"]), 8, 8))
    norms = interleaved({"norms": lambda: np.linalg.norm(stack, ord=2, axis=(-2, -1))}, rounds)
    out["matrix (H=8)"]["norms_s"] = len(g["T"]) * median(norms["norms"])
    return out


# ------------------------------------------------------------------------- (d) build


def _copy_project(dest: Path) -> None:
    """A snapshot of the working tree (not .git, .venv, site or caches) to build and edit safely."""
    skip = shutil.ignore_patterns(
        ".git", ".venv", "site", ".cache", "__pycache__", "*.egg-info", ".pytest_cache"
    )
    shutil.copytree(ROOT, dest, ignore=skip)


def _env(project: Path, cache_dir: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(project), LSTMGRAD_CACHE_DIR=str(cache_dir), MPLBACKEND="Agg")
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("LSTMGRAD_NO_CACHE", None)
    return env


def timed_build(project: Path, cache_dir: Path, label: str, work: Path) -> dict:
    site, report = work / f"site-{label}", work / f"build-{label}.json"
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "timed_build.py"), str(site), str(report)],
        cwd=project,
        env=_env(project, cache_dir),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"wall_s": wall, "error": proc.stderr[-2000:]}
    return {"wall_s": wall, **json.loads(report.read_text())}


def time_snippets(project: Path, cache_dir: Path) -> dict[str, dict[str, float]]:
    """Each snippet run as a reader runs it, ``python snippets/<name>.py``: cold cache, then warm."""
    out: dict[str, dict[str, float]] = {}
    for snippet in sorted((project / "snippets").glob("*.py")):
        row = {}
        for label in ("cold", "warm"):
            start = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, str(snippet)], cwd=project, env=_env(project, cache_dir), capture_output=True
            )
            row[label] = time.perf_counter() - start if proc.returncode == 0 else float("nan")
        out[snippet.name] = row
    return out


def bench_build(touch: str) -> dict:
    """Cold build, prose edit + warm rebuild, lstmgrad edit + rebuild: all in a snapshot copy."""
    with tempfile.TemporaryDirectory(prefix="lstmgrad-bench-") as tmp:
        work = Path(tmp)
        project = work / "project"
        _copy_project(project)
        cache_dir = work / "cache"
        result: dict = {"cold": timed_build(project, cache_dir, "cold", work)}
        page = project / "docs" / "forward-pass.md"
        page.write_text(page.read_text() + "\nOne more sentence of prose, added by the benchmark.\n")
        result["prose_edit"] = timed_build(project, cache_dir, "prose", work)
        module = project / touch
        module.write_text(module.read_text() + "\n# touched by the benchmark\n")
        result["code_edit"] = timed_build(project, cache_dir, "code", work)
        result["touched"] = touch
        snippet_cache = work / "snippet-cache"
        result["snippets"] = time_snippets(project, snippet_cache)
    return result


def bench_tests() -> dict:
    start = time.perf_counter()
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(var, None)  # the suite as `make test` runs it
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    return {"wall_s": time.perf_counter() - start, "summary": summary, "returncode": proc.returncode}


# ---------------------------------------------------------------------------- report


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = np.__config__.CONFIG.get("Build Dependencies", {}).get("blas", {})
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__} "
        f"({blas.get('name', '?')} {blas.get('version', '')}), one BLAS thread"
    )


def report(r: dict) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    flops = lstm_step_flops()
    gemm_rate = r["gemm"]["flops_per_s"]
    limit_s = flops["total"] / gemm_rate
    L = r["lstm"]
    lines = [
        f"Measured {now} on {machine()}; torch {L['torch_version']}.",
        "",
        "| figure | target | measured | reproduce |",
        "|---|---|---|---|",
    ]
    if "build" in r:
        bld = r["build"]
        cold, prose, code = bld["cold"], bld["prose_edit"], bld["code_edit"]

        def wall(b: dict) -> str:
            return f"{b['wall_s']:.1f} s" + (" (build failed)" if "error" in b else "")

        def cache(b: dict) -> str:  # trained results are committed (make experiments); notebooks are cached
            nb = b.get("notebooks") or {}
            ran, kept = nb.get("executed", []), nb.get("cached", [])
            return f"notebooks: {len(ran)} ran ({', '.join(ran) or 'none'}), {len(kept)} from the cache"

        lines += [
            f"| cold `make docs` (empty cache, everything executed) | ≤ 20 s | {wall(cold)} | `make bench` |",
            f"| rebuild after editing one chapter's prose (warm cache) | ≤ 3 s | {wall(prose)}; "
            f"{cache(prose)} | `make bench` |",
            f"| rebuild after editing `{bld['touched']}` | only the affected snippets re-run | {wall(code)}; "
            f"{cache(code)} | `make bench` |",
        ]
    if "build" in r and "tests" not in r:
        lines.append("| `make test` | ≤ 120 s | not timed in this run (`--no-tests`) | `make bench` |")
    if "tests" in r:
        tst = r["tests"]
        lines.append(
            f"| `make test` | ≤ 120 s | {tst['wall_s']:.0f} s ({tst['summary']}) "
            "| `.venv/bin/python -m pytest` |"
        )
    lines += [
        f"| LSTM step B={B}, T={T}, D={D}, H={H}, float64, one thread: lstmgrad ÷ torch `nn.LSTM` + autograd "
        f"| ≤ 0.5 | {ms(L['lstmgrad_s'])} ÷ {ms(L['torch_s'])} = **{L['ratio']:.2f}** | `make bench` |",
        f"| the same step ÷ (its {flops['total'] / 1e6:.0f} MFLOP at the {r['gemm']['n']}² GEMM rate, "
        f"{gemm_rate / 1e9:.1f} GFLOP/s) | ≤ 2 | {ms(L['lstmgrad_s'])} ÷ {ms(limit_s)} = "
        f"**{L['lstmgrad_s'] / limit_s:.2f}** | `make bench` |",
    ]
    for kind, s in r["sweeps"].items():
        lines.append(
            f"| {kind} sweep {len(SWEEP_GRID['W_h'])}×{len(SWEEP_GRID['scale'])} grid × T = "
            f"{', '.join(map(str, SWEEP_GRID['T']))}: loop ÷ vectorised | ≥ 50× | {ms(s['loop_s'])} ÷ "
            f"{ms(s['vectorised_s'])} = **{s['speedup']:.0f}×** "
            f"(max rel. difference {s['max_rel_diff']:.0e}) | `make bench` |"
        )
    per_step_mm = 2 * T * 2 * B * H * 4 * H / r["gemm"]["small_flops_per_s"]
    weight_mm = 2 * T * B * 4 * H * (H + 2 * D) / gemm_rate
    rest = max(0.0, L["lstmgrad_s"] - L["batch1_s"] - per_step_mm - weight_mm)
    m = r["sweeps"]["matrix (H=8)"]
    rest_fast, rest_slow = m["vectorised_s"] - m["norms_s"], m["loop_s"] - m["norms_s"]
    lines += [
        "",
        f"LSTM gradients, lstmgrad against torch: largest difference {L['max_grad_diff']:.1e}. "
        f"FLOP count: {flops['matmul'] / 1e6:.0f} M in matmuls, about {flops['elementwise'] / 1e6:.0f} M "
        "elementwise.",
        "",
        f"What limits the LSTM step, estimated from this run: numpy's fixed cost per call "
        f"(the same step with a batch of one) {L['batch1_s'] / L['lstmgrad_s']:.0%}; the per-step products "
        f"({B}×{H}) @ ({H}×{4 * H}), forward and backward, at their own rate of "
        f"{r['gemm']['small_flops_per_s'] / 1e9:.1f} GFLOP/s, {per_step_mm / L['lstmgrad_s']:.0%}; the "
        f"weight-gradient products after the loop, at the large-GEMM rate, "
        f"{weight_mm / L['lstmgrad_s']:.0%}; "
        f"the rest, {rest / L['lstmgrad_s']:.0%}, is the elementwise gate arithmetic (tanh, products, "
        "sums), which runs far below the GEMM rate.",
        "",
        f"What limits the matrix sweep: both versions take the spectral norm of every grid point's "
        f"8×8 Jacobian product at each recorded T, one LAPACK SVD per matrix, {ms(m['norms_s'])} in all. "
        + (
            f"Without it, the loop takes {ms(rest_slow)} and the vectorised sweep {ms(rest_fast)}: "
            f"{rest_slow / rest_fast:.0f}×."
            if rest_fast > 0
            else "(This run was too noisy to separate the two.)"
        ),
    ]
    if "build" in r:
        bld = r["build"]
        pages = bld["cold"].get("pages", {})
        warm = bld["prose_edit"].get("pages", {})
        lines += ["", "Time per page inside the build (rendering, snippets and notebooks included):", ""]
        lines += ["| page | cold | warm |", "|---|---:|---:|"]
        for name in sorted(pages, key=lambda n: -pages[n]):
            lines.append(f"| `{name}` | {pages[name]:.2f} s | {warm.get(name, float('nan')):.2f} s |")
        lines += [
            "",
            "Each snippet run on its own, `python snippets/<name>.py`, interpreter start-up included: "
            "first from an empty experiment cache that fills as the snippets run in name order, then again:",
            "",
        ]
        lines += ["| snippet | first run | second run |", "|---|---:|---:|"]
        for name, row in sorted(bld["snippets"].items(), key=lambda kv: -kv[1]["cold"]):
            lines.append(f"| `{name}` | {row['cold']:.2f} s | {row['warm']:.2f} s |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="LSTM, GEMM and sweeps only")
    parser.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    parser.add_argument("--rounds", type=int, default=21, help="rounds for the LSTM and GEMM contests")
    parser.add_argument(
        "--touch",
        default="lstmgrad/tables.py",
        help="module edited for the rebuild figure (not one a trained result depends on)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()

    results: dict = {}
    print("LSTM step, lstmgrad vs torch ...", file=sys.stderr)
    results["lstm"] = bench_lstm(args.rounds)
    print("GEMM rate ...", file=sys.stderr)
    results["gemm"] = bench_gemm(max(5, args.rounds // 3))
    print("sweeps ...", file=sys.stderr)
    results["sweeps"] = bench_sweeps(3)
    if not args.quick:
        print("builds (cold, prose edit, code edit) and snippets ...", file=sys.stderr)
        results["build"] = bench_build(args.touch)
        if not args.no_tests:
            print("test suite ...", file=sys.stderr)
            results["tests"] = bench_tests()
    (Path(tempfile.gettempdir()) / "lstmgrad-bench-results.json").write_text(json.dumps(results, indent=1))
    text = report(results)
    print(text)
    if not args.quick:
        args.out.write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
