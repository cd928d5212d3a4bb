"""The exercise checks of the lesson on today's gated recurrences: the minLSTM step,
the recurrence computed without a loop over time, the first delay a model fails, and
where the cumulative-product scan breaks."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.checks._shared import (
    Failed,
    as_array,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    guess_line,
    show,
)
from lstm_helpers.numpy_lstm import min_rnn, sigmoid

# --------------------------------------------------------------------------
# The minLSTM step
# --------------------------------------------------------------------------


def _step_inputs(
    seed: int = 31, N: int = 3, D: int = 4, H: int = 5
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """A seeded batch ``x`` (N, D), previous state ``h`` (N, H) and minLSTM weights
    ``W_*`` (D, H), ``b_*`` (H,)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, D))
    h = rng.normal(size=(N, H))
    params = {}
    for gate in ("f", "i", "h"):
        params[f"W_{gate}"] = rng.normal(size=(D, H))
        params[f"b_{gate}"] = rng.normal(size=H)
    return x, h, params


@exercise_check("the minLSTM step")
def min_lstm_step(my_min_lstm_step: Any) -> str:
    """``my_min_lstm_step(x, h, params) -> h_next`` against the package's
    :func:`~lstm_helpers.numpy_lstm.min_rnn.min_lstm_step`.

    Parameters
    ----------
    my_min_lstm_step : callable
        The learner's step: ``x`` (N, D), ``h`` (N, H) and ``params``, a dict of
        ``W_f, b_f, W_i, b_i, W_h, b_h`` (``W_*`` (D, H), ``b_*`` (H,)) -> ``h_next``
        (N, H).

    Returns
    -------
    str
        The pass message (the decorator turns it into a :class:`Result`).
    """
    x, h, params = _step_inputs()
    N, D = x.shape
    H = h.shape[1]
    out = call_answer(
        my_min_lstm_step,
        "my_min_lstm_step(x, h, params)",
        x.copy(),
        h.copy(),
        {k: v.copy() for k, v in params.items()},
    )
    want = min_rnn.min_lstm_step(x, h, params)
    f = sigmoid(x @ params["W_f"] + params["b_f"])
    i = sigmoid(x @ params["W_i"] + params["b_i"])
    candidate = x @ params["W_h"] + params["b_h"]
    f_n, i_n = f / (f + i), i / (f + i)
    mistakes = {
        "the gates are not normalised: divide f and i by f + i, so that f' + i' = 1": (
            f * h + i * candidate
        ),
        "f' and i' are swapped: the normalised forget gate f' multiplies the "
        "previous state h, the input gate i' the candidate": i_n * h + f_n * candidate,
        "the candidate goes through tanh, as in the 1997 LSTM; the minLSTM's "
        "candidate is linear, h~ = x @ W_h + b_h": f_n * h + i_n * np.tanh(candidate),
        "a sigmoid is applied again to the normalised gates: f / (f + i) is "
        "already the gate": sigmoid(f_n) * h + sigmoid(i_n) * candidate,
    }
    expect_same(out, want, "h_next", mistakes)
    return (
        f"h_next matches min_lstm_step on a seeded batch (N={N}, D={D}, H={H}), "
        "to 1e-6."
    )


# --------------------------------------------------------------------------
# The recurrence without a loop over time
# --------------------------------------------------------------------------


def _recur(a: np.ndarray, b: np.ndarray, h0: np.ndarray) -> np.ndarray:
    """``h_t = a_t * h_(t-1) + b_t`` step by step, with no check that ``a`` is a gate
    (for the value of a mistake that swaps ``a`` and ``b``)."""
    out, state = np.empty_like(b), h0
    for t in range(a.shape[1]):
        state = a[:, t] * state + b[:, t]
        out[:, t] = state
    return out


def _along(a: np.ndarray, b: np.ndarray, h0: np.ndarray, axis: int) -> np.ndarray:
    """The cumulative-product form of the scan taken along ``axis``: right for axis 1
    (time), a typical mistake for the others."""
    A = np.cumprod(a, axis=axis)
    return A * (h0[:, None, :] + np.cumsum(b / A, axis=axis))


