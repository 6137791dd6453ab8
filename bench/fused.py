"""A fused C prototype of the LSTM step, for `make bench` only: lstmgrad does not use it.

`forward` and `backward` take the arguments of `lstmgrad.models.lstm.forward` and `backward`
(with an optional leading seed axis S) and return the same trace and gradients. The matmuls and
the loop over t stay in numpy, exactly where lstm.py has them; each step's elementwise work
(tanh, the gates, C_t, h_t forward; dC and dz_t backward) is one call into
``fused_lstm_step.c``, compiled on first use with the system's C compiler into a temporary
directory and loaded with ctypes. Needs gcc (``cc``, or ``$CC``) on x86-64 and glibc 2.35 or later,
whose libmvec has the vector tanh (``_ZGVeN8v_tanh``); where the build or the load fails,
`load` raises `NoCompiler` with the reason and ``make bench`` skips the row.

Three builds:

- ``"exact"``: ``-ffp-contract=off`` and the C code in lstm.py's order of operations, so the only
  difference from numpy is libmvec's tanh against numpy's (`tanh_ulps` measures it): none with
  libmvec's AVX-512 tanh, which is what ``-march=native`` calls on an AVX-512 machine;
- ``"fast"``: ``-ffast-math`` (the compiler may reassociate and fuse multiply-adds);
- ``"exact, AVX2"``: the exact build as a machine without AVX-512 would get it (libmvec's AVX2 tanh).

    .venv/bin/python bench/fused.py            # builds, checks against lstmgrad, times (one thread)
"""

from __future__ import annotations

import atexit
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lstmgrad.checks import as_array, check_shape, float_dtype  # noqa: E402
from lstmgrad.models.common import (  # noqa: E402
    _T,
    initial_state,
    input_projection,
    stack_axes,
    stacked_input,
    time_major,
    time_major_grad,
    weight_grads,
)
from lstmgrad.models.lstm import LSTMTrace, _gate_scale  # noqa: E402

SOURCE = Path(__file__).with_name("fused_lstm_step.c")
COMMON_FLAGS = ["-O3", "-march=native", "-mprefer-vector-width=512", "-fopenmp-simd", "-shared", "-fPIC"]
FLAGS = {
    "exact": ["-DFUSED_DECLARE_SIMD", "-fno-math-errno", "-ffp-contract=off"],
    "fast": ["-ffast-math"],
}
#: What a machine without AVX-512 would build: the exact flags for AVX2 (the last -march wins), so
#: libmvec's 4-wide tanh (_ZGVdN4v_tanh), which rounds differently from numpy's.
FLAGS["exact, AVX2"] = FLAGS["exact"] + ["-march=x86-64-v3", "-mprefer-vector-width=256"]
_LIBS: dict[str, ctypes.CDLL] = {}


class NoCompiler(RuntimeError):
    """No C compiler on this machine, or the build or its load failed: the fused rows are skipped."""


def compiler() -> str | None:
    """The C compiler: ``$CC`` if set, else ``cc`` or ``gcc``; None if none is found."""
    if os.environ.get("CC"):
        return shutil.which(os.environ["CC"])
    return shutil.which("cc") or shutil.which("gcc")


def command(build: str, out: Path) -> list[str]:
    """The compile command of ``build`` (a key of `FLAGS`)."""
    return [compiler() or "cc", *COMMON_FLAGS, *FLAGS[build], "-o", str(out), str(SOURCE), "-lm"]


def load(build: str = "exact") -> ctypes.CDLL:
    """Compile (once per process) and load the kernel; raises `NoCompiler` with the reason."""
    if build in _LIBS:
        return _LIBS[build]
    if compiler() is None:
        raise NoCompiler(
            f"no C compiler found ({'$CC=' + os.environ['CC'] if os.environ.get('CC') else 'cc, gcc'})"
        )
    tmp = tempfile.mkdtemp(prefix="lstmgrad-fused-")
    atexit.register(shutil.rmtree, tmp, True)  # the loaded library stays mapped until the process ends
    out = Path(tmp) / f"lstm_step_{build.replace(', ', '_')}.so"
    proc = subprocess.run(command(build, out), capture_output=True, text=True)
    if proc.returncode != 0:
        raise NoCompiler(f"the C build failed: {proc.stderr.strip()[-500:]}")
    try:
        lib = ctypes.CDLL(str(out))
    except OSError as e:  # e.g. no vector tanh in this libmvec: an undefined symbol
        raise NoCompiler(f"the built kernel does not load: {e}") from e
    L, P = ctypes.c_long, ctypes.c_void_p
    for suffix in ("f64", "f32"):
        inputs = [P, L, L, L, P, L, P, L]  # x_t, its strides and D, W_x, b
        getattr(lib, f"lstm_forward_step_{suffix}").argtypes = [L, L, L] + [P, L] * 6 + inputs
        getattr(lib, f"lstm_backward_step_{suffix}").argtypes = [L, L, L] + [P, L] * 7
        getattr(lib, f"tanh_array_{suffix}").argtypes = [L, P, P]
        for name in ("lstm_forward_step", "lstm_backward_step", "tanh_array"):
            getattr(lib, f"{name}_{suffix}").restype = None
    lib.path = str(out)  # type: ignore[attr-defined]
    _LIBS[build] = lib
    return lib


