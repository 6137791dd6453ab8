"""The Beyond chapter's training runs: taggers on the future-context task, attention on the crash task.

The future-context task and the per-step taggers trained on it:

x_t ~ N(0, 1) for t = 1..T, and the label at step t is ``1[x_{t+k} > 0]`` (steps with
t + k > T carry no label). A left-to-right model has not read x_{t+k} when it answers at t,
so for k >= 1 it can only guess; a bidirectional model or attention can read it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lstmgrad import lstm, rnn
from lstmgrad.attention import attention_backward, attention_forward, init_attention
from lstmgrad.bidirectional import bidirectional_backward, bidirectional_forward
from lstmgrad.crash import Run, logistic_loss, seed_batches
from lstmgrad.train import Adam, clip_grad_norm, init_params

Params = dict[str, np.ndarray]

#: Sequence length and offsets k of the future-context task.
FUTURE_T = 16
FUTURE_KS = (0, 1, 2, 4, 8)
#: The models compared on it: unidirectional and bidirectional RNN and LSTM, and attention.
TAGGERS = ("rnn", "birnn", "lstm", "bilstm", "attention")


def future_batch(rng: np.random.Generator, B: int, k: int, T: int = FUTURE_T) -> tuple[np.ndarray, ...]:
    """``B`` sequences of the future-context task: x (B, T, 1), labels y (B, T), label mask (B, T).

    ``y[:, t] = 1[x[:, t + k] > 0]`` where t + k < T; the mask is 0 on the last k steps.
    """
    if not 0 <= k < T:
        raise ValueError(f"k must be in [0, T) = [0, {T}), got {k}")
    x = rng.normal(size=(B, T, 1))
    y = np.zeros((B, T))
    mask = np.zeros((B, T))
    y[:, : T - k] = x[:, k:, 0] > 0
    mask[:, : T - k] = 1.0
    return x, y, mask


def _cell(model: str) -> Any:
    return lstm if model.endswith("lstm") else rnn


def init_tagger(model: str, H: int, seed: int) -> Params:
    """Seeded parameters of a per-step tagger; every model reads out one logit per step.

    Recurrent models are drawn like PyTorch (``train.init_params``; LSTM forget bias 1). A
    bidirectional one adds ``W_x_bw, W_h_bw, b_bw`` for its right-to-left layer, and its
    readout ``W_y`` (2H,) reads [h_fw_t ; h_bw_t]. ``attention`` has width d = H.
    """
    if model == "attention":
        return init_attention(1, H, seed)
    if model not in TAGGERS:
        raise ValueError(f"model must be one of {TAGGERS}, got {model!r}")
    kind = "lstm" if model.endswith("lstm") else "rnn"
    forget = 1.0 if kind == "lstm" else None
    p = init_params(kind, H, 1, seed, forget_bias=forget)
    if model.startswith("bi"):
        q = init_params(kind, H, 1, seed + 10_000, forget_bias=forget)
        p.update({"W_x_bw": q["W_x"], "W_h_bw": q["W_h"], "b_bw": q["b"]})
        p["W_y"] = np.concatenate([p["W_y"], q["W_y"]])
    return p


def tagger_forward(model: str, p: Params, x: np.ndarray) -> tuple[np.ndarray, Any]:
    """Logits (B, T), one per step, and the trace the backward pass needs."""
    if model == "attention":
        return attention_forward(p, x)
    fw = {"W_x": p["W_x"], "W_h": p["W_h"], "b": p["b"]}
    if model.startswith("bi"):
        bw = {"W_x": p["W_x_bw"], "W_h": p["W_h_bw"], "b": p["b_bw"]}
        trace: Any = bidirectional_forward(_cell(model), x, fw, bw)
    else:
        trace = _cell(model).forward(x, **fw)
    return trace.h @ p["W_y"] + p["b_y"], trace


def tagger_backward(model: str, p: Params, trace: Any, dlogits: np.ndarray) -> Params:
    """Gradients for every entry of ``p`` given dL/dlogits (B, T)."""
    if model == "attention":
        return attention_backward(p, trace, dlogits)[0]
    g: Params = {"W_y": np.einsum("bt,bth->h", dlogits, trace.h), "b_y": np.asarray(dlogits.sum())}
    dh = dlogits[..., None] * p["W_y"]
    if model.startswith("bi"):
        both = bidirectional_backward(trace, dh)
        g.update({k: both["fw"][k] for k in ("W_x", "W_h", "b")})
        g.update({f"{k}_bw": both["bw"][k] for k in ("W_x", "W_h", "b")})
    else:
        layer = _cell(model).backward(trace, dh)
        g.update({k: layer[k] for k in ("W_x", "W_h", "b")})
    return g


def masked_logistic(logits: np.ndarray, y: np.ndarray, mask: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean logistic loss over the labelled steps, and its gradient w.r.t. the logits (B, T)."""
    n = mask.sum()
    loss = float(((np.logaddexp(0.0, logits) - y * logits) * mask).sum() / n)
    return loss, (0.5 * (1.0 + np.tanh(0.5 * logits)) - y) * mask / n