@exercise_check("the recurrence without a loop over time")
def scan(my_scan: Any) -> str:
    """``my_scan(a, b, h0) -> h``, every ``h_t = a_t * h_(t-1) + b_t`` at once, against
    :func:`~lstm_helpers.numpy_lstm.min_rnn.scan_loop`.

    The case is seeded: ``a`` (N, T, H) uniform in (0.5, 1), ``b`` and ``h0`` normal,
    with N = 3, T = 50, H = 4. Over 50 steps the product of the gates stays above
    0.5**50 (about 9e-16), so the plain form with a cumulative product and a
    cumulative sum (:func:`~lstm_helpers.numpy_lstm.min_rnn.scan_parallel`) is still
    accurate here, and so is the log-space form
    (:func:`~lstm_helpers.numpy_lstm.min_rnn.scan_log`). Whether the learner's
    function loops over time is not checked.

    Parameters
    ----------
    my_scan : callable
        The learner's scan: ``a``, ``b`` (N, T, H) and ``h0`` (N, H) -> ``h``
        (N, T, H), the states ``h_1 .. h_T``.

    Returns
    -------
    str
        The pass message (the decorator turns it into a :class:`Result`).
    """
    rng = np.random.default_rng(32)
    N, T, H = 3, 50, 4
    a = rng.uniform(0.5, 1.0, size=(N, T, H))
    b = rng.normal(size=(N, T, H))
    h0 = rng.normal(size=(N, H))
    where = "my_scan(a, b, h0)"
    out = call_answer(my_scan, where, a.copy(), b.copy(), h0.copy())
    shape = as_array(out, where).shape
    if shape == (N, H):
        raise Failed(
            f"{where} has shape {shape}, the last state only: return every step, "
            f"shape (N, T, H) = {(N, T, H)}"
        )
    if shape == (N, T + 1, H):
        raise Failed(
            f"{where} has shape {shape}: h_0 is included; return h_1 .. h_T, shape "
            f"(N, T, H) = {(N, T, H)}"
        )
    want = min_rnn.scan_loop(a, b, h0)
    mistakes = {
        "h0 is left out (as if h_0 = 0): the first state is h_1 = a_1 * h_0 + "
        "b_1": min_rnn.scan_loop(a, b, np.zeros_like(h0)),
        "the states are shifted by one step (h_0 .. h_(T-1)): the first state "
        "returned is h_1 = a_1 * h_0 + b_1": np.concatenate(
            [h0[:, None, :], want[:, :-1]], axis=1
        ),
        "the cumulative sum leaves out each step's own b_t (an exclusive sum): "
        "h_t adds b_t itself": want - b,
        "a and b are swapped: a_t multiplies the previous state, b_t is added": (
            _recur(b, a, h0)
        ),
        "the cumulative product and sum run along the last axis (the units): time "
        "is axis 1 of (N, T, H)": _along(a, b, h0, axis=2),
        "the cumulative product and sum run along axis 0 (the batch): time is "
        "axis 1 of (N, T, H)": _along(a, b, h0, axis=0),
    }
    expect_same(out, want, where, mistakes, axes=("sequence", "step +", "unit"))
    return (
        f"all {T} states of {N} sequences of {H} units match the step-by-step "
        "recurrence, to 1e-6."
    )


# --------------------------------------------------------------------------
# The first delay each model fails
# --------------------------------------------------------------------------


def _first_failure(table: pd.DataFrame, level: float) -> dict[str, int | None]:
    """The package's :func:`~lstm_helpers.lessons.gates_today.first_failure` on the
    column "mean MSE", as the exercise asks for it: model -> the first failing delay
    (an int), or None where no delay is above ``level``."""
    from lstm_helpers.lessons.gates_today import first_failure as reference

    return {
        model: None if np.isnan(t) else int(t)
        for model, t in reference(table, level).items()
    }


def _failure_table() -> pd.DataFrame:
    """A made-up :func:`~lstm_helpers.lessons.memory_experiment.error_table`: at the
    level 0.05 the plain RNN fails from T = 30, the LSTM at T = 100, the GRU never."""
    mean = {
        "plain RNN": (0.0104, 0.1213, 0.1587, 0.1702),
        "LSTM": (0.0021, 0.0063, 0.0198, 0.0831),
        "GRU": (0.0012, 0.0034, 0.0117, 0.0312),
    }
    delays = (10, 30, 60, 100)
    rows = [
        {
            "cell": model,
            "T": T,
            "mean MSE": m,
            "lowest": 0.8 * m,
            "highest": 1.3 * m,
            "seeds": 3,
        }
        for model, values in mean.items()
        for T, m in zip(delays, values, strict=True)
    ]
    return pd.DataFrame(rows).set_index(["cell", "T"])


def _say(value: Any) -> str:
    """A delay, an MSE or None as a learner typed it (never ``np.int64(30)``)."""
    if value is None:
        return "None"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return show(float(value))


def _delay_or_none(value: Any, name: str) -> float | None:
    """The learner's entry: None, or a finite real number (NaN is refused with a word
    on None; text, float16 and True/False as :func:`as_number` refuses them)."""
    if value is None:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        raise Failed(f"{name} is nan: a model that never fails gets None, not NaN")
    return as_number(value, name)


def _same(got: float | None, want: float | None) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return bool(np.isclose(got, want, rtol=1e-6, atol=0.0))


