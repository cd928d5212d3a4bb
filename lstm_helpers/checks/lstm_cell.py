"""The exercise checks of the cell lesson."""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from lstm_helpers.checks._shared import (
    Failed,
    answered,
    as_array,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    rtol_for,
    show,
)
from lstm_helpers.numpy_lstm import (
    GATES,
    lstm_step_forward,
    sigmoid,
)


def step_inputs(seed: int, N: int = 3, D: int = 2, H: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "x": rng.normal(size=(N, D)),
        "h": rng.normal(size=(N, H)) * 0.5,
        "c": rng.normal(size=(N, H)),
        "kernel": rng.normal(size=(D, 4 * H)),
        "recurrent_kernel": rng.normal(size=(H, 4 * H)) * 0.5,
        "bias": rng.normal(size=4 * H),
    }


def lstm_inputs(
    seed: int, N: int, T: int, D: int, H: int
) -> tuple[np.ndarray, dict[str, np.ndarray], np.random.Generator]:
    """A seeded batch ``x`` (N, T, D) and LSTM weights ``kernel`` (D, 4H),
    ``recurrent_kernel`` (H, 4H), ``bias`` (4H,): the fixed input of the checks that run
    a learner's LSTM over a whole window. The generator is returned too, for what a
    check draws next."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, T, D))
    params = {
        "kernel": rng.normal(size=(D, 4 * H)),
        "recurrent_kernel": rng.normal(size=(H, 4 * H)) * 0.5,
        "bias": rng.normal(size=4 * H),
    }
    return x, params, rng


def _permuted(a: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
    H = a.shape[-1] // 4
    return np.concatenate([a[..., k * H : (k + 1) * H] for k in order], axis=-1)


@exercise_check("LSTM step forward")
def step_forward(my_lstm_step: Any) -> str:
    """``my_lstm_step(x, h, c, kernel, recurrent_kernel, bias) -> (h_next, c_next)``
    against the package's step."""
    p = step_inputs(seed=5)
    args = (p["x"], p["h"], p["c"], p["kernel"], p["recurrent_kernel"], p["bias"])
    out = call_answer(
        my_lstm_step,
        "my_lstm_step(x, h, c, kernel, recurrent_kernel, bias)",
        *(a.copy() for a in args),
    )
    if not isinstance(out, tuple | list) or len(out) < 2:
        raise Failed(
            f"my_lstm_step must return (h_next, c_next), got {type(out).__name__}"
        )
    h_got, c_got = out[0], out[1]
    h_ref, c_ref, cache = lstm_step_forward(*args)
    wrong_order = {}
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3):
            w = [
                _permuted(a, order)
                for a in (p["kernel"], p["recurrent_kernel"], p["bias"])
            ]
            wrong_order[order] = lstm_step_forward(p["x"], p["h"], p["c"], *w)
    block = slice(2 * p["h"].shape[1], 3 * p["h"].shape[1])  # the candidate's columns
    z_candidate = (
        p["x"] @ p["kernel"][:, block]
        + p["h"] @ p["recurrent_kernel"][:, block]
        + p["bias"][block]
    )
    c_sigmoid = cache["f"] * p["c"] + cache["i"] * sigmoid(z_candidate)
    o = cache["o"]

    def order_text(order: tuple[int, ...]) -> str:
        read = ", ".join(
            f"{gate} from block {order[k] + 1}"
            for k, gate in enumerate(GATES)
            if order[k] != k
        )
        return (
            "the gate blocks are read in the wrong order "
            f"({read}); Keras's order is i, f, c (candidate), o"
        )

    c_mistakes = {order_text(order): v[1] for order, v in wrong_order.items()}
    c_mistakes[
        "the candidate C'_t goes through a sigmoid; it takes tanh (values in -1..1)"
    ] = c_sigmoid
    expect_same(c_got, c_ref, "c_next (the cell state)", c_mistakes)
    h_mistakes = {
        "H_t = tanh(C_t) without the output gate (the report's "
        "formula): multiply by O_t": np.tanh(c_ref),
        "H_t = O_t * C_t: squash the cell state with tanh before the output gate": o
        * c_ref,
        "H_t uses the previous cell state C_(t-1)": o * np.tanh(p["c"]),
    }
    expect_same(h_got, h_ref, "h_next (the hidden state)", h_mistakes)
    return (
        "h_next and c_next match lstm_step_forward on a seeded "
        "batch (N=3, D=2, H=4), to 1e-6."
    )