def vector_tanh_symbols(build: str = "exact") -> list[str]:
    """The libmvec entry points the build calls (``_ZGVeN8v_tanh``: AVX-512, 8 doubles), from objdump."""
    lib = load(build)
    if shutil.which("objdump") is None:
        return ["(objdump not found)"]
    dump = subprocess.run(["objdump", "-d", lib.path], capture_output=True, text=True).stdout  # type: ignore[attr-defined]
    return sorted({w.strip("<>@").split("@")[0] for w in dump.split() if w.startswith("<_ZGV")})


class _Steps:
    """Base addresses and strides (in bytes) of time-major (T, [S,] B, n) arrays, for per-step pointers.

    Each (B, n) block of one seed must be contiguous; the seed stride may be anything."""

    def __init__(self, a: np.ndarray, stacked: bool) -> None:
        self.array = a  # holds the memory the addresses point into
        n, item = a.shape[-1], a.itemsize
        if a.strides[-1] != item or a.strides[-2] != n * item:
            raise ValueError(f"rows must be contiguous, got strides {a.strides}")
        self.base, self.step = a.ctypes.data, a.strides[0]
        self.seed = a.strides[1] // item if stacked else 0  # in elements, as the C code wants

    def at(self, t: int) -> int:
        return self.base + t * self.step


