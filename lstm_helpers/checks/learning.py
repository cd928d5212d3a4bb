"""The exercise checks of the learning lesson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lstm_helpers.checks._shared import (
    Failed,
    as_array,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    position_of,
    rtol_for,
    tolerances,
)
from lstm_helpers.checks.lstm_cell import lstm_inputs, step_inputs
from lstm_helpers.numpy_lstm import (
    GATES,
    gate_block,
    init_lstm_params,
    input_gradient_norms,
    lstm_step_backward,
    lstm_step_forward,
    numerical_gradient,
)

_GRAD_KEYS = ("x", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias")
_GATE_NAMES = {
    "i": "input gate",
    "f": "forget gate",
    "c": "candidate",
    "o": "output gate",
}
_GATE_HINTS = {
    "i": "dz_i = dC_t * C'_t * i * (1 - i) (the sigmoid's derivative)",
    "f": "dz_f = dC_t * C_(t-1) * f * (1 - f): did you leave "
    "out the sigmoid's derivative f (1 - f)?",
    "c": "dz_c = dC_t * i * (1 - C'_t**2): did you leave out "
    "tanh's derivative 1 - C'_t**2?",
    "o": "dz_o = dH_t * tanh(C_t) * o * (1 - o): did you leave "
    "out the sigmoid's derivative o (1 - o)?",
}
"""What the gradient of each gate's pre-activation is, named in the message when that
gate's block is wrong. dC_t itself must include the path through H_t: dC_t = dc + dH_t *
o * (1 - tanh(C_t)**2)."""


@exercise_check("LSTM step backward")
def step_backward(my_step_backward: Any) -> str:
    """``my_step_backward(dh, dc, cache) -> dict`` against
    :func:`lstm_helpers.numpy_lstm.lstm_step_backward`."""
    p = step_inputs(seed=8)
    _, _, cache = lstm_step_forward(
        p["x"], p["h"], p["c"], p["kernel"], p["recurrent_kernel"], p["bias"]
    )
    rng = np.random.default_rng(9)
    dh, dc = rng.normal(size=p["h"].shape), rng.normal(size=p["h"].shape)
    got = call_answer(
        my_step_backward,
        "my_step_backward(dh, dc, cache)",
        dh.copy(),
        dc.copy(),
        {k: v.copy() for k, v in cache.items()},
    )
    if not isinstance(got, Mapping):
        raise Failed(
            f"my_step_backward must return a dict with keys {', '.join(_GRAD_KEYS)}"
        )
    want = lstm_step_backward(dh, dc, cache)
    H = dh.shape[1]
    missing = [key for key in _GRAD_KEYS if key not in got]
    if missing:
        raise Failed(
            f"the returned dict has no gradient {missing[0]!r} (it "
            f"needs {', '.join(_GRAD_KEYS)})"
        )
    grads = {
        key: as_array(got[key], f"gradient {key!r}", finite=True) for key in _GRAD_KEYS
    }
    for key in _GRAD_KEYS:
        if grads[key].shape != want[key].shape:
            raise Failed(
                f"gradient {key!r} has shape {grads[key].shape}, "
                f"expected {want[key].shape}"
            )
    # The bias gradient is dz summed over the batch, block by block: it isolates each
    # gate, so it is checked first.
    rtol, atol = tolerances(got["bias"], want["bias"], 1e-6, 1e-9)

    def block_of(a: np.ndarray, k: int) -> np.ndarray:
        return a[k * H : (k + 1) * H]

    wrong = [
        gate
        for k, gate in enumerate(GATES)
        if not np.allclose(
            block_of(grads["bias"], k), block_of(want["bias"], k), rtol=rtol, atol=atol
        )
    ]
    if set(wrong) == {"i", "f", "c"}:
        raise Failed(
            "the input gate's, forget gate's and candidate's "
            "gradients are all wrong while the output "
            "gate's is right: they share dC_t, so dC_t is wrong. dC_t = dc + "
            "dH_t * o * (1 - tanh(C_t)**2): "
            "the gradient from later steps plus the path through H_t = O_t "
            "tanh(C_t)"
        )
    for gate in wrong:
        k = GATES.index(gate)
        others = [
            other
            for j, other in enumerate(GATES)
            if j != k
            and np.allclose(
                block_of(grads["bias"], k),
                block_of(want["bias"], j),
                rtol=rtol,
                atol=atol,
            )
        ]
        if others:
            raise Failed(
                f"the {_GATE_NAMES[gate]}'s block of the bias gradient "
                f"(columns {k * H}..{(k + 1) * H - 1}) "
                f"holds the {_GATE_NAMES[others[0]]}'s gradient: put the "
                "blocks of dz in Keras's order "
                "i, f, c (candidate), o"
            )
    if wrong:
        gate = wrong[0]
        k = GATES.index(gate)
        raise Failed(
            f"the {_GATE_NAMES[gate]}'s gradient is wrong (bias "
            f"columns {k * H}..{(k + 1) * H - 1}): "
            f"{_GATE_HINTS[gate]}"
        )
    for key in ("kernel", "recurrent_kernel"):
        for k, gate in enumerate(GATES):
            block = (slice(None), slice(k * H, (k + 1) * H))
            if not np.allclose(
                grads[key][block], want[key][block], rtol=rtol, atol=atol
            ):
                source = "x" if key == "kernel" else "h_prev"
                raise Failed(
                    f"gradient {key!r}, the {_GATE_NAMES[gate]}'s columns: "
                    "the bias gradient is right, so "
                    f"dz is; this block is {source}.T @ dz of the "
                    f"{_GATE_NAMES[gate]}"
                )
    hints = {
        "c_prev": " dC_(t-1) = dC_t * f, where dC_t includes both the "
        "gradient from later steps "
        "and the part through H_t = O_t tanh(C_t).",
        "x": " dx = dz @ kernel.T, with dz's four blocks side by "
        "side in Keras's order.",
        "h_prev": " dh_prev = dz @ recurrent_kernel.T.",
    }
    for key in _GRAD_KEYS:
        try:
            expect_same(got[key], want[key], f"gradient {key!r}")
        except Failed as why:
            raise Failed(f"{why}{hints.get(key, '')}") from None
    return (
        "all six gradients match lstm_step_backward on a "
        "seeded step (N=3, D=2, H=4), gate by gate."
    )


@exercise_check("numerical gradient")
def numerical_gradient_check(my_numerical_gradient: Any) -> str:
    """``my_numerical_gradient(f, array, eps)``: centred differences, against the exact
    gradient."""
    rng = np.random.default_rng(4)
    a = rng.normal(size=(3, 4))
    before = a.copy()

    def f() -> float:
        return float(np.sum(np.sin(3 * a) * a**2))

    exact = 3 * np.cos(3 * a) * a**2 + 2 * a * np.sin(3 * a)
    got = call_answer(
        my_numerical_gradient, "my_numerical_gradient(f, array, 1e-5)", f, a, 1e-5
    )
    # restoring by arithmetic (+eps, -2 eps, +eps) leaves round-off of about 1e-16: that
    # is putting it back
    changed = np.flatnonzero(~np.isclose(a, before, rtol=1e-12, atol=1e-14))
    if len(changed):
        raise Failed(
            "after my_numerical_gradient, array is changed at "
            f"{len(changed)} position(s) (first "
            f"{position_of(int(changed[0]), a.shape)}): put each nudged "
            "value back before the next"
        )
    limit = rtol_for(got, 1e-7)  # a float32 answer holds about 7 digits
    got = as_array(got, "my_numerical_gradient(f, array, 1e-5)", finite=True)
    if got.shape != a.shape:
        raise Failed(
            f"the gradient has shape {got.shape}, expected the array's shape {a.shape}"
        )
    if not got.any():
        raise Failed(
            "the gradient is all zeros: f() never saw your nudges. "
            "Nudge the array f reads, in place "
            "(array[idx] += eps), not a copy of it"
        )
    # relative to the gradient's size
    error = float(np.max(np.abs(got - exact)) / np.max(np.abs(exact)))
    if error > limit:
        one_sided = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + 1e-5
            up = f()
            a[idx] = old
            one_sided[idx] = (up - f()) / 1e-5
        hint = ""
        if np.allclose(got, 2 * exact, rtol=1e-6):
            hint = (
                " It is twice the gradient: divide by 2 eps, the "
                "distance between a + eps and a - eps."
            )
        elif np.allclose(got, one_sided, rtol=1e-6):
            hint = (
                " That is the one-sided difference (f(a + eps) - f(a)) "
                "/ eps, whose error shrinks only like "
                "eps; the centred (f(a + eps) - f(a - eps)) / (2 eps) shrinks like "
                "eps²."
            )
        raise Failed(
            "largest error against the exact gradient: "
            f"{error:.2g} of the gradient's largest entry "
            f"(a centred difference gets below {limit:.0e}).{hint}"
        )
    reference = numerical_gradient(f, a, 1e-5)
    return (
        f"largest error {error:.1e}, relative to the "
        "gradient's largest entry (the package's "
        "numerical_gradient: "
        f"{np.max(np.abs(reference - exact)) / np.max(np.abs(exact)):.1e}); array "
        "left "
        "unchanged."
    )


@exercise_check("forget-bias sweep")
def forget_bias_sweep(my_ratios: Any, x_window: np.ndarray, units: int) -> str:
    """An open experiment: ``my_ratios[b]`` = ||dL/dx_1|| / ||dL/dx_T|| for seed 0 and
    forget bias b."""
    ratios = as_mapping(my_ratios, "my_ratios", at_least=3)
    for b, got in ratios.items():
        b = as_number(b, "a key of my_ratios (a forget bias)")
        raw, got = got, as_number(got, f"my_ratios[{b:g}]")
        params = init_lstm_params(1, units, 0)
        params["bias"][gate_block("f", units)] = b
        norms = input_gradient_norms("lstm", params, x_window)
        want = float(norms[0] / norms[-1])
        if abs(got - want) > rtol_for(raw, 1e-6) * want:
            hint = (
                (" Oldest first: divide the first step's norm by the last's.")
                if abs(got * want - 1) < 1e-6
                else ""
            )
            raise Failed(
                f"my_ratios[{b:g}] is {got:.4g}, expected {want:.4g} "
                f"(lstm_with(0, {b:g}) on "
                f"x_window).{hint}"
            )
    shown = ", ".join(f"b={b:g}: {r:.3g}" for b, r in sorted(ratios.items()))
    return f"{len(ratios)} biases measured ({shown})."


@exercise_check("backpropagation through time")
def backward_through_time(my_lstm_backward: Any) -> str:
    """``my_lstm_backward(dh_seq, caches) -> dict`` (x, kernel, recurrent_kernel, bias)
    against :func:`lstm_backward`."""
    from lstm_helpers.numpy_lstm import lstm_backward, lstm_forward

    N, T, D, H = 3, 5, 2, 4
    x, params, rng = lstm_inputs(17, N, T, D, H)
    h, c, caches = np.zeros((N, H)), np.zeros((N, H)), []
    for t in range(T):
        h, c, step = lstm_step_forward(x[:, t], h, c, **params)
        caches.append(step)
    dh_seq = rng.normal(size=(N, T, H))
    where = "my_lstm_backward(dh_seq, caches)"
    got = call_answer(
        my_lstm_backward,
        where,
        dh_seq.copy(),
        [{k: v.copy() for k, v in s.items()} for s in caches],
    )
    if not isinstance(got, Mapping):
        raise Failed(
            f"{where} must return a dict with keys x, kernel, "
            "recurrent_kernel, bias; got "
            f"{type(got).__name__}"
        )
    want = lstm_backward(dh_seq, lstm_forward(x, **params)[1])

    def loop(
        carry_h: bool = True,
        carry_c: bool = True,
        add: bool = True,
        forward: bool = False,
    ) -> dict:
        grads = {k: np.zeros_like(v) for k, v in params.items()} | {
            "x": np.zeros_like(x)
        }
        dh_next, dc = np.zeros((N, H)), np.zeros((N, H))
        for t in range(T) if forward else reversed(range(T)):
            g = lstm_step_backward(
                dh_seq[:, t] + (dh_next if carry_h else 0),
                dc if carry_c else 0 * dc,
                caches[t],
            )
            for k in params:
                grads[k] = grads[k] + g[k] if add else g[k]
            grads["x"][:, t] = g["x"]
            dh_next, dc = g["h_prev"], g["c_prev"]
        return grads

    mistakes = {
        "x": {
            "dh from step t + 1 is not added to step t's: dH_t = "
            "dh_seq[:, t] + the h_prev gradient of step t + 1": loop(carry_h=False)[
                "x"
            ],
            "dc is not carried back: each step gets the c_prev "
            "gradient of the step after it": loop(carry_c=False)["x"],
            "the steps run forward; backpropagation runs from the "
            "last step to the first": loop(forward=True)["x"],
        },
        "kernel": {
            "the weight gradients are not summed over the steps "
            "(the weights are shared by every step)": loop(add=False)["kernel"]
        },
    }
    for key in ("x", "kernel", "recurrent_kernel", "bias"):
        if key not in got:
            raise Failed(f"{where} has no gradient {key!r}")
        if key == "x" and np.shape(got[key]) == (T, N, D):
            raise Failed(
                f"gradient 'x' has shape {np.shape(got[key])}, (T, N, "
                "D): the time axis comes second, "
                "np.stack(dx, axis=1)"
            )
        expect_same(got[key], want[key], f"gradient {key!r}", mistakes.get(key))
    return (
        "the gradients of x, kernel, recurrent_kernel and "
        f"bias over {T} steps match lstm_backward."
    )