_TOY = {
    "kernel": np.array([[6.0, 0.0, 2.0, 0.0]]),
    "recurrent_kernel": np.zeros((1, 4)),
    "bias": np.array([-3.0, 3.0, 0.0, 0.0]),
}


def toy_cell_states(
    bias: np.ndarray, pulse: bool = True, steps: int = 20
) -> np.ndarray:
    """The cell state C_1..C_steps of the cell lesson's one-unit toy LSTM, with or
    without a pulse at t = 1.

    Parameters
    ----------
    bias : ndarray, shape (4,)
        The toy's bias, blocks i, f, c, o.
    pulse : bool, default True
        Input 1 at t = 1 (then 0), or 0 throughout.
    steps : int, default 20

    Returns
    -------
    ndarray, shape (steps,)
    """
    h = c = np.zeros((1, 1))
    states = []
    for t in range(steps):
        x = np.array([[1.0 if t == 0 and pulse else 0.0]])
        h, c, _ = lstm_step_forward(
            x, h, c, _TOY["kernel"], _TOY["recurrent_kernel"], bias
        )
        states.append(float(c[0, 0]))
    return np.array(states)


@exercise_check("a pulse that lasts 20 steps")
def pulse_bias(my_gate: Any, my_bias: Any) -> str:
    """Predict-then-measure: which gate's bias keeps 90% of the toy's pulse after 20
    steps, and what value."""
    gate = answered(my_gate, "my_gate")
    bias_value = as_number(my_bias, "my_bias")
    if gate not in GATES:
        raise Failed(
            f"my_gate must be one of {', '.join(repr(g) for g in GATES)}, got {gate!r}"
        )
    bias = _TOY["bias"].copy()
    bias[GATES.index(gate)] = bias_value
    # what the pulse adds to C_t
    pulse = toy_cell_states(bias) - toy_cell_states(bias, pulse=False)
    kept = pulse[-1] / pulse[0] if pulse[0] != 0 else 0.0
    measured = (
        f"with the {gate} bias at {bias_value:g}, {kept:.1%} "
        "of the pulse is left at t = 20"
    )
    if gate != "f":
        why = {
            "i": "the input gate decides what is written at t = 1, not "
            "how much of it stays",
            "c": "the candidate's bias changes what is written at every "
            "step, not how much of the pulse stays",
            "o": "the output gate changes what the cell shows (H_t), "
            "not what it keeps (C_t)",
        }[gate]
        raise Failed(f"{measured}: {why}. Which gate multiplies C_(t-1) at every step?")
    if kept < 0.9:
        needed = np.log(0.9 ** (1 / 19) / (1 - 0.9 ** (1 / 19)))
        raise Failed(
            f"{measured}: it fades below 90%. The right gate; raise its bias "
            "(the pulse is multiplied by f at each of 19 steps, so f must "
            "be at least 0.9^(1/19): "
            f"b >= {needed:.4f}, so {np.ceil(needed * 100) / 100:.2f} to two "
            "decimals)."
        )
    return (
        f"{measured}: the forget gate keeps the pulse (f = "
        f"σ({bias_value:g}) = {sigmoid(bias_value):.4f})."
    )


