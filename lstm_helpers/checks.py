"""Automatic checks for the exercises in the lessons.

Every exercise in a lesson ends with a check cell such as
``checks.moving_average(my_sma)``. A check runs the learner's code on fixed,
seeded inputs (or takes the learner's measured numbers), computes the same thing
with the package (or with Keras), and returns a :class:`Result` that the
notebook shows as one line:

- ``✔ <exercise>: passed`` and what was compared;
- ``… <exercise>: not done yet`` while the answer is still the placeholder
  (``None``, or a function that raises ``NotImplementedError``);
- ``✘ <exercise>: failed`` with what is wrong and where: which array or
  gate, the largest difference, and a hint when the answer matches a typical
  mistake (a scaler fitted on all years, a window one day off, the output
  gate left out, ...).

A check never raises, so "Run All" goes past an unsolved exercise, and nothing
is sent anywhere: plain Python and NumPy on this machine.
"""

from __future__ import annotations

import functools
import itertools
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.baselines import persistence, simple_moving_average
from lstm_helpers.direction import constant_directions
from lstm_helpers.memory_task import CONSTANT_MSE, adding_problem
from lstm_helpers.metrics import rmse
from lstm_helpers.numpy_lstm import (
    init_lstm_params,
    input_gradient_norms,
    lstm_step_backward,
    lstm_step_forward,
    numerical_gradient,
    sigmoid,
)
from lstm_helpers.periods import range_table
from lstm_helpers.scaled_errors import mase, naive_scale
from lstm_helpers.significance import diebold_mariano
from lstm_helpers.windows import report_windows, sliding_windows, variant_windows

PASSED, NOT_DONE, FAILED = "passed", "not done yet", "failed"
_MARKS = {PASSED: "✔", NOT_DONE: "…", FAILED: "✘"}


@dataclass(frozen=True, repr=False)
class Result:
    """The outcome of one check: ``status`` is "passed", "not done yet" or "failed"."""

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == PASSED

    def __repr__(self) -> str:
        return f"{_MARKS[self.status]} {self.exercise}: {self.status} — {self.message}"

    __str__ = __repr__


class _NotDone(Exception):
    pass


class _Failed(Exception):
    pass


def _exercise(title: str) -> Callable:
    """Turn a check body (which returns the pass message or raises) into a check returning a Result."""

    def wrap(body: Callable[..., str]) -> Callable[..., Result]:
        @functools.wraps(body)
        def check(*args: Any, **kwargs: Any) -> Result:
            try:
                return Result(title, PASSED, body(*args, **kwargs))
            except _NotDone as why:
                return Result(title, NOT_DONE, str(why))
            except _Failed as why:
                return Result(title, FAILED, str(why))
            except Exception as err:  # an answer of a shape no check foresaw: still a line, never a traceback
                return Result(title, FAILED, f"the check could not use your answer ({type(err).__name__}: {err})")

        return check

    return wrap


# --------------------------------------------------------------------------
# What every check shares
# --------------------------------------------------------------------------


def _answer(value: Any, name: str) -> Any:
    """The learner's value, or "not done yet" while it is still the placeholder."""
    if value is None or value is Ellipsis:
        raise _NotDone(f"{name} is still None: give your answer in the cell above")
    return value


def _call(fn: Any, name: str, *args: Any) -> Any:
    """Call the learner's function; "not done" for the stub, "failed" (with the error) for a crash."""
    _answer(fn, name)
    if not callable(fn):
        raise _Failed(f"{name} must be a function, got {type(fn).__name__}")
    try:
        return fn(*args)
    except NotImplementedError:
        raise _NotDone(f"{name} still raises NotImplementedError: write its body in the cell above") from None
    except Exception as err:  # the learner's bug, reported instead of raised
        raise _Failed(f"{name} raised {type(err).__name__}: {err}") from None


