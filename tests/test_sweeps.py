"""The vectorised sweeps give the per-point loop's numbers, and those numbers are the
scalar RNN's BPTT chain and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from lstmgrad.models.rnn import bptt_steps
from lstmgrad.models.sweeps import (
    matrix_sweep,
    matrix_sweep_loop,
    random_direction,
    scalar_sweep,
    scalar_sweep_loop,
)

W_H = np.linspace(0.0, 3.0, 13)
SCALE = np.linspace(0.0, 2.0, 9)
T = [5, 20, 100]


def test_scalar_sweep_equals_the_loop():
    fast, slow = scalar_sweep(W_H, SCALE, T), scalar_sweep_loop(W_H, SCALE, T)
    assert fast.shape == (3, 13, 9)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=0)


def test_matrix_sweep_equals_the_loop():
    sigma, scale = np.linspace(0.0, 3.0, 7), np.linspace(0.0, 2.0, 5)
    fast, slow = matrix_sweep(sigma, scale, T, H=6), matrix_sweep_loop(sigma, scale, T, H=6)
    assert fast.shape == (3, 7, 5)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=0)


def test_matrix_sweep_takes_every_spectral_norm_in_one_batched_svd(monkeypatch):
    calls = []
    svd = np.linalg.svd

    def counting_svd(a, *args, **kwargs):
        calls.append(np.shape(a))
        return svd(a, *args, **kwargs)

    monkeypatch.setattr(np.linalg, "svd", counting_svd)
    matrix_sweep(np.linspace(0.0, 3.0, 7), np.linspace(0.0, 2.0, 5), T, H=6)
    assert calls == [(3, 7, 5, 6, 6)]  # every recorded T and grid point at once


def test_scalar_sweep_is_the_bptt_chain():
    # the sweep's dh_T/dh_0 is the cumulative product the BPTT table shows at t = 1
    for w, u in [(0.5, 0.3), (1.5, 1.0), (2.8, 0.1)]:
        chain = bptt_steps([1.0] * 20, W_h=w, W_x=u)[0]["cumulative"]
        assert scalar_sweep([w], [u], [20])[0, 0, 0] == pytest.approx(chain, rel=1e-12)


def test_zero_input_keeps_h_at_zero_so_the_chain_is_W_h_to_the_T():
    # h_0 = 0 and u = 0: h_t = 0 for all t, tanh'(0) = 1, so dh_T/dh_0 = W_h**T exactly
    got = scalar_sweep(W_H, [0.0], T)[:, :, 0]
    np.testing.assert_allclose(got, W_H[None, :] ** np.array(T)[:, None], rtol=1e-13)
    sigma = np.array([0.5, 1.0, 2.0])
    np.testing.assert_allclose(matrix_sweep(sigma, [0.0], [1])[0, :, 0], sigma, rtol=1e-13)


def test_random_direction_has_unit_spectral_norm():
    assert np.linalg.norm(random_direction(8, seed=3), 2) == pytest.approx(1.0, rel=1e-14)


@pytest.mark.parametrize("bad", [[0], [2.5], [], "5", 0])
def test_lengths_must_be_positive_integers(bad):
    with pytest.raises(ValueError, match=r"T(\[0\])? (must be a whole number|is empty|must be a list)"):
        scalar_sweep([1.0], [0.0], bad)