@exercise_check("gates on a window of your choice")
def gate_means(
    my_window: Any, my_gate_means: Any, params: Mapping[str, np.ndarray], X: np.ndarray
) -> str:
    """An open experiment: the mean of each gate over one window ``X[my_window]`` of the
    trained cell."""
    from lstm_helpers.lessons.gate_analysis import gate_trace

    k = answered(my_window, "my_window")
    if (
        isinstance(k, bool)
        or not isinstance(k, numbers.Integral)
        or not 0 <= k < len(X)
    ):
        raise Failed(
            f"my_window must be a window number from 0 to {len(X) - 1}, got {k!r}"
        )
    means = as_mapping(my_gate_means, "my_gate_means", at_least=3)
    trace = gate_trace(params, X[int(k)])
    for gate in ("i", "f", "o"):
        if gate not in means:
            raise Failed(
                f"my_gate_means has no entry {gate!r}; give the input, "
                "forget and output gates"
            )
        got = as_number(means[gate], f"my_gate_means[{gate!r}]")
        want = float(trace[gate].mean())
        if abs(got - want) > max(1e-6, rtol_for(means[gate], 0.0) * abs(want)):
            hint = (
                " Gates are sigmoids: their values lie between 0 and 1."
                if not 0 <= got <= 1
                else ""
            )
            raise Failed(
                f"my_gate_means[{gate!r}] is {show(got)}, expected "
                f"{show(want)} (the mean over every step "
                f"and unit of gate_trace(params, X[{k}])[{gate!r}]).{hint}"
            )
    return (
        f"window {k}: input {means['i']:.3f}, forget "
        f"{means['f']:.3f}, output {means['o']:.3f}, as "
        "gate_trace gives."
    )


@exercise_check("the LSTM over a whole window")
def sequence_forward(my_lstm_forward: Any) -> str:
    """``my_lstm_forward(x, kernel, recurrent_kernel, bias) -> h_seq`` (N, T, H) against
    :func:`lstm_forward`."""
    from lstm_helpers.numpy_lstm import lstm_forward

    N, T, D, H = 3, 6, 2, 4
    x, params, _ = lstm_inputs(13, N, T, D, H)
    kernel, recurrent_kernel, bias = (
        params["kernel"],
        params["recurrent_kernel"],
        params["bias"],
    )
    where = "my_lstm_forward(x, kernel, recurrent_kernel, bias)"
    got = call_answer(
        my_lstm_forward,
        where,
        x.copy(),
        kernel.copy(),
        recurrent_kernel.copy(),
        bias.copy(),
    )
    want = np.asarray(lstm_forward(x, kernel, recurrent_kernel, bias)[0])
    zeros = np.zeros((N, H))

    def steps(
        carry: bool = True, swap: bool = False, reverse: bool = False
    ) -> np.ndarray:
        h, c, out = zeros, zeros, []
        order = range(T - 1, -1, -1) if reverse else range(T)
        for t in order:
            h_in, c_in = (h, c) if carry else (zeros, zeros)
            if swap:
                h_in, c_in = c_in, h_in
            h, c, _ = lstm_step_forward(
                x[:, t], h_in, c_in, kernel, recurrent_kernel, bias
            )
            out.append(h)
        seq = np.stack(out, axis=1)
        return seq[:, ::-1] if reverse else seq

    if (
        isinstance(got, tuple | list)
        and len(got) == 2
        and np.shape(got[0]) == want.shape
    ):
        raise Failed(
            f"{where} returned a pair, as lstm_forward does; "
            "return only the hidden states, shape "
            f"(N, T, H) = {want.shape}"
        )
    got_array = as_array(got, where, finite=True)
    if got_array.shape == (T, N, H):
        raise Failed(
            f"{where} has shape {got_array.shape}, (T, N, H): the "
            "time axis comes second, "
            "np.stack(states, axis=1)"
        )
    if got_array.shape == (N, H):
        raise Failed(
            f"{where} has shape {got_array.shape}: only the last "
            "step's state. Return every step's "
            f"hidden state, shape (N, T, H) = {want.shape}, as "
            "return_sequences=True does"
        )
    mistakes = {
        "every step starts from zeros: carry h and c from one step to the next": steps(
            carry=False
        ),
        "h and c are swapped when they are passed to the next step": steps(swap=True),
        "the steps run from the last day to the first: time runs forward": steps(
            reverse=True
        ),
    }
    expect_same(got, want, where, mistakes)
    return f"every hidden state of {N} sequences of {T} steps matches lstm_forward."
