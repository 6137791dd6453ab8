"""The fused C prototype (bench/fused.py) against lstmgrad's numpy LSTM, the reference.

    .venv/bin/python -m pytest bench/test_fused.py -q

Not part of `make test` (testpaths is tests/): the prototype is a benchmark, not lstmgrad code.
Skipped when no C compiler is found.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fused  # noqa: E402

from lstmgrad.models import lstm  # noqa: E402

try:
    for _build in fused.FLAGS:
        fused.load(_build)
except fused.NoCompiler as e:  # pragma: no cover
    pytest.skip(str(e), allow_module_level=True)

#: Bit-identity with np.tanh holds for libmvec's AVX-512 variant only (its AVX2 and SSE variants
#: differ from numpy by up to 2 ulp), so the exact build is bit-identical only where it calls it.
AVX512 = "_ZGVeN8v_tanh" in fused.vector_tanh_symbols("exact")


def problem(S, B, H, T, D, dtype, every_step=False, states=False, seed=0):
    r = np.random.default_rng(seed)
    p = {
        "x": r.standard_normal(S + (B, T, D)),
        "W_x": r.uniform(-0.4, 0.4, S + (4 * H, D)),
        "W_h": r.uniform(-0.4, 0.4, S + (4 * H, H)),
        "b": r.uniform(-0.4, 0.4, S + (4 * H,)),
        "dh": r.standard_normal(S + ((B, T, H) if every_step else (B, H))),
    }
    if states:
        p |= {n: r.standard_normal(S + (B, H)) for n in ("h_0", "C_0", "dC_T")}
    return {k: v.astype(dtype) for k, v in p.items()}


def run(module, p, build=None, fuse_input=True):
    kw = {n: p[n] for n in ("h_0", "C_0") if n in p}
    fwd_kw = {"build": build, "fuse_input": fuse_input} if build else {}
    trace = module.forward(p["x"], p["W_x"], p["W_h"], p["b"], **kw, **fwd_kw)
    return trace, module.backward(trace, p["dh"], p.get("dC_T"), **({"build": build} if build else {}))


SHAPES = {
    "bench step": ((), 64, 32, 100, 1, {}),
    "grid, stacked": ((10,), 32, 16, 95, 1, {}),
    "odd sizes, dh at every step, h_0, C_0, dC_T": ((3,), 5, 7, 13, 2, {"every_step": True, "states": True}),
    "one sequence, H=3": ((), 1, 3, 4, 1, {"states": True}),
}


VARIANTS = {  # build, and whether W_x x_t + b is computed in the kernel
    "exact": ("exact", True),
    "fast": ("fast", True),
    "exact, AVX2": ("exact, AVX2", True),
    "exact, W_x x_t + b in numpy": ("exact", False),
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_gradients_match_numpy(shape, dtype, variant):
    S, B, H, T, D, opts = SHAPES[shape]
    p = problem(S, B, H, T, D, dtype, **opts)
    ref_trace, ref = run(lstm, p)
    build, fuse_input = VARIANTS[variant]
    got_trace, got = run(fused, p, build=build, fuse_input=fuse_input)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for name in ("W_x", "W_h", "b", "x", "h_0", "C_0"):
        assert got[name].shape == ref[name].shape and got[name].dtype == ref[name].dtype, name
        scale = np.max(np.abs(ref[name]))
        assert np.max(np.abs(got[name] - ref[name])) <= tol * scale, (name, build)
    for name in ("gates_tm", "C_tm", "h_tm", "tanh_C_tm"):
        a, b = getattr(got_trace, name), getattr(ref_trace, name)
        assert np.max(np.abs(a - b)) <= tol, name
        if build == "exact" and AVX512:  # same operations, same order, same tanh: the same bits
            assert np.array_equal(a, b), name
    if build == "exact" and AVX512:
        assert all(np.array_equal(got[n], ref[n]) for n in ref), "the exact build is not bit-identical"


def test_fused_trace_feeds_numpy_backward():
    p = problem((2,), 4, 8, 10, 1, np.float64, states=True)
    trace, grads = run(fused, p, build="exact")
    again = lstm.backward(trace, p["dh"], p["dC_T"])
    for name in grads:
        np.testing.assert_allclose(grads[name], again[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_vector_tanh_against_numpy(dtype):
    # n not a multiple of the vector width: the tail goes through the same vector function
    x = np.random.default_rng(3).uniform(-20, 20, 100_003).astype(dtype)
    y = np.empty_like(x)
    getattr(fused.load("exact"), f"tanh_array_{fused._suffix(dtype)}")(x.size, x.ctypes.data, y.ctypes.data)
    ref = np.tanh(x)
    assert fused.ulp_distance(y, ref).max() <= 2
    if AVX512:
        assert np.array_equal(y, ref)
    counts = fused.tanh_ulps(n=10_001)
    assert counts[np.dtype(dtype).name]["max_ulp"] <= 2


def test_ulp_distance_can_fail():
    for dtype in (np.float64, np.float32):
        a = np.array([1.0, 0.5, -0.25, 0.0, -0.0, 3.0], dtype)
        b = np.nextafter(a, np.array(2.0, dtype))
        assert fused.ulp_distance(a, b).tolist() == [1, 1, 1, 1, 1, 1]
        assert fused.ulp_distance(a, a).tolist() == [0] * 6
        assert fused.ulp_distance(np.array([-0.0], dtype), np.array([0.0], dtype)).tolist() == [0]
        tiny = np.array([np.finfo(dtype).smallest_subnormal], dtype)
        assert fused.ulp_distance(-tiny, tiny).tolist() == [2]


def test_bad_input_is_rejected_as_lstmgrad_rejects_it():
    p = problem((), 2, 4, 3, 1, np.float64)
    with pytest.raises(ValueError, match="W_x"):
        fused.forward(p["x"], p["W_x"][:-1], p["W_h"], p["b"])
    with pytest.raises(ValueError, match="at most one stack axis"):
        q = problem((2, 2), 2, 4, 3, 1, np.float64)
        fused.forward(q["x"], q["W_x"], q["W_h"], q["b"])


def test_an_overflowing_input_is_reported_as_lstmgrad_reports_it():
    p = problem((), 2, 4, 3, 1, np.float32)
    p["x"][0, 1, 0] = 3e38
    p["W_x"][0, 0] = 3.0  # the input gate: z_2 / 2 = 4.5e38, past float32's 3.4e38
    with pytest.raises(ValueError, match="overflows float32 at step t = 2") as ours:
        fused.forward(p["x"], p["W_x"], p["W_h"], p["b"])
    with pytest.raises(ValueError) as theirs:
        lstm.forward(p["x"], p["W_x"], p["W_h"], p["b"])
    assert str(ours.value) == str(theirs.value)
