import numpy as np
import pytest

from lstm_helpers.numpy_lstm.min_rnn import (
    min_gru_gates,
    min_gru_step,
    min_lstm_gates,
    min_lstm_step,
    scan_log,
    scan_loop,
    scan_parallel,
)


def _params(kind: str, d: int = 3, h: int = 4, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    names = ("z", "h") if kind == "gru" else ("f", "i", "h")
    out = {}
    for n in names:
        out[f"W_{n}"] = rng.normal(0, 1, (d, h))
        out[f"b_{n}"] = rng.normal(0, 1, h)
    return out


def _gates(rng, shape, low, high):
    """Gates spread on a log scale between ``low`` and ``high`` (both in (0, 1])."""
    return np.exp(rng.uniform(np.log(low), np.log(high), shape))


@pytest.mark.parametrize(
    ("low", "high"),
    [(0.3, 0.99), (1e-6, 1e-2), (1 - 1e-9, 1.0), (1e-8, 1.0)],
    ids=["middle", "near 0", "near 1", "both"],
)
def test_the_log_scan_equals_the_loop_on_long_sequences(low, high):
    rng = np.random.default_rng(1)
    n, t, h = 3, 2000, 5
    a = _gates(rng, (n, t, h), low, high)
    b = rng.normal(0, 1, (n, t, h))  # both signs
    h0 = rng.normal(0, 3, (n, h))
    loop = scan_loop(a, b, h0)
    fast = scan_log(a, b, h0)
    scale = np.abs(loop).max()
    assert np.abs(fast - loop).max() <= 1e-10 * scale
    # planted: the starting state left out of the scan
    without_h0 = scan_log(a, b, np.zeros_like(h0))
    assert np.abs(without_h0[:, 0] - loop[:, 0]).max() > 1e-3


def test_the_plain_parallel_scan_agrees_when_short_and_breaks_when_long():
    rng = np.random.default_rng(2)
    a = _gates(rng, (2, 30, 3), 0.5, 0.95)
    b, h0 = rng.normal(size=(2, 30, 3)), rng.normal(size=(2, 3))
    np.testing.assert_allclose(scan_parallel(a, b, h0), scan_loop(a, b, h0), rtol=1e-9)
    a = _gates(rng, (2, 3000, 3), 0.5, 0.95)  # the product underflows
    b, h0 = rng.normal(size=(2, 3000, 3)), rng.normal(size=(2, 3))
    long = scan_parallel(a, b, h0)
    assert not np.isfinite(long[:, -1]).all() or not np.allclose(
        long[:, -1], scan_loop(a, b, h0)[:, -1]
    )
    np.testing.assert_allclose(
        scan_log(a, b, h0)[:, -1], scan_loop(a, b, h0)[:, -1], rtol=1e-9, atol=1e-12
    )


def test_a_gate_of_zero_resets_the_state():
    a = np.array([[[0.5], [0.0], [0.5]]])
    b = np.array([[[1.0], [2.0], [1.0]]])
    h0 = np.array([[10.0]])
    want = np.array([[[6.0], [2.0], [2.0]]])
    np.testing.assert_allclose(scan_loop(a, b, h0), want)
    np.testing.assert_allclose(scan_log(a, b, h0), want, rtol=1e-12)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_the_steps_run_over_a_sequence_equal_the_scan_of_their_gates(kind):
    rng = np.random.default_rng(3)
    p = _params(kind)
    x = rng.normal(size=(2, 50, 3))
    step, gates = (
        (min_gru_step, min_gru_gates)
        if kind == "gru"
        else (min_lstm_step, min_lstm_gates)
    )
    h, hs = np.zeros((2, 4)), []
    for t in range(50):
        h = step(x[:, t], h, p)
        hs.append(h)
    a, b = gates(x, p)
    np.testing.assert_allclose(np.stack(hs, axis=1), scan_log(a, b, np.zeros((2, 4))))


def test_the_min_lstm_gates_are_normalised_and_read_only_the_input():
    p = _params("lstm")
    x = np.random.default_rng(4).normal(size=(5, 3))
    a, b = min_lstm_gates(x, p)
    f = 1 / (1 + np.exp(-(x @ p["W_f"] + p["b_f"])))
    i = 1 / (1 + np.exp(-(x @ p["W_i"] + p["b_i"])))
    np.testing.assert_allclose(a, f / (f + i))
    np.testing.assert_allclose(b, (1 - a) * (x @ p["W_h"] + p["b_h"]))
    # the same input gives the same step whatever the previous state
    h1, h2 = np.zeros((5, 4)), np.ones((5, 4))
    diff = min_lstm_step(x, h2, p) - min_lstm_step(x, h1, p)
    np.testing.assert_allclose(diff, a)


def test_bad_input_is_refused():
    a, b, h0 = np.full((1, 3, 2), 0.5), np.zeros((1, 3, 2)), np.zeros((1, 2))
    with pytest.raises(ValueError, match="must lie in"):
        scan_loop(a * 3, b, h0)
    with pytest.raises(ValueError, match="h0 must be"):
        scan_log(a, b, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="both be"):
        scan_log(a[0], b[0], h0)
    with pytest.raises(ValueError, match="lacks W_f, b_f, W_i, b_i"):
        min_lstm_step(np.zeros((1, 3)), np.zeros((1, 4)), _params("gru"))