def _number(value: Any, name: str) -> float:
    value = _answer(value, name)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _Failed(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not np.isfinite(value):
        raise _Failed(f"{name} must be finite, got {value}")
    return float(value)


def _array(value: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise _Failed(f"{name} must be an array of numbers ({err})") from None


def _same(got: Any, expected: np.ndarray, name: str, mistakes: Mapping[str, Any] | None = None,
          rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Fail unless ``got`` equals ``expected``; name the largest difference and any mistake it matches."""
    got = _array(got, name)
    expected = np.asarray(expected, dtype=float)
    hint = ""
    for description, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=float)
        if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol, equal_nan=True):
            hint = f" Your values match a typical mistake: {description}."
            break
    if got.shape != expected.shape:
        raise _Failed(f"{name} has shape {got.shape}, expected {expected.shape}.{hint}")
    nan_got, nan_expected = np.isnan(got), np.isnan(expected)
    if (nan_got != nan_expected).any():
        k = int(np.flatnonzero(nan_got != nan_expected)[0])
        where = "NaN" if nan_got.flat[k] else f"{got.flat[k]:.6g}"
        want = "NaN" if nan_expected.flat[k] else f"{expected.flat[k]:.6g}"
        raise _Failed(f"{name}: position {np.unravel_index(k, got.shape)} is {where}, expected {want}.{hint}")
    if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        diff = np.where(nan_got, 0.0, np.abs(got - expected))
        k = int(np.argmax(diff))
        idx = np.unravel_index(k, got.shape) if got.ndim else ()
        raise _Failed(f"{name} differs from the reference: largest difference {diff.flat[k]:.3g} at "
                      f"position {idx} (yours {got.flat[k]:.6g}, expected {expected.flat[k]:.6g}).{hint}")


def _walk(n: int, seed: int, start: str = "2014-01-01", name: str = "High") -> pd.Series:
    """A seeded geometric random walk on business days: the checks' fixed input."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range(start, periods=n)
    return pd.Series(50 * np.exp(np.cumsum(rng.normal(0.0004, 0.015, n))), index=days, name=name)


def _mapping(value: Any, name: str, at_least: int = 1) -> dict:
    value = _answer(value, name)
    if not isinstance(value, Mapping):
        raise _Failed(f"{name} must be a dict, got {type(value).__name__}")
    if len(value) < at_least:
        raise _Failed(f"{name} has {len(value)} entr{'y' if len(value) == 1 else 'ies'}; "
                      f"the exercise asks for at least {at_least}")
    return dict(value)


def _guess_line(guess: Any, measured: float) -> str:
    if guess is None or isinstance(guess, bool) or not isinstance(guess, numbers.Real):
        return ""
    return f" Your guess was {guess:.4g}; the measured value is {measured:.4g}."


# --------------------------------------------------------------------------
# The data lesson
# --------------------------------------------------------------------------


@_exercise("chronological split")
def date_split(my_split: Any) -> str:
    """``my_split(series, train_end, test_start, test_end) -> (train, test)`` against ``.loc`` by dates."""
    series = _walk(1250, seed=11)
    for train_end, test_start, test_end in (("2016", "2017", "2017"), ("2015", "2016", "2016")):
        where = f"my_split(series, {train_end!r}, {test_start!r}, {test_end!r})"
        out = _call(my_split, where, series.copy(), train_end, test_start, test_end)
        if not isinstance(out, tuple) or len(out) != 2:
            raise _Failed(f"{where} must return two parts (train, test)")
        for part_name, part in zip(("train", "test"), out, strict=True):
            if not isinstance(part, pd.Series | pd.DataFrame):
                raise _Failed(f"{where}: {part_name} must be a pandas Series, got {type(part).__name__}")
            if not part.index.is_monotonic_increasing:
                raise _Failed(f"{where}: the {part_name} part is not in date order: a shuffled split mixes "
                              "past and future, keep the days in time order")
        train, test = out
        late = train.index[train.index > pd.Timestamp(train_end) + pd.offsets.YearEnd(0)]
        if len(late):
            raise _Failed(f"{where}: the training part holds {len(late)} day(s) after {train_end} (the first "
                          f"{late[0].date()}): test days leak into training")
        expected_test = series.loc[test_start:test_end]
        if not test.index.equals(expected_test.index):
            extra = test.index.difference(expected_test.index)
            missing = expected_test.index.difference(test.index)
            raise _Failed(f"{where}: the test part has {len(test)} days, expected {len(expected_test)} "
                          f"({test_start}..{test_end}); {len(extra)} extra (first {extra[0].date() if len(extra) else '-'}), "
                          f"{len(missing)} missing (first {missing[0].date() if len(missing) else '-'})")
        if not train.index.equals(series.loc[:train_end].index):
            raise _Failed(f"{where}: the training part has {len(train)} days, expected "
                          f"{len(series.loc[:train_end])} (every day up to the end of {train_end})")
    return "both splits match .loc by dates: training up to train_end, test from test_start to test_end."


def _share_reference(prices: Mapping[str, pd.DataFrame], target: str, windows: Mapping[str, Any]) -> pd.Series:
    return range_table(prices, target=target, **windows)["test_days_above_train_max_%"] / 100.0


def _compare_shares(my_share: Any, name: str, reference: pd.Series) -> None:
    shares = _mapping(my_share, name)
    missing = sorted(set(reference.index) - set(shares))
    if missing:
        raise _Failed(f"{name} has no value for {', '.join(missing)}")
    for ticker, want in reference.items():
        got = _number(shares[ticker], f"{name}[{ticker!r}]")
        if abs(got - want) > 1e-9:
            hint = ""
            if abs(got - 100 * want) < 1e-6:
                hint = " You gave a percentage; give the fraction (between 0 and 1)."
            elif got == 0 and want > 0:
                hint = " Compare with the training days' maximum only, not with the whole series'."
            raise _Failed(f"{name}[{ticker!r}] is {got:.4f}, expected {want:.4f}.{hint}")


@_exercise("share of the test year above the training maximum")
def share_above_training_max(my_share: Any, prices: Mapping[str, pd.DataFrame], split: Any, target: str,
                             guess: Any = None) -> str:
    """``my_share[ticker]``: the fraction of test days whose ``target`` exceeds the training maximum."""
    reference = _share_reference(prices, target, split.windows())
    _compare_shares(my_share, "my_share", reference)
    shown = ", ".join(f"{t} {v:.1%}" for t, v in reference.items())
    line = f" You guessed {guess!r}." if guess is not None else ""
    return f"the shares match range_table: {shown}.{line}"


@_exercise("your own split")
def other_split(my_split_years: Any, my_other_share: Any, prices: Mapping[str, pd.DataFrame],
                target: str) -> str:
    """An open experiment: the share above the training maximum for a split the learner chooses."""
    years = _answer(my_split_years, "my_split_years")
    if not isinstance(years, tuple | list) or len(years) != 3:
        raise _Failed("my_split_years must be three years (train_end, test_start, test_end), e.g. "
                      "('2012', '2013', '2013')")
    try:
        train_end, test_start, test_end = (int(str(y)) for y in years)
    except ValueError:
        raise _Failed(f"my_split_years must hold years such as '2012'; got {years!r}") from None
    if not train_end < test_start <= test_end:
        raise _Failed(f"my_split_years {years!r}: training must end before the test starts "
                      "(train_end < test_start <= test_end)")
    windows = {"train_end": str(train_end), "test_start": str(test_start), "test_end": str(test_end)}
    try:
        reference = _share_reference(prices, target, windows)
    except ValueError as err:
        raise _Failed(f"my_split_years {years!r} does not fit the data: {err}") from None
    _compare_shares(my_other_share, "my_other_share", reference)
    shown = ", ".join(f"{t} {v:.1%}" for t, v in reference.items())
    return f"train ..{train_end}, test {test_start}..{test_end}: {shown}, as range_table measures."


# --------------------------------------------------------------------------
# The baselines lesson
# --------------------------------------------------------------------------


@_exercise("moving average")
def moving_average(my_sma: Any) -> str:
    """``my_sma(series, window)`` against :func:`lstm_helpers.baselines.simple_moving_average`."""
    series = _walk(300, seed=1)
    windows = (1, 5, 20)
    for window in windows:
        got = _call(my_sma, f"my_sma(series, {window})", series.copy(), window)
        expected = simple_moving_average(series, window)
        mistakes = {
            "the forecast for day t averages days t-N+1..t, so it uses day t's own price (shift by one day)":
                series.rolling(window).mean(),
            f"the average covers {window - 1} days, not {window}": series.rolling(max(window - 1, 1)).mean().shift(1),
            "the first days get a forecast from fewer than N days (min_periods); they should stay NaN":
                series.rolling(window, min_periods=1).mean().shift(1),
        }
        _same(got, expected, f"my_sma(series, {window})", mistakes)
    return f"matches simple_moving_average for N = {', '.join(map(str, windows))} on a seeded series of 300 days."


@_exercise("persistence RMSE")
def persistence_rmse(my_rmse: Any, prices: Mapping[str, pd.DataFrame], split: Any, target: str,
                     guess: Any = None) -> str:
    """``my_rmse[ticker]``: the test-period RMSE of "tomorrow = today", against :func:`persistence`."""
    values = _mapping(my_rmse, "my_rmse")
    test = slice(split.test_start, split.test_end)
    measured = {}
    for ticker, frame in prices.items():
        if ticker not in values:
            raise _Failed(f"my_rmse has no value for {ticker}")
        got = _number(values[ticker], f"my_rmse[{ticker!r}]")
        series = frame[target]
        actual, previous = series.loc[test].to_numpy(), persistence(series).loc[test].to_numpy()
        want = measured[ticker] = rmse(actual, previous)
        if abs(got - want) > 1e-6 * want:
            errors = previous - actual
            hints = {
                "that is the mean squared error: take its square root": np.mean(errors**2),
                "that is the mean absolute error: square, average, then take the root": np.mean(np.abs(errors)),
                "the first test day is missing: its forecast is the last training day's price, so shift the "
                "whole series before you cut out the test days": np.sqrt(np.mean(errors[1:] ** 2)),
                "the forecast is tomorrow's price (shift(-1)), not yesterday's":
                    np.sqrt(np.nanmean((series.shift(-1).loc[test].to_numpy() - actual) ** 2)),
            }
            hint = next((f" Hint: {h}." for h, v in hints.items() if abs(got - v) < 1e-6 * max(v, 1e-12)), "")
            raise _Failed(f"my_rmse[{ticker!r}] is {got:.4f}, expected {want:.4f} over {len(actual)} test days."
                          f"{hint}")
    first = next(iter(measured))
    shown = ", ".join(f"{t} {v:.3f}" for t, v in measured.items())
    return f"persistence RMSE {shown}.{_guess_line(guess, measured[first])}"


@_exercise("MASE")
def mase_function(my_mase: Any) -> str:
    """``my_mase(actual, forecast, train)`` against :func:`lstm_helpers.scaled_errors.mase`."""
    rng = np.random.default_rng(3)
    train = 100 + np.cumsum(rng.normal(0, 1, 400))
    actual = train[-1] + np.cumsum(rng.normal(0, 2, 60))
    forecast = actual + rng.normal(0.3, 1.5, 60)
    got = _number(_call(my_mase, "my_mase(actual, forecast, train)", actual.copy(), forecast.copy(), train.copy()),
                  "my_mase(actual, forecast, train)")
    want = mase(actual, forecast, naive_scale(train))
    if abs(got - want) > 1e-9 * want:
        error = np.abs(forecast - actual)
        hints = {
            "the scale comes from the test values; MASE scales by the training days' naive error":
                error.mean() / naive_scale(actual),
            "the scale is the mean price, not the mean absolute one-day change": error.mean() / np.mean(np.abs(train)),
            "the errors are squared; MASE averages absolute errors": np.mean(error**2) / naive_scale(train),
            "the scale uses the training days' changes without the absolute value":
                error.mean() / abs(np.mean(np.diff(train))),
        }
        hint = next((f" Hint: {h}." for h, v in hints.items() if abs(got - v) < 1e-9 * abs(v)), "")
        raise _Failed(f"my_mase gives {got:.6f}, expected {want:.6f} on a seeded example.{hint}")
    return f"matches mase(actual, forecast, naive_scale(train)) = {want:.4f} on a seeded example."


@_exercise("moving-average window sweep")
def sma_sweep(my_ticker: Any, my_sweep: Any, prices: Mapping[str, pd.DataFrame], split: Any, target: str) -> str:
    """An open experiment: ``my_sweep[N]``, the test RMSE of the N-day moving average on ``my_ticker``."""
    ticker = _answer(my_ticker, "my_ticker")
    if ticker not in prices:
        raise _Failed(f"my_ticker {ticker!r} is not one of the loaded stocks ({', '.join(prices)})")
    sweep = _mapping(my_sweep, "my_sweep", at_least=3)
    series = prices[ticker][target]
    test = slice(split.test_start, split.test_end)
    for window, got in sweep.items():
        if isinstance(window, bool) or not isinstance(window, numbers.Integral) or window < 1:
            raise _Failed(f"my_sweep's keys must be window lengths N >= 1 (whole numbers), got {window!r}")
        got = _number(got, f"my_sweep[{window}]")
        want = rmse(series.loc[test], simple_moving_average(series, int(window)).loc[test])
        if abs(got - want) > 1e-6 * want:
            raise _Failed(f"my_sweep[{window}] is {got:.4f}, expected {want:.4f} (the RMSE over the test days "
                          f"{split.test_start}..{split.test_end} only).")
    best = min(sweep, key=sweep.get)
    return f"{len(sweep)} windows on {ticker}; the best is N = {best} (RMSE {sweep[best]:.3f})."


# --------------------------------------------------------------------------
# The cell lesson
# --------------------------------------------------------------------------

_GATES = ("i", "f", "c", "o")


def _step_inputs(seed: int, N: int = 3, D: int = 2, H: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"x": rng.normal(size=(N, D)), "h": rng.normal(size=(N, H)) * 0.5, "c": rng.normal(size=(N, H)),
            "kernel": rng.normal(size=(D, 4 * H)), "recurrent_kernel": rng.normal(size=(H, 4 * H)) * 0.5,
            "bias": rng.normal(size=4 * H)}


def _permuted(a: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
    H = a.shape[-1] // 4
    return np.concatenate([a[..., k * H : (k + 1) * H] for k in order], axis=-1)


@_exercise("LSTM step forward")
def step_forward(my_lstm_step: Any) -> str:
    """``my_lstm_step(x, h, c, kernel, recurrent_kernel, bias) -> (h_next, c_next)`` against the package's step."""
    p = _step_inputs(seed=5)
    args = (p["x"], p["h"], p["c"], p["kernel"], p["recurrent_kernel"], p["bias"])
    out = _call(my_lstm_step, "my_lstm_step(x, h, c, kernel, recurrent_kernel, bias)", *(a.copy() for a in args))
    if not isinstance(out, tuple) or len(out) < 2:
        raise _Failed("my_lstm_step must return (h_next, c_next)")
    h_got, c_got = out[0], out[1]
    h_ref, c_ref, cache = lstm_step_forward(*args)
    wrong_order = {}
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3):
            w = [_permuted(a, order) for a in (p["kernel"], p["recurrent_kernel"], p["bias"])]
            wrong_order[order] = lstm_step_forward(p["x"], p["h"], p["c"], *w)
    block = slice(2 * p["h"].shape[1], 3 * p["h"].shape[1])  # the candidate's columns
    z_candidate = p["x"] @ p["kernel"][:, block] + p["h"] @ p["recurrent_kernel"][:, block] + p["bias"][block]
    c_sigmoid = cache["f"] * p["c"] + cache["i"] * sigmoid(z_candidate)
    o = cache["o"]

    def order_text(order: tuple[int, ...]) -> str:
        read = ", ".join(f"{gate} from block {order[k] + 1}" for k, gate in enumerate(_GATES) if order[k] != k)
        return f"the gate blocks are read in the wrong order ({read}); Keras's order is i, f, c (candidate), o"

    c_mistakes = {order_text(order): v[1] for order, v in wrong_order.items()}
    c_mistakes["the candidate C'_t goes through a sigmoid; it takes tanh (values in -1..1)"] = c_sigmoid
    _same(c_got, c_ref, "c_next (the cell state)", c_mistakes)
    h_mistakes = {"H_t = tanh(C_t) without the output gate (the report's formula): multiply by O_t":
                  np.tanh(c_ref),
                  "H_t = O_t * C_t: squash the cell state with tanh before the output gate": o * c_ref,
                  "H_t uses the previous cell state C_(t-1)": o * np.tanh(p["c"])}
    _same(h_got, h_ref, "h_next (the hidden state)", h_mistakes)
    return "h_next and c_next match lstm_step_forward on a seeded batch (N=3, D=2, H=4), to 1e-6."


_TOY = {"kernel": np.array([[6.0, 0.0, 2.0, 0.0]]), "recurrent_kernel": np.zeros((1, 4)),
        "bias": np.array([-3.0, 3.0, 0.0, 0.0])}


def toy_cell_states(bias: np.ndarray, pulse: bool = True, steps: int = 20) -> np.ndarray:
    """The cell state C_1..C_steps of the cell lesson's one-unit toy LSTM, with or without a pulse at t = 1.

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
        h, c, _ = lstm_step_forward(x, h, c, _TOY["kernel"], _TOY["recurrent_kernel"], bias)
        states.append(float(c[0, 0]))
    return np.array(states)


@_exercise("a pulse that lasts 20 steps")
def pulse_bias(my_gate: Any, my_bias: Any) -> str:
    """Predict-then-measure: which gate's bias keeps 90% of the toy's pulse after 20 steps, and what value."""
    gate = _answer(my_gate, "my_gate")
    bias_value = _number(my_bias, "my_bias")
    if gate not in _GATES:
        raise _Failed(f"my_gate must be one of {', '.join(repr(g) for g in _GATES)}, got {gate!r}")
    bias = _TOY["bias"].copy()
    bias[_GATES.index(gate)] = bias_value
    pulse = toy_cell_states(bias) - toy_cell_states(bias, pulse=False)  # what the pulse adds to C_t
    kept = pulse[-1] / pulse[0] if pulse[0] != 0 else 0.0
    measured = f"with the {gate} bias at {bias_value:g}, {kept:.1%} of the pulse is left at t = 20"
    if gate != "f":
        why = {"i": "the input gate decides what is written at t = 1, not how much of it stays",
               "c": "the candidate's bias changes what is written at every step, not how much of the pulse stays",
               "o": "the output gate changes what the cell shows (H_t), not what it keeps (C_t)"}[gate]
        raise _Failed(f"{measured}: {why}. Which gate multiplies C_(t-1) at every step?")
    if kept < 0.9:
        needed = np.log(0.9 ** (1 / 19) / (1 - 0.9 ** (1 / 19)))
        raise _Failed(f"{measured}: it fades below 90%. The right gate; raise its bias "
                      f"(the pulse is multiplied by f at each of 19 steps, so f must be at least 0.9^(1/19): "
                      f"b >= {needed:.2f}).")
    return f"{measured}: the forget gate keeps the pulse (f = σ({bias_value:g}) = {sigmoid(bias_value):.4f})."


@_exercise("gates on a window of your choice")
def gate_means(my_window: Any, my_gate_means: Any, params: Mapping[str, np.ndarray], X: np.ndarray) -> str:
    """An open experiment: the mean of each gate over one window ``X[my_window]`` of the trained cell."""
    from lstm_helpers.gate_analysis import gate_trace

    k = _answer(my_window, "my_window")
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 0 <= k < len(X):
        raise _Failed(f"my_window must be a window number from 0 to {len(X) - 1}, got {k!r}")
    means = _mapping(my_gate_means, "my_gate_means", at_least=3)
    trace = gate_trace(params, X[int(k)])
    for gate in ("i", "f", "o"):
        if gate not in means:
            raise _Failed(f"my_gate_means has no entry {gate!r}; give the input, forget and output gates")
        got = _number(means[gate], f"my_gate_means[{gate!r}]")
        want = float(trace[gate].mean())
        if abs(got - want) > 1e-6:
            hint = " Gates are sigmoids: their values lie between 0 and 1." if not 0 <= got <= 1 else ""
            raise _Failed(f"my_gate_means[{gate!r}] is {got:.4f}, expected {want:.4f} (the mean over every step "
                          f"and unit of gate_trace(params, X[{k}])[{gate!r}]).{hint}")
    return f"window {k}: input {means['i']:.3f}, forget {means['f']:.3f}, output {means['o']:.3f}, as gate_trace gives."


# --------------------------------------------------------------------------
# The learning lesson
# --------------------------------------------------------------------------

_GRAD_KEYS = ("x", "h_prev", "c_prev", "kernel", "recurrent_kernel", "bias")


@_exercise("LSTM step backward")
def step_backward(my_step_backward: Any) -> str:
    """``my_step_backward(dh, dc, cache) -> dict`` against :func:`lstm_helpers.numpy_lstm.lstm_step_backward`."""
    p = _step_inputs(seed=8)
    _, _, cache = lstm_step_forward(p["x"], p["h"], p["c"], p["kernel"], p["recurrent_kernel"], p["bias"])
    rng = np.random.default_rng(9)
    dh, dc = rng.normal(size=p["h"].shape), rng.normal(size=p["h"].shape)
    got = _call(my_step_backward, "my_step_backward(dh, dc, cache)", dh.copy(), dc.copy(),
                {k: v.copy() for k, v in cache.items()})
    if not isinstance(got, Mapping):
        raise _Failed(f"my_step_backward must return a dict with keys {', '.join(_GRAD_KEYS)}")
    want = lstm_step_backward(dh, dc, cache)
    H = dh.shape[1]
    for key in _GRAD_KEYS:
        if key not in got:
            raise _Failed(f"the returned dict has no gradient {key!r}")
        g = _array(got[key], f"gradient {key!r}")
        if g.shape != want[key].shape:
            raise _Failed(f"gradient {key!r} has shape {g.shape}, expected {want[key].shape}")
        if key in ("kernel", "recurrent_kernel", "bias"):
            for k, gate in enumerate(_GATES):
                block = (slice(None),) * (g.ndim - 1) + (slice(k * H, (k + 1) * H),)
                if not np.allclose(g[block], want[key][block], rtol=1e-6, atol=1e-9):
                    diff = float(np.max(np.abs(g[block] - want[key][block])))
                    raise _Failed(f"gradient {key!r}: the {gate} block (columns {k * H}..{(k + 1) * H - 1}) is "
                                  f"off by up to {diff:.3g}; follow dz for gate {gate} back through its activation")
        hint = {"c_prev": " dC_(t-1) = dC_t * f, where dC_t includes both the gradient from later steps "
                          "and the part through H_t = O_t tanh(C_t)."}.get(key, "")
        try:
            _same(g, want[key], f"gradient {key!r}")
        except _Failed as why:
            raise _Failed(f"{why}{hint}") from None
    return "all six gradients match lstm_step_backward on a seeded step (N=3, D=2, H=4), gate by gate."


@_exercise("numerical gradient")
def numerical_gradient_check(my_numerical_gradient: Any) -> str:
    """``my_numerical_gradient(f, array, eps)``: centred differences, against the exact gradient."""
    rng = np.random.default_rng(4)
    a = rng.normal(size=(3, 4))
    before = a.copy()

    def f() -> float:
        return float(np.sum(np.sin(3 * a) * a**2))

    exact = 3 * np.cos(3 * a) * a**2 + 2 * a * np.sin(3 * a)
    got = _call(my_numerical_gradient, "my_numerical_gradient(f, array, 1e-5)", f, a, 1e-5)
    changed = np.flatnonzero(a != before)
    if len(changed):
        raise _Failed(f"after my_numerical_gradient, array is changed at {len(changed)} position(s) (first "
                      f"{np.unravel_index(changed[0], a.shape)}): put each nudged value back before the next")
    got = _array(got, "my_numerical_gradient(f, array, 1e-5)")
    if got.shape != a.shape:
        raise _Failed(f"the gradient has shape {got.shape}, expected the array's shape {a.shape}")
    error = float(np.max(np.abs(got - exact)) / np.max(np.abs(exact)))  # relative to the gradient's size
    if error > 1e-7:
        one_sided = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + 1e-5
            up = f()
            a[idx] = old
            one_sided[idx] = (up - f()) / 1e-5
        hint = ""
        if np.allclose(got, 2 * exact, rtol=1e-6):
            hint = " It is twice the gradient: divide by 2 eps, the distance between a + eps and a - eps."
        elif np.allclose(got, one_sided, rtol=1e-6):
            hint = (" That is the one-sided difference (f(a + eps) - f(a)) / eps, whose error shrinks only like "
                    "eps; the centred (f(a + eps) - f(a - eps)) / (2 eps) shrinks like eps².")
        raise _Failed(f"largest error against the exact gradient: {error:.2g} of the gradient's largest entry "
                      f"(a centred difference gets below 1e-7).{hint}")
    reference = numerical_gradient(f, a, 1e-5)
    return (f"largest error {error:.1e}, relative to the gradient's largest entry (the package's "
            f"numerical_gradient: {np.max(np.abs(reference - exact)) / np.max(np.abs(exact)):.1e}); array left "
            "unchanged.")


@_exercise("forget-bias sweep")
def forget_bias_sweep(my_ratios: Any, x_window: np.ndarray, units: int) -> str:
    """An open experiment: ``my_ratios[b]`` = ||dL/dx_1|| / ||dL/dx_T|| for seed 0 and forget bias b."""
    ratios = _mapping(my_ratios, "my_ratios", at_least=3)
    for b, got in ratios.items():
        b = _number(b, "a key of my_ratios (a forget bias)")
        got = _number(got, f"my_ratios[{b:g}]")
        params = init_lstm_params(1, units, 0)
        params["bias"][units : 2 * units] = b
        norms = input_gradient_norms("lstm", params, x_window)
        want = float(norms[0] / norms[-1])
        if abs(got - want) > 1e-6 * want:
            hint = " Oldest first: divide the first step's norm by the last's." if abs(got * want - 1) < 1e-6 else ""
            raise _Failed(f"my_ratios[{b:g}] is {got:.4g}, expected {want:.4g} (lstm_with(0, {b:g}) on "
                          f"x_window).{hint}")
    shown = ", ".join(f"b={b:g}: {r:.3g}" for b, r in sorted(ratios.items()))
    return f"{len(ratios)} biases measured ({shown})."


# --------------------------------------------------------------------------
# The memory lesson
# --------------------------------------------------------------------------


@_exercise("the answer without memory")
def constant_answer_mse(my_mse: Any, y_test: np.ndarray, guess: Any = None) -> str:
    """``my_mse``: the test MSE of always answering 1 on the adding problem's targets ``y_test``."""
    got = _number(my_mse, "my_mse")
    y = np.asarray(y_test, dtype=float)
    want = float(np.mean((y - 1.0) ** 2))
    if abs(got - want) > 1e-6:
        hints = {"that is the mean absolute error; square the errors": np.mean(np.abs(y - 1.0)),
                 "that is the error of answering 0, not 1": np.mean(y**2),
                 "the errors are averaged without squaring (positive and negative cancel)": np.mean(y - 1.0)}
        hint = next((f" Hint: {h}." for h, v in hints.items() if abs(got - v) < 1e-6), "")
        raise _Failed(f"my_mse is {got:.4f}, expected {want:.4f} on the {len(y)} test sequences.{hint}")
    return (f"MSE {want:.4f} on {len(y)} sequences (in expectation 2/12 = {CONSTANT_MSE:.4f})."
            f"{_guess_line(guess, want)}")


@_exercise("adding-problem targets")
def adding_targets(my_adding_targets: Any) -> str:
    """``my_adding_targets(X) -> y`` against the targets :func:`lstm_helpers.memory_task.adding_problem` draws."""
    X, y = adding_problem(50, 20, seed=7)
    got = _call(my_adding_targets, "my_adding_targets(X)", X.copy())
    first = np.array([row[np.flatnonzero(marks)[0]] for row, marks in zip(X[:, :, 0], X[:, :, 1], strict=True)])
    mistakes = {"the sum of all values, not only the two marked ones": X[:, :, 0].sum(axis=1),
                "the sum of the markers, not of the marked values": X[:, :, 1].sum(axis=1),
                "only the first marked value; the target adds both": first}
    _same(np.ravel(_array(got, "my_adding_targets(X)")), y, "my_adding_targets(X)", mistakes, rtol=1e-5)
    return "the targets of 50 seeded sequences (T = 20) match adding_problem's."


@_exercise("longest delay solved")
def longest_solved(my_threshold: Any, my_longest: Any, runs: list) -> str:
    """An open experiment: per cell, the longest delay T whose mean test MSE (Keras's initialisation) is below ``my_threshold``."""
    threshold = _number(my_threshold, "my_threshold")
    if not 0 < threshold < CONSTANT_MSE:
        raise _Failed(f"my_threshold must lie between 0 and the constant answer's {CONSTANT_MSE:.4f}, got {threshold:g}")
    answers = _mapping(my_longest, "my_longest")
    mses: dict[str, dict[int, list[float]]] = {}
    for r in runs:
        if r.forget_bias is None:  # Keras's default initialisation; the bias sweep is another question
            mses.setdefault(r.cell, {}).setdefault(int(r.delay), []).append(float(r.test_mse))
    for cell, by_delay in mses.items():
        if cell not in answers:
            raise _Failed(f"my_longest has no entry for {cell!r} (the cells are {', '.join(mses)})")
        solved = [T for T, values in by_delay.items() if np.mean(values) < threshold]
        want = max(solved) if solved else None
        if answers[cell] != want:
            raise _Failed(f"my_longest[{cell!r}] is {answers[cell]!r}, expected {want!r}: the longest T whose mean "
                          f"test MSE over the seeds is below {threshold:g} (None if no T is). Mean MSE per T: "
                          + ", ".join(f"{T}: {np.mean(v):.4f}" for T, v in sorted(by_delay.items())))
    shown = ", ".join(f"{cell} {T}" for cell, T in answers.items() if cell in mses)
    return f"below an MSE of {threshold:.4g}, the longest delays solved are: {shown}."


# --------------------------------------------------------------------------
# The Keras lesson
# --------------------------------------------------------------------------


@_exercise("leakage-free windows")
def leak_free_windows(my_windows: Any) -> str:
    """``my_windows(series, train_end, test_start, test_end, window)`` against :func:`report_windows`."""
    from sklearn.preprocessing import MinMaxScaler

    series = _walk(1000, seed=21, start="2013-06-03")
    window = 10
    where = f"my_windows(series, '2016', '2017', '2017', {window})"
    out = _call(my_windows, where, series.copy(), "2016", "2017", "2017", window)
    if not isinstance(out, tuple) or len(out) != 4:
        raise _Failed(f"{where} must return four arrays (X_train, y_train, X_test, y_test)")
    ref = report_windows(series, "2016", "2017", "2017", window=window)
    expected = (ref.X_train, ref.y_train, ref.X_test, ref.y_test)
    values = series.loc[:"2017"].to_numpy().reshape(-1, 1)
    n_train = len(ref.y_train)

    def parts(scaled: np.ndarray, lag: int = 0) -> tuple[np.ndarray, ...]:
        X, y = sliding_windows(scaled, window)
        if lag:  # the target taken `lag` days early
            y = scaled[window - lag : len(scaled) - lag]
        return X[:n_train], y[:n_train], X[n_train:], y[n_train:]

    leaky = parts(MinMaxScaler().fit(values).transform(values).ravel())
    off_by_one = parts(ref.scaler.transform(values).ravel(), lag=1)
    names = ("X_train", "y_train", "X_test", "y_test")
    for k, (name, got, want) in enumerate(zip(names, out, expected, strict=True)):
        got = _array(got, name)
        if got.size == want.size and got.shape != want.shape:
            got = got.reshape(want.shape)  # (n, window) for (n, window, 1) is fine
        if name == "X_test" and len(got) == len(want) - window:
            raise _Failed(f"X_test has {len(got)} windows, expected {len(want)}: the first test days need "
                          f"windows that start in the training period (the last {window} training days)")
        mistakes = {"the scaler was fitted on all years, test included: fit it on the training days only":
                    leaky[k],
                    "off by one: the target is the window's own last day, not the day after it": off_by_one[k]}
        _same(got, want, name, mistakes)
    return (f"X_train {ref.X_train.shape}, y_train, X_test {ref.X_test.shape} and y_test match report_windows "
            "(scaler fitted on the training days only).")


@_exercise("GRU parameters")
def gru_params(my_gru_params: Any) -> str:
    """``my_gru_params(D, H)`` against Keras's ``count_params`` of ``keras.layers.GRU(H)`` on D features."""
    from lstm_helpers.tf_quiet import keras

    for D, H in ((1, 37), (3, 8), (50, 50)):
        got = _answer(_call(my_gru_params, f"my_gru_params({D}, {H})", D, H), f"my_gru_params({D}, {H})")
        layer = keras.layers.GRU(H)
        layer.build((None, 5, D))
        want = layer.count_params()
        if got != want:
            hints = {4 * (D * H + H * H + H): "that is the LSTM's count: a GRU has three blocks (update, reset, "
                                              "candidate), not four",
                     3 * (D * H + H * H + H): "one bias vector short: Keras's GRU (reset_after=True) keeps "
                                              "separate biases for the input and the recurrent part",
                     3 * (D * H + H * H): "the biases are missing"}
            hint = f" Hint: {hints[got]}." if got in hints else ""
            raise _Failed(f"my_gru_params({D}, {H}) is {got}, Keras counts {want}.{hint}")
    return "matches Keras's count_params for GRU(37) on 1 feature, GRU(8) on 3 and GRU(50) on 50."


@_exercise("forecast against shifted prices")
def shift_rmse(my_shift_rmse: Any, forecast: np.ndarray, series: pd.Series, test_dates: pd.DatetimeIndex) -> str:
    """An open experiment: ``my_shift_rmse[k]``, the RMSE of ``forecast`` against the price k trading days earlier."""
    shifts = _mapping(my_shift_rmse, "my_shift_rmse", at_least=3)
    forecast = np.asarray(forecast, dtype=float)
    for k, got in shifts.items():
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 0 <= k <= 10:
            raise _Failed(f"my_shift_rmse's keys must be shifts k from 0 to 10 (whole numbers), got {k!r}")
        got = _number(got, f"my_shift_rmse[{k}]")
        want = rmse(series.shift(int(k)).loc[test_dates].to_numpy(), forecast)
        if abs(got - want) > 1e-6 * want:
            hint = ""
            later = series.shift(-int(k)).loc[test_dates].to_numpy()
            if k and abs(got - np.sqrt(np.nanmean((later - forecast) ** 2))) < 1e-6 * want:
                hint = " You compared with the price k days later; shift the other way (series.shift(k))."
            raise _Failed(f"my_shift_rmse[{k}] is {got:.4f}, expected {want:.4f}.{hint}")
    best = min(shifts, key=shifts.get)
    return (f"{len(shifts)} shifts measured; of these, the forecast is closest to the price {best} trading day(s) "
            "earlier.")


# --------------------------------------------------------------------------
# The experiments lesson
# --------------------------------------------------------------------------


@_exercise("Diebold-Mariano statistic")
def dm_statistic(my_dm: Any) -> str:
    """``my_dm(actual, forecast_a, forecast_b) -> (statistic, p_value)`` against the package's test."""
    from scipy import stats

    rng = np.random.default_rng(12)
    actual = 50 + np.cumsum(rng.normal(0, 1, 40))
    fa, fb = actual + rng.normal(0.2, 1.0, 40), actual + rng.normal(0, 1.3, 40)
    out = _call(my_dm, "my_dm(actual, forecast_a, forecast_b)", actual.copy(), fa.copy(), fb.copy())
    if not isinstance(out, tuple | list) or len(out) < 2:
        raise _Failed("my_dm must return (statistic, p_value)")
    stat, p = _number(out[0], "the statistic"), _number(out[1], "the p-value")
    ref = diebold_mariano(actual, fa, fb)
    if abs(stat - ref.statistic) > 1e-6 * abs(ref.statistic):
        d = (fa - actual) ** 2 - (fb - actual) ** 2
        n = len(d)
        hints = {
            "the sign is flipped: d = loss of forecast_a minus loss of forecast_b": -ref.statistic,
            "absolute errors instead of squared ones": diebold_mariano(actual, fa, fb, loss="absolute").statistic,
            "the variance uses ddof=0 (divide by n): the small-sample (HLN) statistic equals the t-statistic "
            "with ddof=1": d.mean() / np.sqrt(d.var() / n),
            "the mean of d is divided by its standard deviation, not by the standard error std / sqrt(n)":
                d.mean() / d.std(ddof=1),
        }
        hint = next((f" Hint: {h}." for h, v in hints.items() if abs(stat - v) < 1e-6 * abs(v)), "")
        raise _Failed(f"the statistic is {stat:.6f}, expected {ref.statistic:.6f} on a seeded example (n = 40).{hint}")
    if abs(p - ref.p_value) > 1e-6:
        hint = ""
        if abs(p - 2 * stats.norm.sf(abs(ref.statistic))) < 1e-6:
            hint = " That is the normal distribution's p-value; use Student's t with n - 1 degrees of freedom."
        elif abs(p - ref.p_value / 2) < 1e-6:
            hint = " That is one-sided; the test is two-sided."
        raise _Failed(f"the p-value is {p:.6f}, expected {ref.p_value:.6f}.{hint}")
    return f"statistic {ref.statistic:.4f} and p-value {ref.p_value:.4f} match diebold_mariano (n = 40)."


@_exercise("runs that beat persistence")
def significant_wins(my_count: Any, runs: pd.DataFrame, guess: Any = None) -> str:
    """``my_count``: how many runs are significantly *better* than persistence (p < 0.05, negative statistic)."""
    got = _number(my_count, "my_count")
    significant = runs["dm_p"] < 0.05
    better = runs["dm_vs_persistence"] < 0
    want = int((significant & better).sum())
    if got != want:
        hints = {int(better.sum()): "you counted every run with a lower loss, significant or not",
                 int(significant.sum()): "you counted every significant run, also those significantly worse: "
                                         "keep only a negative statistic (lower loss than persistence)"}
        hint = f" Hint: {hints[int(got)]}." if int(got) in hints and got == int(got) else ""
        raise _Failed(f"my_count is {got:g}, expected {want} of {len(runs)} runs.{hint}")
    line = f" You guessed {guess!r}." if guess is not None else ""
    return f"{want} of {len(runs)} runs beat persistence at the 5% level.{line}"


@_exercise("spread over seeds")
def seed_spread(my_model: Any, my_spread: Any, runs: pd.DataFrame) -> str:
    """An open experiment: ``my_spread[ticker] = (mean, std)`` of one model's RMSE over the seeds."""
    model = _answer(my_model, "my_model")
    if model not in set(runs["model"]):
        raise _Failed(f"my_model {model!r} is not a model of the comparison ({', '.join(sorted(set(runs['model'])))})")
    spread = _mapping(my_spread, "my_spread")
    rows = runs[runs["model"] == model].groupby("ticker")["rmse"]
    for ticker, values in rows:
        if ticker not in spread:
            raise _Failed(f"my_spread has no entry for {ticker}")
        pair = spread[ticker]
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise _Failed(f"my_spread[{ticker!r}] must be a pair (mean, std)")
        mean, std = _number(pair[0], f"the mean of {ticker}"), _answer(pair[1], f"the std of {ticker}")
        if abs(mean - values.mean()) > 1e-6:
            raise _Failed(f"my_spread[{ticker!r}] mean is {mean:.4f}, expected {values.mean():.4f}")
        want = values.std()  # ddof=1: the sample standard deviation
        if len(values) > 1 and abs(float(std) - want) > 1e-6:
            hint = (" That is np.std's ddof=0; over a few seeds use the sample std (ddof=1)."
                    if abs(float(std) - values.std(ddof=0)) < 1e-9 else "")
            raise _Failed(f"my_spread[{ticker!r}] std is {float(std):.4f}, expected {want:.4f}.{hint}")
    shown = ", ".join(f"{t} {v.mean():.3f} ± {v.std():.3f}" if len(v) > 1 else f"{t} {v.mean():.3f} (one seed: no std)"
                      for t, v in rows)
    return f"{model}, RMSE mean ± std over the seeds: {shown}."


# --------------------------------------------------------------------------
# The literature and walk-forward lesson
# --------------------------------------------------------------------------


@_exercise("chronological 75:25 split")
def chronological_split(my_fraction_split: Any) -> str:
    """``my_fraction_split(X, y, fraction) -> (X_train, y_train, X_test, y_test)``, in time order."""
    rng = np.random.default_rng(6)
    n = 203
    X = np.cumsum(rng.normal(size=(n, 5)), axis=0)
    y = np.arange(n, dtype=float)  # y[k] = k: the position of each window in time
    where = "my_fraction_split(X, y, 0.75)"
    out = _call(my_fraction_split, where, X.copy(), y.copy(), 0.75)
    if not isinstance(out, tuple | list) or len(out) != 4:
        raise _Failed(f"{where} must return (X_train, y_train, X_test, y_test)")
    X_train, y_train, X_test, y_test = (_array(a, name) for a, name in zip(out, ("X_train", "y_train", "X_test", "y_test"), strict=True))
    cut = int(np.floor(0.75 * n))
    if len(y_train) and len(y_test) and y_test.min() < y_train.max():
        early = int(np.sum(y_test < y_train.max()))
        raise _Failed(f"{early} test windows come before the last training window: the split is shuffled. "
                      "Overlapping windows then put nearly the same days in both parts; keep time order")
    if len(y_train) != cut:
        raise _Failed(f"the training part has {len(y_train)} windows, expected floor(0.75 * {n}) = {cut}")
    _same(y_train, y[:cut], "y_train")
    _same(y_test, y[cut:], "y_test")
    _same(X_train, X[:cut], "X_train")
    _same(X_test, X[cut:], "X_test")
    return f"the first {cut} of {n} windows train, the last {n - cut} test, in time order."


@_exercise("rising days per fold")
def fold_up_shares(my_ticker: Any, my_up_shares: Any, prices: Mapping[str, pd.DataFrame], target: str) -> str:
    """An open experiment: ``my_up_shares[year]``, the share of that year's moving days whose target rose."""
    ticker = _answer(my_ticker, "my_ticker")
    if ticker not in prices:
        raise _Failed(f"my_ticker {ticker!r} is not one of the loaded stocks ({', '.join(prices)})")
    shares = _mapping(my_up_shares, "my_up_shares", at_least=2)
    series = prices[ticker][target]
    for year, got in shares.items():
        got = _number(got, f"my_up_shares[{year!r}]")
        try:
            data = variant_windows(series, "relative", train_end=str(int(year) - 1), test_start=str(year),
                                   test_end=str(year))
        except ValueError as err:
            raise _Failed(f"year {year!r} does not fit {ticker}'s data: {err}") from None
        moved, want = constant_directions(data.test_actual, data.test_previous)
        if abs(got - want) > 1e-9:
            y = series.loc[str(year)].to_numpy()
            prev = series.shift(1).loc[str(year)].to_numpy()
            hint = ""
            if abs(got - float(np.mean(y >= prev))) < 1e-9:
                hint = " Days with an unchanged price count as up in yours; leave them out."
            elif abs(got - float(np.mean(y > prev))) < 1e-9:
                hint = " Days with an unchanged price count as 'not up' in yours; leave them out of the share."
            raise _Failed(f"my_up_shares[{year!r}] is {got:.4f}, expected {want:.4f} ({moved} days with a move; "
                          f"the first day of the year compares with the last day of the year before).{hint}")
    shown = ", ".join(f"{y}: {s:.1%}" for y, s in sorted(shares.items()))
    return f"{ticker}: {shown}; always answering 'up' scores exactly these shares."


# --------------------------------------------------------------------------
# The multi-step lesson
# --------------------------------------------------------------------------


def _toy_step(X: np.ndarray) -> np.ndarray:
    """A one-step "model" for the recursive check: it reads the oldest, the newest and the mean of the window."""
    X = np.asarray(X, dtype=float)[:, :, 0]
    return 0.3 * X[:, 0] - 0.2 * X[:, -5:].mean(axis=1) + 0.05 * X.shape[1] / 10.0 + 0.1


@_exercise("the recursive forecast")
def recursive_loop(my_recursive: Any) -> str:
    """``my_recursive(step, history, horizon, scale) -> (n, horizon)`` against :func:`multi_step.recursive_paths`."""
    from lstm_helpers.multi_step import _relative, recursive_paths

    rng = np.random.default_rng(8)
    history = 40 * np.exp(np.cumsum(rng.normal(0, 0.01, (6, 10)), axis=1))
    scale, horizon = 0.01, 7
    where = "my_recursive(step, history, 7, 0.01)"
    got = _call(my_recursive, where, _toy_step, history.copy(), horizon, scale)
    expected = recursive_paths(_toy_step, history, horizon, scale)

    def one_window_only() -> np.ndarray:  # every step reads the origin's window: the forecast never fed back
        change = _toy_step(_relative(history, scale))
        return history[:, -1:] * (1 + change[:, None] * scale) ** np.arange(1, horizon + 1)

    def not_compounded() -> np.ndarray:  # each step's change applied to the origin's price, not the newest
        window, out = history.copy(), np.empty((len(history), horizon))
        for h in range(horizon):
            out[:, h] = history[:, -1] * (1 + _toy_step(_relative(window, scale)) * scale)
            window = np.concatenate([window[:, 1:], out[:, h:h + 1]], axis=1)
        return out

    def growing_window() -> np.ndarray:  # the newest forecast appended, the oldest price never dropped
        window, out = history.copy(), np.empty((len(history), horizon))
        for h in range(horizon):
            out[:, h] = window[:, -1] * (1 + _toy_step(_relative(window, scale)) * scale)
            window = np.concatenate([window, out[:, h:h + 1]], axis=1)
        return out

    mistakes = {"the window never changes: each forecast must be appended as the newest price": one_window_only(),
                "each step's change is applied to the origin's price; apply it to the newest price in the window":
                    not_compounded(),
                "the window grows: drop the oldest price when you append the forecast": growing_window()}
    _same(got, expected, where, mistakes)
    return f"{horizon} days rolled forward for {len(history)} windows, equal to the package's recursive_paths."


@_exercise("persistence's error by horizon")
def horizon_growth(my_ratio: Any, actual: np.ndarray, origin_price: np.ndarray, horizon: int,
                   guess: Any = None) -> str:
    """``my_ratio``: persistence's RMSE at ``horizon`` over its RMSE at 1 day, measured on the test origins."""
    from lstm_helpers.multi_step import horizon_rmse

    got = _number(my_ratio, "my_ratio")
    persistence = np.repeat(np.asarray(origin_price, dtype=float)[:, None], np.shape(actual)[1], axis=1)
    errors = horizon_rmse(actual, persistence)
    want = errors[horizon - 1] / errors[0]
    if abs(got - want) > 1e-6 * want:
        hints = {f"that is sqrt({horizon}), the random walk's prediction: measure it instead": np.sqrt(horizon),
                 "that is the ratio of the RMSE at 1 day to the RMSE at h: turn it over": 1 / want,
                 "that is the ratio of mean squared errors: take the square root": want**2}
        hint = next((f" Hint: {h}." for h, v in hints.items() if abs(got - v) < 1e-6 * v), "")
        raise _Failed(f"my_ratio is {got:.4f}, expected {want:.4f} (RMSE {errors[horizon - 1]:.3f} at {horizon} days "
                      f"over {errors[0]:.3f} at 1 day).{hint}")
    return (f"persistence's RMSE grows {want:.2f}-fold from 1 to {horizon} days; a random walk's would grow "
            f"sqrt({horizon}) = {np.sqrt(horizon):.2f}-fold.{_guess_line(guess, want)}")


@_exercise("the best strategy at your horizon")
def best_strategy(my_horizon: Any, my_best: Any, by_horizon: pd.DataFrame) -> str:
    """An open experiment: ``my_best[ticker]``, the strategy with the lowest mean RMSE ratio at ``my_horizon``."""
    h = _answer(my_horizon, "my_horizon")
    if isinstance(h, bool) or not isinstance(h, numbers.Integral):
        raise _Failed(f"my_horizon must be a whole number of days, got {type(h).__name__} {h!r}")
    horizons = sorted(set(by_horizon["h"]))
    if h not in horizons:
        raise _Failed(f"my_horizon {h} is not a scored horizon ({horizons[0]}..{horizons[-1]})")
    best = _mapping(my_best, "my_best")
    means = by_horizon[by_horizon["h"] == h].groupby(["ticker", "strategy"], sort=False)["ratio"].mean()
    lines = []
    for ticker in dict.fromkeys(by_horizon["ticker"]):
        if ticker not in best:
            raise _Failed(f"my_best has no entry for {ticker}")
        ratios = means.loc[ticker]
        want = ratios.idxmin()
        if best[ticker] != want:
            if best[ticker] not in ratios.index:
                raise _Failed(f"my_best[{ticker!r}] is {best[ticker]!r}, not a strategy scored at h = {h} "
                              f"({', '.join(ratios.index)})")
            raise _Failed(f"my_best[{ticker!r}] is {best[ticker]!r} (mean ratio {ratios[best[ticker]]:.3f}); "
                          f"{want!r} is lower ({ratios[want]:.3f}). Average over the seeds before you compare.")
        lines.append(f"{ticker} {want} ({ratios[want]:.3f})")
    return f"at h = {h}, the lowest mean RMSE / persistence: {', '.join(lines)}."