def _accuracy(logits: np.ndarray, y: np.ndarray, mask: np.ndarray) -> float:
    return float((((logits > 0) == (y == 1.0)) * mask).sum() / mask.sum())


def train_tagger(
    model: str,
    k: int,
    seed: int,
    H: int = 8,
    B: int = 32,
    budget: int = 3200,
    lr: float = 2e-2,
    clip: float = 1.0,
    eval_every: int = 10,
    n_eval: int = 256,
    n_test: int = 512,
    stop_at: float = 0.99,
) -> dict[str, float]:
    """Train one tagger on the future-context task with Adam and global-norm clipping.

    Stops early once held-out accuracy reaches ``stop_at``. Returns the accuracy on a
    fresh test set and the training sequences used.
    """
    p = init_tagger(model, H, seed)
    opt = Adam(p, lr=lr)
    rng = np.random.default_rng([seed, 0, k])
    X_eval, y_eval, m_eval = future_batch(np.random.default_rng([seed, 1, k]), n_eval, k)
    used = 0
    for step in range(1, budget // B + 1):
        x, y, mask = future_batch(rng, B, k)
        logits, trace = tagger_forward(model, p, x)
        _, dlogits = masked_logistic(logits, y, mask)
        grads = tagger_backward(model, p, trace, dlogits)
        clip_grad_norm(grads, clip)
        opt.step(p, grads)
        used = step * B
        if step % eval_every == 0:
            if _accuracy(tagger_forward(model, p, X_eval)[0], y_eval, m_eval) >= stop_at:
                break
    X_test, y_test, m_test = future_batch(np.random.default_rng([seed, 2, k]), n_test, k)
    return {"accuracy": _accuracy(tagger_forward(model, p, X_test)[0], y_test, m_test), "sequences": used}


def tagger_cell(model: str, k: int, seeds: list[int]) -> dict[str, list[Any]]:
    """`train_tagger` for every seed: test accuracy and sequences used, one entry per seed."""
    runs = [train_tagger(model, k, seed) for seed in seeds]
    return {"accuracy": [r["accuracy"] for r in runs], "sequences": [r["sequences"] for r in runs]}


# ------------------------------------------------ attention on the crash-at-lag task (lstmgrad.crash)


def train_attention(
    L: int,
    seeds: list[int],
    d: int = 16,
    B: int = 32,
    budget: int = 6144,
    lr: float = 3e-2,
    clip: float = 1.0,
    eval_every: int = 20,
    n_eval: int = 128,
    n_test: int = 512,
    stop_at: float = 0.99,
) -> Run:
    """The attention model on the crash-at-lag task, under `experiments.train`'s rules.

    Same data streams per seed (train 0, held-out 1, test 2), Adam, global-norm clipping,
    the same early stop. Only the last step's logit is read, so ``queries="last"``
    (identical logit and gradients to the full layer, without the unused T x T rows).
    """
    run = Run([], [], [], [])
    for seed in seeds:
        p = init_attention(1, d, seed)
        opt = Adam(p, lr=lr)
        draw = seed_batches([seed], 0, B, L, "std")
        X_eval, y_eval = seed_batches([seed], 1, n_eval, L, "std")()
        used, to_95, top = 0, None, 0.0
        for step in range(1, budget // B + 1):
            X, y = draw()
            logits, cache = attention_forward(p, X[0], queries="last")
            _, dlogits = logistic_loss(logits[None, :, 0], y)
            grads, _ = attention_backward(p, cache, dlogits[0][:, None])
            top = max(top, clip_grad_norm(grads, clip))
            opt.step(p, grads)
            used = step * B
            if step % eval_every == 0:
                logits, _ = attention_forward(p, X_eval[0], queries="last")
                acc = float(((logits[:, 0] > 0) == (y_eval[0] == 1)).mean())
                if to_95 is None and acc >= 0.95:
                    to_95 = used
                if acc >= stop_at:
                    break
        X_test, y_test = seed_batches([seed], 2, n_test, L, "std")()
        logits, _ = attention_forward(p, X_test[0], queries="last")
        run.accuracy.append(float(((logits[:, 0] > 0) == (y_test[0] == 1)).mean()))
        run.sequences.append(used)
        run.to_95.append(to_95)
        run.max_grad_norm.append(top)
    return run


def attention_cell(L: int, seeds: list[int], budget: int, lr: float = 3e-2) -> dict[str, list[Any]]:
    """`train_attention` at lag L: test accuracy and sequences used, one entry per seed."""
    run = train_attention(L, list(seeds), budget=budget, lr=lr)
    return {"accuracy": run.accuracy, "sequences": run.sequences}