@exercise_check("the first delay each model fails")
def first_failure(my_first_failure: Any) -> str:
    """``my_first_failure(table, level) -> dict``: per model, the smallest delay T whose
    mean MSE is above ``level`` (None if no T is), on a made-up table shaped like
    :func:`~lstm_helpers.lessons.memory_experiment.error_table`'s.

    Parameters
    ----------
    my_first_failure : callable
        The learner's function: ``table`` (indexed by (model, T), a column
        "mean MSE") and ``level`` -> {model: T or None}.

    Returns
    -------
    str
        The pass message (the decorator turns it into a :class:`Result`).
    """
    table, level = _failure_table(), 0.05
    where = f"my_first_failure(table, {level:g})"
    answers = as_mapping(
        call_answer(my_first_failure, where, table.copy(), level), where
    )
    want = _first_failure(table, level)
    extra = [m for m in answers if m not in want]
    if extra:
        raise Failed(
            f"{where} has entries for {', '.join(map(repr, extra))}, which the table "
            f"does not hold (its models are {', '.join(map(repr, want))})"
        )
    got = {}
    for model in want:
        if model not in answers:
            raise Failed(
                f"{where} has no entry for {model!r} (the models are "
                f"{', '.join(map(repr, want))})"
            )
        got[model] = _delay_or_none(answers[model], f"{where}[{model!r}]")
    mse = table["mean MSE"]
    by_model = {m: mse.loc[m] for m in want}
    mistakes = {
        "that is the largest T above the level: the first failure is the smallest": {
            m: (int(s.index[s > level][-1]) if (s > level).any() else None)
            for m, s in by_model.items()
        },
        "that is the first T below the level (the first success): take the first T "
        "whose mean MSE is above it": {
            m: (int(s.index[s <= level][0]) if (s <= level).any() else None)
            for m, s in by_model.items()
        },
        "that is the longest T solved (the last below the level); the first failure "
        "is the smallest T above it": {
            m: (int(s.index[s <= level][-1]) if (s <= level).any() else None)
            for m, s in by_model.items()
        },
        "that is the mean MSE at the first failure: return the delay T, not its MSE": {
            m: (float(s[s > level].iloc[0]) if (s > level).any() else None)
            for m, s in by_model.items()
        },
    }
    hint = next(
        (
            f" Your values match a typical mistake: {description}."
            for description, wrong in mistakes.items()
            if all(_same(got[m], wrong[m]) for m in want)
        ),
        "",
    )
    for model, value in got.items():
        if not _same(value, want[model]):
            per_delay = ", ".join(
                f"{int(T)}: {m:.4f}" for T, m in by_model[model].items()
            )
            raise Failed(
                f"{where}[{model!r}] is {_say(answers[model])}, expected "
                f"{_say(want[model])}: the smallest T whose mean MSE is above "
                f"{level:g} (None if no T is). Mean MSE per T: {per_delay}.{hint}"
            )
    shown = ", ".join(f"{m} {_say(T)}" for m, T in want.items())
    return f"above a mean MSE of {level:g}, the models first fail at: {shown}."


# --------------------------------------------------------------------------
# An open experiment: where the cumulative product breaks
# --------------------------------------------------------------------------

LONGEST = 200_000
"""The longest sequence :func:`product_breaks` looks along."""


def first_broken_step(gate: float, dtype: Any = np.float64) -> int | None:
    """The first step (counted from 1) at which :func:`scan_parallel`'s state is not a
    finite number, for a constant gate ``a_t = gate``, ``b_t = 1 - gate`` and ``h_0 =
    1`` (the loop's state stays 1 at every step); None within :data:`LONGEST` steps.
    ``dtype`` float32 computes the product in single precision."""
    a = np.full((1, LONGEST, 1), gate, dtype=dtype)
    with np.errstate(all="ignore"):
        A = np.cumprod(a, axis=1)
        h = A * (1 + np.cumsum((1 - a) / A, axis=1))
    broken = np.flatnonzero(~np.isfinite(h[0, :, 0]))
    return int(broken[0]) + 1 if len(broken) else None


@exercise_check("where the cumulative product breaks")
def product_breaks(my_gate: Any, my_step: Any, guess: Any = None) -> str:
    """An open experiment: for a constant gate ``my_gate`` in (0, 1), the first step at
    which the cumulative-product scan gives no finite state (float64)."""
    gate = as_number(my_gate, "my_gate")
    if not 0 < gate < 1:
        raise Failed(f"my_gate must lie strictly between 0 and 1, got {show(gate)}")
    want = first_broken_step(gate)
    if want is None:
        raise Failed(
            f"with a gate of {show(gate)} the product scan stays finite for "
            f"{LONGEST:,} steps: choose a smaller gate, such as 0.99 or 0.9"
        )
    step = as_number(my_step, "my_step")
    if step != want:
        hints = {
            first_broken_step(gate, np.float32): "that is where float32 breaks; "
            "the lesson's scan computes in float64",
            want - 1: "that counts steps from 0; count them from 1 (h_1 is step 1)",
        }
        hint = hints.get(int(step)) if float(step).is_integer() else None
        raise Failed(
            f"my_step is {show(step)}, but the product scan with a gate of "
            f"{show(gate)} first gives a non-finite state at step {want}"
            + (f": {hint}" if hint else "")
        )
    line = guess_line(guess, want)
    return (
        f"with a gate of {show(gate)}, the cumulative product breaks at step {want}; "
        f"the loop and the log-space scan stay finite.{line}"
    )
