"""Benchmarks for lstmgrad (``make bench``): medians and ratios, taken side by side in one run.

    .venv/bin/python bench/bench.py               # everything; writes bench/results.md
    .venv/bin/python bench/bench.py --quick       # steps, GEMM and sweeps only (about a minute)

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

from grid import OLD, bench_grid, bench_grid_full  # noqa: E402  (bench/grid.py, beside this file)

from lstmgrad.machine import keep_freed_memory  # noqa: E402
from lstmgrad.models import gru, lstm, rnn, sweeps  # noqa: E402
from lstmgrad.tasks.crash import PREFIX, seed_batches  # noqa: E402
from lstmgrad.train.loop import fit  # noqa: E402
from lstmgrad.train.params import GATES, init_params  # noqa: E402

# ------------------------------------------------------------------------------ timing


def interleaved(
    contestants: dict[str, Callable[[], object]],
    rounds: int,
    inner: dict[str, int] | None = None,
    warm_up: bool = True,
):
    """Seconds per call of each contestant, ``rounds`` rounds, contestants alternating within each.

    ``warm_up=False`` skips the untimed first call of each (the caller warmed them up more cheaply).
    """
    inner = inner or {}
    times: dict[str, list[float]] = {name: [] for name in contestants}
    for fn in contestants.values() if warm_up else ():  # caches, allocator, torch's first-call setup
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


# ------------------------------------------------- (a) one step of each layer vs torch

B, T, D, H = 64, 100, 1, 32
KINDS = ("lstm", "gru", "rnn")
LAYERS = {"lstm": lstm, "gru": gru, "rnn": rnn}
#: Elementwise operations per hidden unit and time step, forward plus backward, counted from
#: each layer's code with every tanh as one (an underestimate of its real cost): the LSTM about
#: 20 forward and 30 backward, the GRU about 20 and 20, the RNN 2 (add, tanh) and 3.
ELEMENTWISE = {"lstm": 50, "gru": 40, "rnn": 5}


def step_problem(kind: str = "lstm", seed: int = 0, batch: int = B) -> dict:
    """Inputs, PyTorch-style initial weights, and dL/dh_T for L = sum(dh * h_T)."""
    rng = np.random.default_rng(seed)
    k = 1.0 / np.sqrt(H)
    rows = GATES[kind] * H
    p = {
        "x": rng.standard_normal((batch, T, D)),
        "W_x": rng.uniform(-k, k, (rows, D)),
        "W_h": rng.uniform(-k, k, (rows, H)),
        "b_x" if kind == "gru" else "b": rng.uniform(-k, k, rows),
        "dh": rng.standard_normal((batch, H)),
    }
    if kind == "gru":
        p["b_h"] = rng.uniform(-k, k, rows)
    return p


def step_flops(kind: str = "lstm") -> dict[str, float]:
    """FLOPs of one forward+backward step (multiply and add counted separately).

    matmuls, with G gate blocks (lstm 4, gru 3, rnn 1): forward x W_x^T and h W_h^T; backward
    dA W_h (to h_{t-1}), dA^T h and dA^T x (weight gradients). elementwise: `ELEMENTWISE`.
    """
    G = GATES[kind]
    matmul = 2 * T * B * G * H * (D + H) + 2 * T * B * G * H * (H + H + D)
    elementwise = ELEMENTWISE[kind] * T * B * H
    return {"matmul": matmul, "elementwise": elementwise, "total": matmul + elementwise}


def _torch_layer(kind: str, p: dict, dtype):
    """``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` (tanh) holding the weights of ``p``."""
    import torch

    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind]
    model = cls(p["W_x"].shape[-1], p["W_h"].shape[-1], batch_first=True, dtype=dtype)
    with torch.no_grad():
        model.weight_ih_l0.copy_(torch.from_numpy(p["W_x"]))
        model.weight_hh_l0.copy_(torch.from_numpy(p["W_h"]))
        model.bias_ih_l0.copy_(torch.from_numpy(p["b_x" if kind == "gru" else "b"]))
        if kind == "gru":
            model.bias_hh_l0.copy_(torch.from_numpy(p["b_h"]))
        else:  # lstmgrad's LSTM and RNN have one bias, torch's two only ever appear summed
            model.bias_hh_l0.zero_()
    return model


def bench_step(kind: str, rounds: int) -> dict:
    """One forward+backward step of ``kind`` in float64, lstmgrad against torch, same weights."""
    import torch

    torch.set_num_threads(1)
    layer = LAYERS[kind]
    p = step_problem(kind)
    weights = [n for n in p if n not in ("x", "dh")]

    def step_lstmgrad(p=p):
        trace = layer.forward(p["x"], **{n: p[n] for n in weights})
        return layer.backward(trace, p["dh"])

    # the same step on a batch of one: almost no arithmetic, so its time is numpy's
    # per-call overhead, paid once per operation per time step whatever the batch
    p_one = step_problem(kind, batch=1)
    model = _torch_layer(kind, p, torch.float64)
    x_t, dh_t = torch.from_numpy(p["x"]), torch.from_numpy(p["dh"])

    def step_torch():
        model.zero_grad(set_to_none=True)
        out, _ = model(x_t)
        (out[:, -1] * dh_t).sum().backward()

    # same step, same numbers: the gradients must agree before the times mean anything
    grads = step_lstmgrad()
    step_torch()
    torch_grads = {"W_x": model.weight_ih_l0, "W_h": model.weight_hh_l0}
    torch_grads["b_x" if kind == "gru" else "b"] = model.bias_ih_l0
    if kind == "gru":
        torch_grads["b_h"] = model.bias_hh_l0
    agree = max(float(np.max(np.abs(grads[n] - w.grad.numpy()))) for n, w in torch_grads.items())
    contestants = {"lstmgrad": step_lstmgrad, "torch": step_torch, "batch1": lambda: step_lstmgrad(p_one)}
    extra: dict = {}
    if kind == "lstm":
        fused_step, extra = _fused_step(p, grads)
        if fused_step is not None:
            contestants["fused"] = fused_step
    times = interleaved(contestants, rounds)
    t_np, t_torch = median(times["lstmgrad"]), median(times["torch"])
    if "fused" in times:
        extra["fused_s"] = median(times["fused"])
    return {
        **extra,
        "batch1_s": median(times["batch1"]),
        "lstmgrad_s": t_np,
        "torch_s": t_torch,
        "ratio": t_np / t_torch,
        "max_grad_diff": agree,
        "torch_version": torch.__version__,
    }


def _fused_step(p: dict, grads: dict) -> tuple[Callable[[], object] | None, dict]:
    """The LSTM step with its elementwise work in the fused C prototype (bench/fused.py, not used by
    lstmgrad), and how its gradients compare with lstmgrad's; (None, the reason) if it cannot be built."""
    import fused  # bench/fused.py, beside this file

    try:
        fused.load("exact")
    except fused.NoCompiler as e:
        return None, {"fused_skipped": str(e)}

    def step():
        return fused.backward(fused.forward(p["x"], p["W_x"], p["W_h"], p["b"]), p["dh"])

    ours = step()
    rel = max(float(np.max(np.abs(ours[n] - grads[n])) / np.max(np.abs(grads[n]))) for n in grads)
    same = all(np.array_equal(ours[n], grads[n]) for n in grads)
    return step, {"fused_max_rel": rel, "fused_identical": same}


# ------------------------------------------------------------------ (b) machine limit


def bench_gemm(rounds: int, n: int = 1024) -> dict:
    """The large-GEMM rate, and the rate of each layer's own per-step product (B, H) @ (H, G·H)."""
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    out = np.empty((n, n))
    h = rng.standard_normal((B, H))
    contestants = {"gemm": lambda: np.matmul(a, b, out=out)}
    for kind in KINDS:  # a hundred per-step products per call
        W, small = rng.standard_normal((H, GATES[kind] * H)), np.empty((B, GATES[kind] * H))
        contestants[kind] = lambda W=W, small=small: [np.matmul(h, W, out=small) for _ in range(100)]
    times = interleaved(contestants, rounds)
    t = median(times["gemm"])
    small_rates = {kind: 100 * 2 * B * H * GATES[kind] * H / median(times[kind]) for kind in KINDS}
    return {"n": n, "seconds": t, "flops_per_s": 2 * n**3 / t, "small_flops_per_s": small_rates}


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
    # LAPACK routine per matrix in both versions (the vectorised sweep makes one batched call)
    stack = np.random.default_rng(2).standard_normal((len(g["T"]), len(g["W_h"]), len(g["scale"]), 8, 8))
    norms = interleaved({"norms": lambda: np.linalg.svd(stack, compute_uv=False)}, rounds)
    out["matrix (H=8)"]["norms_s"] = median(norms["norms"])
    return out


# ------------------------------------------------------- (d) crash-task training vs torch

#: The crash-task cell of the Experiments page, without its early stop: LSTM, width 16, lag 90,
#: batches of 32, 256 Adam updates at lr 1e-2 with clipping at 1, held-out accuracy on 128
#: sequences every 20 updates, three seeds.
TRAIN = {"H": 16, "L": 90, "B": 32, "steps": 256, "lr": 1e-2, "clip": 1.0, "eval_every": 20, "held_out": 128}
TRAIN_SEEDS = [0, 1, 2]


def training_problem(dtype, steps: int = TRAIN["steps"]) -> dict:
    """The initial parameters (seed-stacked), every training batch and the held-out batch, in ``dtype``."""
    c = TRAIN
    draw = seed_batches(TRAIN_SEEDS, 0, c["B"], c["L"])
    batches = [tuple(a.astype(dtype) for a in draw()) for _ in range(steps)]
    held_out = tuple(a.astype(dtype) for a in seed_batches(TRAIN_SEEDS, 1, c["held_out"], c["L"])())
    P0 = init_params("lstm", c["H"], 1, TRAIN_SEEDS, T=c["L"] + PREFIX, dtype=dtype)
    return {"P0": P0, "batches": batches, "held_out": held_out}


def train_lstmgrad(prob: dict) -> list[list[float]]:
    """`lstmgrad.train.loop.fit` on the stack of seeds; ``stop_at=2.0``: no seed stops early.
    Returns the training loss of every update, [step][seed]."""
    c = TRAIN
    P = {k: v.copy() for k, v in prob["P0"].items()}
    batches = iter(prob["batches"])
    run = fit(
        "lstm",
        P,
        lambda: next(batches),
        prob["held_out"],
        len(prob["batches"]),
        c["lr"],
        c["clip"],
        eval_every=c["eval_every"],
        stop_at=2.0,
    )
    return run.curve


def torch_training_problem(prob: dict) -> dict:
    """`training_problem`'s arrays as torch tensors (converted once, outside the timing)."""
    import torch

    return {
        "P0": prob["P0"],
        "batches": [tuple(torch.from_numpy(a) for a in batch) for batch in prob["batches"]],
        "held_out": tuple(torch.from_numpy(a) for a in prob["held_out"]),
    }


def train_torch(tprob: dict) -> list[list[float]]:
    """The same training in torch: per seed, ``nn.LSTM`` + ``nn.Linear`` from the same initial
    weights, on the same batches, `BCEWithLogits` loss, ``clip_grad_norm_`` and ``optim.Adam``;
    the three seeds' models train one after another. Returns the loss curve, [step][seed]."""
    import torch

    c = TRAIN
    P0, batches, (X_held, y_held) = tprob["P0"], tprob["batches"], tprob["held_out"]
    curve = [[0.0] * len(TRAIN_SEEDS) for _ in batches]
    for s in range(len(TRAIN_SEEDS)):
        layer = _torch_layer("lstm", {k: v[s] for k, v in P0.items()}, batches[0][0].dtype)
        layer.bias_hh_l0.requires_grad_(False)  # lstmgrad has one bias b: torch's second stays 0
        readout = torch.nn.Linear(c["H"], 1, dtype=batches[0][0].dtype)
        with torch.no_grad():
            readout.weight.copy_(torch.from_numpy(P0["W_y"][s][None, :]))
            readout.bias.copy_(torch.from_numpy(P0["b_y"][s][None]))
        params = [*layer.parameters(), *readout.parameters()]
        opt = torch.optim.Adam(params, lr=c["lr"])
        for step, (X, y) in enumerate(batches, start=1):
            opt.zero_grad(set_to_none=True)
            logits = readout(layer(X[s])[0][:, -1]).squeeze(-1)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[s])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, c["clip"])
            opt.step()
            curve[step - 1][s] = loss.item()
            if step % c["eval_every"] == 0 or step == len(batches):
                with torch.no_grad():
                    held = readout(layer(X_held[s])[0][:, -1]).squeeze(-1)
                    ((held > 0) == (y_held[s] == 1.0)).double().mean().item()
    return curve


def bench_training(rounds: int) -> dict:
    """The crash-task training, lstmgrad against torch, in float32 and in float64: the four
    contestants alternate round by round."""
    import torch

    torch.set_num_threads(1)
    probs = {name: training_problem(dt) for name, dt in (("float32", np.float32), ("float64", np.float64))}
    tprobs = {name: torch_training_problem(p) for name, p in probs.items()}
    contestants = {}
    for name in probs:
        contestants[f"lstmgrad {name}"] = lambda p=probs[name]: train_lstmgrad(p)
        contestants[f"torch {name}"] = lambda p=tprobs[name]: train_torch(p)
    # warm-up on 8 updates each, then check the two sides do the same arithmetic: the loss
    # curves of one full run agree to the dtype's rounding, amplified by 256 updates
    for name in probs:
        short = training_problem(np.float32 if name == "float32" else np.float64, steps=8)
        train_lstmgrad(short)
        train_torch(torch_training_problem(short))
    agree = {}
    for name in probs:
        ours, theirs = np.array(train_lstmgrad(probs[name])), np.array(train_torch(tprobs[name]))
        agree[name] = float(np.max(np.abs(ours - theirs)))
    times = interleaved(contestants, rounds, warm_up=False)
    out: dict = {"rounds": rounds, "torch_version": torch.__version__}
    for name in probs:
        ours, theirs = median(times[f"lstmgrad {name}"]), median(times[f"torch {name}"])
        out[name] = {
            "lstmgrad_s": ours,
            "torch_s": theirs,
            "ratio": ours / theirs,
            "max_loss_diff": agree[name],
        }
    return out


def profile_training(dtype) -> dict:
    """Where lstmgrad's crash-task training spends its time: cProfile's cumulative seconds of the
    functions the training calls, split into parts that do not overlap; and the same training
    with a batch of one and H = 1 (almost no arithmetic: numpy's fixed cost per call)."""
    import cProfile
    import pstats

    prob = training_problem(dtype)
    train_lstmgrad(training_problem(dtype, steps=8))  # warm-up
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(train_lstmgrad, prob)
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def cum(module: str, name: str, caller: str | None = None) -> float:
        """Cumulative seconds of ``module.name``, or only of its calls from ``caller``."""
        for (path, _, func), (_, _, _, ct, callers) in stats.items():
            if func == name and path.replace("\\", "/").endswith(module):
                if caller is None:
                    return ct
                return sum(c[3] for (_, _, f), c in callers.items() if f == caller)
        return 0.0

    total = cum("lstmgrad/train/loop.py", "fit")
    # lstm.forward runs for the training batches and for the held-out batch; its time is split
    # between them as readout.forward's is (exact for the whole, proportional for its parts)
    forward_all = cum("lstmgrad/models/lstm.py", "forward")
    train_fwd = cum("lstmgrad/models/readout.py", "forward", caller="loss_and_grads")
    eval_fwd = cum("lstmgrad/models/readout.py", "forward", caller="accuracy")
    share = train_fwd / (train_fwd + eval_fwd)
    projection = cum("lstmgrad/models/common.py", "input_projection")
    recurrence_bw = cum("lstmgrad/models/lstm.py", "_back_through_time")
    weights = cum("lstmgrad/models/common.py", "weight_grads")
    backward = cum("lstmgrad/models/lstm.py", "backward")
    parts = {
        "forward: input projection W_x x_t + b, all steps in one matmul": share * projection,
        "forward: the time-step loop (and input checks)": share * (forward_all - projection),
        "backward: the time-step loop": recurrence_bw,
        "backward: weight gradients, one matmul each": weights,
        "backward: the rest (dL/dx, set-up)": backward - recurrence_bw - weights,
        "readout and loss, forward and backward": cum("lstmgrad/train/loop.py", "loss_and_grads")
        - share * forward_all
        - backward,
        "held-out evaluation, a forward pass every 20 updates": cum("lstmgrad/train/loop.py", "accuracy"),
        "clipping and Adam": cum("lstmgrad/train/optim.py", "clip_grads")
        + cum("lstmgrad/train/optim.py", "step"),
    }
    parts["the training loop itself"] = total - sum(parts.values())
    c = TRAIN
    steps_total = c["steps"] * (c["L"] + PREFIX)
    # the same training with no arithmetic to speak of: B = 1, H = 1
    tiny_draw = seed_batches(TRAIN_SEEDS, 0, 1, c["L"])
    tiny = {
        "P0": init_params("lstm", 1, 1, TRAIN_SEEDS, T=c["L"] + PREFIX, dtype=dtype),
        "batches": [tuple(a.astype(dtype) for a in tiny_draw()) for _ in range(c["steps"])],
        "held_out": tuple(a.astype(dtype) for a in seed_batches(TRAIN_SEEDS, 1, 1, c["L"])()),
    }
    tiny_times = interleaved({"tiny": lambda: train_lstmgrad(tiny)}, 3)
    return {
        "wall_s": wall,
        "profiled_s": total,
        "parts": parts,
        "per_time_step_us": {
            "forward loop": 1e6 * parts["forward: the time-step loop (and input checks)"] / steps_total,
            "backward loop": 1e6 * recurrence_bw / steps_total,
        },
        "tiny_s": median(tiny_times["tiny"]),
    }


# ------------------------------------------------------------------------- (e) build


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
    """The whole suite as `make test` runs it, and as `.ci/run` runs it (``CI=true``: the floors and
    ``[torch]`` venvs too), each from nothing a previous run left (no mypy or pytest cache)."""
    out = {}
    for label, extra in (("make test", {}), ("CI=true make test", {"CI": "true"})):
        with tempfile.TemporaryDirectory(prefix="lstmgrad-bench-tests-") as tmp:
            env = dict(os.environ, MYPY_CACHE_DIR=str(Path(tmp) / "mypy"), **extra)
            for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "CI"):
                if var not in extra:
                    env.pop(var, None)  # the suite as `make test` runs it
            start, cpu = time.perf_counter(), _children_cpu()
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
            out[label] = {
                "wall_s": time.perf_counter() - start,
                "cpu_s": _children_cpu() - cpu,
                "summary": summary,
                "returncode": proc.returncode,
            }
    return out


def _children_cpu() -> float:
    """User plus system CPU seconds of every child process waited for so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


def _step_rows(r: dict) -> list[str]:
    """Two rows per layer: lstmgrad ÷ torch, and lstmgrad ÷ its GEMM-bound time."""
    gemm_rate = r["gemm"]["flops_per_s"]
    targets = {"lstm": ("≤ 0.45", "≤ 3")}
    lines = []
    for kind in KINDS:
        if kind not in r["steps"]:
            continue
        st, flops = r["steps"][kind], step_flops(kind)
        limit_s = flops["total"] / gemm_rate
        torch_name, target = f"nn.{kind.upper()}", targets.get(kind, ("shown", "shown"))
        lines += [
            f"| {kind.upper()} step B={B}, T={T}, D={D}, H={H}, float64, one thread: lstmgrad ÷ torch "
            f"`{torch_name}` + autograd | {target[0]} | {ms(st['lstmgrad_s'])} ÷ {ms(st['torch_s'])} = "
            f"**{st['ratio']:.2f}** | `make bench` |",
            f"| the same {kind.upper()} step ÷ (its {flops['total'] / 1e6:.0f} MFLOP at the "
            f"{r['gemm']['n']}² GEMM rate, {gemm_rate / 1e9:.1f} GFLOP/s) | {target[1]} | "
            f"{ms(st['lstmgrad_s'])} ÷ {ms(limit_s)} = **{st['lstmgrad_s'] / limit_s:.2f}** | `make bench` |",
        ]
        if "fused_s" in st:
            f_s = st["fused_s"]
            same = (
                "bit-identical" if st["fused_identical"] else f"max rel. difference {st['fused_max_rel']:.0e}"
            )
            what = (
                f"the same {kind.upper()} step with a fused C prototype of its elementwise work "
                f"(`bench/fused.py`, not used by lstmgrad; gradients {same})"
            )
            lines += [
                f"| {what} ÷ torch | {target[0]} | {ms(f_s)} ÷ {ms(st['torch_s'])} = "
                f"**{f_s / st['torch_s']:.2f}** | `make bench` |",
                f"| {what} ÷ its GEMM-bound time | {target[1]} | {ms(f_s)} ÷ {ms(limit_s)} = "
                f"**{f_s / limit_s:.2f}** | `make bench` |",
            ]
        elif "fused_skipped" in st:
            lines.append(
                f"| the same {kind.upper()} step with a fused C prototype (`bench/fused.py`) | — | "
                f"skipped: {st['fused_skipped']} | `make bench` |"
            )
    return lines


def _training_rows(r: dict) -> list[str]:
    c, tr = TRAIN, r["training"]
    what = (
        f"crash-task training, LSTM H={c['H']}, lag {c['L']} (T={c['L'] + PREFIX}), batch {c['B']}, "
        f"{c['steps']} Adam updates with clipping, {len(TRAIN_SEEDS)} seeds, no early stop"
    )
    targets = {"float32": "≤ 1.0", "float64": "≤ 0.2"}
    ours32, torch64 = tr["float32"]["lstmgrad_s"], tr["float64"]["torch_s"]
    return [
        f"| {what}, {name}: lstmgrad ÷ torch {name} | {targets[name]} | {tr[name]['lstmgrad_s']:.2f} s ÷ "
        f"{tr[name]['torch_s']:.2f} s = **{tr[name]['ratio']:.2f}** | `make bench` |"
        for name in ("float32", "float64")
    ] + [
        f"| the same training as the grid runs it (the LSTM in float32) ÷ torch float64 | ≤ 0.2 | "
        f"{ours32:.2f} s ÷ {torch64:.2f} s = **{ours32 / torch64:.2f}** | `make bench` |"
    ]


def _step_notes(r: dict) -> list[str]:
    """What limits each layer's step, estimated from this run's own measurements."""
    gemm_rate = r["gemm"]["flops_per_s"]
    lines = []
    for kind in KINDS:
        st, flops, G = r["steps"][kind], step_flops(kind), GATES[kind]
        per_step_mm = 2 * T * 2 * B * H * G * H / r["gemm"]["small_flops_per_s"][kind]
        weight_mm = 2 * T * B * G * H * (H + 2 * D) / gemm_rate
        rest = max(0.0, st["lstmgrad_s"] - st["batch1_s"] - per_step_mm - weight_mm)
        t, rate = st["lstmgrad_s"], r["gemm"]["small_flops_per_s"][kind]
        lines += [
            "",
            f"{kind.upper()} step: gradients, lstmgrad against torch, largest difference "
            f"{st['max_grad_diff']:.1e}; {flops['matmul'] / 1e6:.0f} MFLOP in matmuls, about "
            f"{flops['elementwise'] / 1e6:.0f} M elementwise. What limits it, estimated from this run: "
            f"numpy's fixed cost per call (the same step with a batch of one) {st['batch1_s'] / t:.0%}; "
            f"the per-step products ({B}×{H}) @ ({H}×{G * H}), forward and backward, at their own rate "
            f"of {rate / 1e9:.1f} GFLOP/s, {per_step_mm / t:.0%}; the weight-gradient products after "
            f"the loop, at the large-GEMM rate, {weight_mm / t:.0%}; the rest, {rest / t:.0%}, is the "
            "elementwise arithmetic (tanh, products, sums), which runs far below the GEMM rate.",
        ]
    return lines


def _training_notes(r: dict) -> list[str]:
    tr, c = r["training"], TRAIN
    lines = [
        "",
        "Crash-task training: both sides start from the same initial weights and train on the same "
        f"{c['steps']} batches (drawn before the timing) with the same held-out check every "
        f"{c['eval_every']} updates; torch trains the {len(TRAIN_SEEDS)} seeds' models one after another "
        "(`nn.LSTM` + `nn.Linear`, its second LSTM bias frozen at 0 as lstmgrad has one bias), lstmgrad "
        f"trains them stacked. Median of {tr['rounds']} interleaved runs each. The two sides do the same "
        "arithmetic: the largest difference between their loss curves over all updates and seeds is "
        + ", ".join(f"{tr[name]['max_loss_diff']:.1e} in {name}" for name in ("float32", "float64"))
        + ".",
    ]
    if "profile" in r:
        names = list(r["profile"])
        lines += [
            "",
            "Where lstmgrad's training time goes (cProfile, cumulative seconds of one profiled run; "
            "the forward pass's time is split between training and held-out batches in proportion):",
            "",
            "| part | " + " | ".join(names) + " |",
            "|---|" + "---:|" * len(names),
        ]
        for part in r["profile"][names[0]]["parts"]:
            cells = [
                f"{p['parts'][part]:.2f} s ({p['parts'][part] / p['profiled_s']:.0%})"
                for p in r["profile"].values()
            ]
            lines.append(f"| {part} | " + " | ".join(cells) + " |")
        lines.append(
            "| total (profiled) | "
            + " | ".join(f"{p['profiled_s']:.2f} s" for p in r["profile"].values())
            + " |"
        )
        for label, key in (("forward", "forward loop"), ("backward", "backward loop")):
            lines.append(
                f"| {label} loop, per time step of one update | "
                + " | ".join(f"{p['per_time_step_us'][key]:.1f} µs" for p in r["profile"].values())
                + " |"
            )
        lines.append(
            "| the same training with B = 1, H = 1 (numpy's fixed cost per call) | "
            + " | ".join(f"{p['tiny_s']:.2f} s" for p in r["profile"].values())
            + " |"
        )
    return lines


def _grid_rows(g: dict) -> list[str]:
    if "old" in g:  # --grid full
        return [
            f"| the old grid's {g['old']['cells']} cells (`{OLD}`'s `make experiments`), each trained whole "
            f"on {g['jobs']} workers: new ÷ old, wall time | ≤ 0.4 | "
            f"{g['new']['wall_s']:.0f} s ÷ {g['old']['wall_s']:.0f} s = **{g['ratio']:.2f}** "
            "| `bench/bench.py --grid full` |"
        ]
    return [
        f"| the experiment grid ({g['cells']} cells) on {g['jobs']} workers: new ÷ old (`{OLD}`), wall "
        f"time, from {g['settings']} settings timed side by side | ≤ 0.4 | {g['new_wall_s']:.0f} s ÷ "
        f"{g['old_wall_s']:.0f} s = **{g['ratio']:.2f}** | `make bench` |"
    ]


def _grid_notes(g: dict) -> list[str]:
    if "old" in g:
        return [
            "",
            f"The old grid, whole: its {g['old']['cells']} cells (settings, seeds, budgets, early stop, "
            "512 test sequences) trained by the old code's `run_cells`, then by the new one's, each in "
            f"a copy of its package on {g['jobs']} workers; the new code trains the LSTM and GRU cells "
            "in float32, as its experiments do. Sequences trained on before the early stop: "
            f"{g['old']['sequences']:,} (old), {g['new']['sequences']:,} (new). Load average "
            f"{g['old']['load'][0]:.1f} → {g['old']['load'][1]:.1f} (old), "
            f"{g['new']['load'][0]:.1f} → {g['new']['load'][1]:.1f} (new).",
        ]
    lines = [
        "",
        f"The grid: each of its {g['settings']} distinct settings (cell function, model, length, dtype) "
        f"trained for {g['updates']} updates (at lag 90; fewer at longer lags) with no early stop under "
        f"the old code (`{OLD}`, float64, freed memory returned to the OS) and the new (its dtype, freed "
        "memory kept), alternating, "
        "best of the rounds. The ratio per setting scales the committed time of each of its cells "
        f"(the old code's, from `lstmgrad/results/`); the wall time on {g['jobs']} workers is the "
        f"schedule `run_cells` runs (longest first, the next cell to the first free worker). Summed "
        f"training time {g['old_cell_s']:.0f} s → {g['new_cell_s']:.0f} s; the longest cell now takes "
        f"{g['longest_new_s']:.0f} s. By model:",
        "",
        "| model, dtype | old (committed) | new (projected) | new ÷ old |",
        "|---|---:|---:|---:|",
    ]
    for name, row in g["per_model"].items():
        ratio = row["new_s"] / row["old_s"] if row["old_s"] else float("nan")
        lines.append(f"| {name} | {row['old_s']:.0f} s | {row['new_s']:.0f} s | {ratio:.2f} |")
    return lines


def report(r: dict) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {now} on {machine()}; torch {r['torch_version']}; load average at the start "
        f"{r['load'][0]:.1f}, at the end {r['load'][1]:.1f} (`uptime`, {os.cpu_count()} cores).",
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
            f"| cold `make docs` (empty cache, everything executed) | ≤ 10 s | {wall(cold)} | `make bench` |",
            f"| rebuild after editing one chapter's prose (warm cache) | ≤ 3 s | {wall(prose)}; "
            f"{cache(prose)} | `make bench` |",
            f"| rebuild after editing `{bld['touched']}` | only the affected snippets re-run | {wall(code)}; "
            f"{cache(code)} | `make bench` |",
        ]
    if "build" not in r and "training" in r:  # --no-build
        lines.append(
            "| `make docs`, its rebuilds and `make test` | — | not timed in this run (`--no-build`) "
            "| `make bench` |"
        )
    if "build" in r and "tests" not in r:
        lines.append("| `make test` | ≤ 60 s | not timed in this run (`--no-tests`) | `make bench` |")
    if "tests" in r:
        for label, what, target in (
            ("make test", "`make test`", "≤ 60 s"),
            ("CI=true make test", "`CI=true make test` (`.ci/run`'s test step)", "≤ 90 s"),
        ):
            tst = r["tests"][label]
            lines.append(
                f"| {what}, wall time | {target} | "
                f"{tst['wall_s']:.0f} s, {tst['cpu_s']:.0f} CPU-s ({tst['summary']}) "
                "| `make bench` |"
            )
    if "grid" in r:
        lines += _grid_rows(r["grid"])
    if "training" in r:
        lines += _training_rows(r)
    lines += _step_rows(r)
    for kind, s in r["sweeps"].items():
        lines.append(
            f"| {kind} sweep {len(SWEEP_GRID['W_h'])}×{len(SWEEP_GRID['scale'])} grid × T = "
            f"{', '.join(map(str, SWEEP_GRID['T']))}: loop ÷ vectorised | ≥ 50× | {ms(s['loop_s'])} ÷ "
            f"{ms(s['vectorised_s'])} = **{s['speedup']:.0f}×** "
            f"(max rel. difference {s['max_rel_diff']:.0e}) | `make bench` |"
        )
    if "grid" in r:
        lines += _grid_notes(r["grid"])
    if "training" in r:
        lines += _training_notes(r)
    lines += _step_notes(r)
    m = r["sweeps"]["matrix (H=8)"]
    rest_fast, rest_slow = m["vectorised_s"] - m["norms_s"], m["loop_s"] - m["norms_s"]
    lines += [
        "",
        f"What limits the matrix sweep: both versions take the spectral norm of every grid point's "
        f"8×8 Jacobian product at each recorded T, one LAPACK SVD per matrix (the vectorised sweep in one "
        f"batched call), {ms(m['norms_s'])} in all. "
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
    parser.add_argument(
        "--quick", action="store_true", help="layer steps, GEMM and sweeps only; writes nothing"
    )
    parser.add_argument("--no-build", action="store_true", help="skip the builds and the test suite")
    parser.add_argument("--no-tests", action="store_true", help="skip timing the test suite")
    parser.add_argument("--rounds", type=int, default=21, help="rounds for the layer-step and GEMM contests")
    parser.add_argument("--train-rounds", type=int, default=3, help="rounds for the training contest (≥ 3)")
    parser.add_argument(
        "--touch",
        default="lstmgrad/present/tables.py",
        help="module edited for the rebuild figure (not one a trained result depends on)",
    )
    parser.add_argument(
        "--grid",
        choices=("sample", "full", "none"),
        default="sample",
        help="the old grid, new code vs old: each setting for a few updates (default), every cell, or none",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers for the grid")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args()
    keep_freed_memory()  # as `make experiments` does in its workers

    results: dict = {"load": [os.getloadavg()[0]]}
    results["steps"] = {}
    for kind in KINDS:
        print(f"{kind.upper()} step, lstmgrad vs torch ...", file=sys.stderr)
        results["steps"][kind] = bench_step(kind, args.rounds)
    results["torch_version"] = results["steps"]["lstm"]["torch_version"]
    print("GEMM rates ...", file=sys.stderr)
    results["gemm"] = bench_gemm(max(5, args.rounds // 3))
    print("sweeps ...", file=sys.stderr)
    results["sweeps"] = bench_sweeps(3)
    if not args.quick:
        print("crash-task training, lstmgrad vs torch, float32 and float64 ...", file=sys.stderr)
        results["training"] = bench_training(args.train_rounds)
        print("profiling the training ...", file=sys.stderr)
        results["profile"] = {
            name: profile_training(dt) for name, dt in (("float32", np.float32), ("float64", np.float64))
        }
    if not args.quick and args.grid != "none":
        print(f"the experiment grid, new vs old ({args.grid}) ...", file=sys.stderr)
        results["grid"] = bench_grid(args.jobs) if args.grid == "sample" else bench_grid_full(args.jobs)
    if not (args.quick or args.no_build):
        print("builds (cold, prose edit, code edit) and snippets ...", file=sys.stderr)
        results["build"] = bench_build(args.touch)
        if not args.no_tests:
            print("test suite ...", file=sys.stderr)
            results["tests"] = bench_tests()
    results["load"].append(os.getloadavg()[0])
    (Path(tempfile.gettempdir()) / "lstmgrad-bench-results.json").write_text(json.dumps(results, indent=1))
    text = report(results)
    print(text)
    if not args.quick:
        args.out.write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