def _flat(a: np.ndarray, stacked: bool) -> tuple[int, int]:
    """(address, seed stride in elements) of one ([S,] B, n) array."""
    return a.ctypes.data, (a.strides[0] // a.itemsize if stacked else 0)


def _suffix(dtype: Any) -> str:
    return "f32" if dtype == np.float32 else "f64"


#: The forward kernel's last arguments when z already holds W_x x_t + b.
NO_INPUT = (None, 0, 0, 0, None, 0, None, 0)


def step_inputs(x: np.ndarray, W_xs: np.ndarray, b_s: np.ndarray, stacked: bool) -> Any:
    """The forward kernel's last arguments at step t, ``inputs(t)``: x_t (of a C-contiguous
    (*S, B, T, D) ``x``: seed stride B*T*D, row stride T*D), D, and the pre-scaled W_x and b."""
    B, T, D = x.shape[-3:]
    rows = W_xs.shape[-2]
    weights = (W_xs.ctypes.data, rows * D if stacked else 0, b_s.ctypes.data, rows if stacked else 0)
    x_seed, x_base, x_step = (B * T * D if stacked else 0), x.ctypes.data, D * x.itemsize

    def inputs(t: int) -> tuple:
        assert inputs.alive  # type: ignore[attr-defined]
        return (x_base + t * x_step, x_seed, T * D, D, *weights)

    inputs.alive = (x, W_xs, b_s)  # type: ignore[attr-defined]  # the memory the addresses point into
    return inputs


def forward(
    x: Any,
    W_x: Any,
    W_h: Any,
    b: Any,
    h_0: Any = None,
    C_0: Any = None,
    build: str = "exact",
    fuse_input: bool = True,
) -> LSTMTrace:
    """`lstmgrad.models.lstm.forward`, with each step's elementwise work in one C call.

    ``fuse_input`` computes W_x x_t + b inside that call too, in `input_projection`'s order, rather
    than for all steps at once in numpy beforehand (the same numbers, one pass over the gates fewer).
    """
    lib = load(build)
    dtype = float_dtype(W_h)
    W_h, S = stack_axes("W_h", W_h, 4, dtype)
    if len(S) > 1:
        raise ValueError("the fused prototype takes at most one stack axis")
    x = stacked_input(x, S, dtype)
    B, T, D = x.shape[-3:]
    H = W_h.shape[-1]
    W_x, b = as_array("W_x", W_x, 2 + len(S), dtype), as_array("b", b, 1 + len(S), dtype)
    check_shape("W_x", W_x, S + (4 * H, D), f"4H x D, with D = {D} from x of shape (B, T, D)")
    check_shape("b", b, S + (4 * H,), "4H, gates i, f, C~, o stacked")
    scale, _ = _gate_scale(H, dtype)
    # as lstm.py: the rows of i, f, o halved (exactly) for the tanh form of the sigmoid
    W_xs, b_s = np.ascontiguousarray(W_x * scale[:, None]), np.ascontiguousarray(b * scale)
    # W_x x_t + b cannot overflow below this bound; above it, input_projection checks (and raises)
    bound = float(np.abs(x).max()) * float(np.abs(W_x).sum(axis=-1).max()) + float(np.abs(b).max())
    fuse_input = fuse_input and bound < 0.5 * float(np.finfo(dtype).max)
    if fuse_input:
        x = np.ascontiguousarray(x)
        gates = np.empty((T,) + S + (B, 4 * H), dtype)
        inputs = step_inputs(x, W_xs, b_s, bool(S))
    else:
        gates = input_projection(x, W_xs, b_s)  # W_x x_t + b for every step, time-major
        inputs = lambda t: NO_INPUT  # noqa: E731
    W_hT = _T(W_h) * scale
    C = np.empty((T + 1,) + S + (B, H), dtype)
    h = time_major(T + 1, S, B, H, dtype)
    tanh_C = np.empty((T,) + S + (B, H), dtype)
    C[0] = initial_state("C_0", C_0, S + (B, H), dtype)
    h[0] = initial_state("h_0", h_0, S + (B, H), dtype)
    Wh_h = np.empty(S + (B, 4 * H), dtype)
    st = bool(S)
    g, c, tc, hh = (_Steps(a, st) for a in (gates, C, tanh_C, h))
    w_ptr, w_seed = _flat(Wh_h, st)
    step = getattr(lib, f"lstm_forward_step_{_suffix(dtype)}")
    n_seeds = S[0] if S else 1
    for t in range(T):
        np.matmul(h[t], W_hT, out=Wh_h)
        step(n_seeds, B, H, g.at(t), g.seed, w_ptr, w_seed, c.at(t), c.seed, c.at(t + 1), c.seed,
             tc.at(t), tc.seed, hh.at(t + 1), hh.seed, *inputs(t))  # fmt: skip
    return LSTMTrace(x=x, W_x=W_x, W_h=W_h, b=b, gates_tm=gates, C_tm=C, h_tm=h, tanh_C_tm=tanh_C)


def backward(trace: LSTMTrace, dh: Any, dC_T: Any = None, build: str = "exact") -> dict[str, np.ndarray]:
    """`lstmgrad.models.lstm.backward`, with each step's elementwise work in one C call."""
    lib = load(build)
    B, T, _ = trace.x.shape[-3:]
    H, dtype = trace.H, trace.h_tm.dtype
    S = trace.W_h.shape[:-2]
    st, n_seeds = bool(S), (S[0] if S else 1)
    dh_next, dh_tm = time_major_grad(dh, S, B, T, H, dtype)
    dC = np.array(initial_state("dC_T", dC_T, S + (B, H), dtype), order="C")  # a copy, updated in place
    dz = time_major(T, S, B, 4 * H, dtype)
    dh_t = np.array(dh_next, dtype, order="C")  # dL/dh_t arriving from step t+1 (or the loss at h_T)
    dh_tm = np.ascontiguousarray(dh_tm) if dh_tm is not None else None  # kept alive: C reads it
    dt = _Steps(dh_tm, st) if dh_tm is not None else None
    g, c, tc, z = (_Steps(a, st) for a in (trace.gates_tm, trace.C_tm, trace.tanh_C_tm, dz))
    dh_ptr, dh_seed = _flat(dh_t, st)
    dC_ptr, dC_seed = _flat(dC, st)
    step = getattr(lib, f"lstm_backward_step_{_suffix(dtype)}")
    W_h = trace.W_h
    for t in range(T - 1, -1, -1):
        step(n_seeds, B, H, g.at(t), g.seed, tc.at(t), tc.seed, c.at(t), c.seed, dh_ptr, dh_seed,
             dt.at(t) if dt else None, dt.seed if dt else 0, dC_ptr, dC_seed, z.at(t), z.seed)  # fmt: skip
        np.matmul(dz[t], W_h, out=dh_t)  # dh_{t-1} through every gate's W_h h_{t-1}
    dW_x, dW_h, db = weight_grads(dz, trace.h_tm, trace.x)
    dx = np.moveaxis(dz @ trace.W_x, 0, -2)
    return {"W_x": dW_x, "W_h": dW_h, "b": db, "x": dx, "h_0": dh_t, "C_0": dC}


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many representable floats apart ``a`` and ``b`` are, elementwise (float32 or float64)."""
    ints = {4: np.int32, 8: np.int64}[a.itemsize]

    def ordered(v: np.ndarray) -> np.ndarray:  # sign-magnitude bits -> a monotone integer line
        i = v.view(ints).astype(np.int64)
        return np.where(i < 0, np.iinfo(ints).min - i, i)

    return np.abs(ordered(a) - ordered(b))


def tanh_ulps(n: int = 1_000_000, lo: float = -20.0, hi: float = 20.0, build: str = "exact") -> dict:
    """libmvec's vector tanh (through the kernel's own loop) against np.tanh on ``n`` values in [lo, hi]:
    how many differ, and by how many units in the last place."""
    lib = load(build)
    out = {}
    for dtype in (np.float64, np.float32):
        x = np.linspace(lo, hi, n, dtype=dtype)
        ours = np.empty_like(x)
        getattr(lib, f"tanh_array_{_suffix(dtype)}")(n, x.ctypes.data, ours.ctypes.data)
        ulp = ulp_distance(ours, np.tanh(x))
        out[np.dtype(dtype).name] = {
            "n": n,
            "differ": int(np.count_nonzero(ulp)),
            "max_ulp": int(ulp.max()),
            "histogram": {int(k): int(v) for k, v in zip(*np.unique(ulp, return_counts=True), strict=True)},
        }
    return out


if __name__ == "__main__":
    from fused_bench import main  # bench/fused_bench.py: correctness and timings

    main()
