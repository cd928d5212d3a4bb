"""The checks of the gates-today lesson: each passes on right answers (the package's
own functions, other ways of writing them, float32), says "not done yet" on the
placeholder, and fails on every typical mistake it names, with its sentence."""

import numpy as np
import pandas as pd
import pytest
from conftest import fails, not_done, passes

from lstm_helpers import checks
from lstm_helpers.checks.gates_today import _failure_table, _first_failure
from lstm_helpers.numpy_lstm import min_rnn


def one_line(result):
    """A check's line: one line, with no NumPy type names in it."""
    text = str(result)
    assert "\n" not in text and "np.int64" not in text and "np.float64" not in text
    return result


def raises(*args):
    return 1 / 0


def stub(*args):
    raise NotImplementedError


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------- the minLSTM step


def learner_step(x, h, params, dtype=np.float64, mistake=None):
    """A learner's minLSTM step, written from the equations (in ``dtype``), with one
    planted mistake."""
    x, h = x.astype(dtype), h.astype(dtype)
    p = {k: v.astype(dtype) for k, v in params.items()}
    f = sig(x @ p["W_f"] + p["b_f"])
    i = sig(x @ p["W_i"] + p["b_i"])
    candidate = x @ p["W_h"] + p["b_h"]
    if mistake == "tanh":
        candidate = np.tanh(candidate)
    if mistake != "not normalised":
        f, i = f / (f + i), i / (f + i)
    if mistake == "sigmoid again":
        f, i = sig(f), sig(i)
    if mistake == "swapped":
        f, i = i, f
    return f * h + i * candidate


def test_min_lstm_step_passes_on_right_answers():
    one_line(passes(checks.min_lstm_step(min_rnn.min_lstm_step)))
    passes(checks.min_lstm_step(learner_step))
    passes(
        checks.min_lstm_step(
            lambda x, h, p: (
                min_rnn.min_lstm_gates(x, p)[0] * h + min_rnn.min_lstm_gates(x, p)[1]
            )
        )
    )
    # a right answer held in float32 (computed in float32 throughout) is a right answer
    out = passes(
        checks.min_lstm_step(lambda x, h, p: learner_step(x, h, p, np.float32))
    )
    assert "N=3, D=4, H=5" in out.message


def test_min_lstm_step_not_done():
    not_done(checks.min_lstm_step(None))
    not_done(checks.min_lstm_step(stub))


@pytest.mark.parametrize(
    ("mistake", "phrase"),
    [
        ("not normalised", "the gates are not normalised"),
        ("swapped", "f' and i' are swapped"),
        ("tanh", "the candidate goes through tanh"),
        ("sigmoid again", "a sigmoid is applied again to the normalised gates"),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_min_lstm_step_names_each_mistake(mistake, phrase, dtype):
    result = checks.min_lstm_step(lambda x, h, p: learner_step(x, h, p, dtype, mistake))
    one_line(fails(result, "h_next differs from the reference", phrase))


def test_min_lstm_step_refuses_bad_answers():
    fails(checks.min_lstm_step(raises), "raised ZeroDivisionError")
    fails(checks.min_lstm_step(lambda *a: None), "returned None", "return")
    fails(checks.min_lstm_step(42), "must be a function")
    fails(
        checks.min_lstm_step(
            lambda x, h, p: min_rnn.min_lstm_step(x, h, p).astype(np.float16)
        ),
        "float16",
        "float32 or float64",
    )
    fails(checks.min_lstm_step(lambda x, h, p: h), "h_next differs")
    fails(checks.min_lstm_step(lambda x, h, p: h[:, :4]), "shape (3, 4)")
    fails(checks.min_lstm_step(lambda x, h, p: "h"), "text")
    spoiled = lambda x, h, p: np.where(  # noqa: E731
        np.arange(5) == 2, np.nan, min_rnn.min_lstm_step(x, h, p)
    )
    fails(checks.min_lstm_step(spoiled), "nan")


# ---------------------------------------------------------------- the scan


def parallel(a, b, h0, axis=1):
    """The learner's scan by a cumulative product and sum (over ``axis``)."""
    A = np.cumprod(a, axis=axis)
    return A * (h0[:, None, :] + np.cumsum(b / A, axis=axis))


def log_space(a, b, h0):
    """The learner's scan in log space, for positive and negative ``b`` alike (a
    complex logarithm keeps the sign)."""
    s = np.cumsum(np.log(a), axis=1)
    terms = np.concatenate([h0[:, None, :], b], axis=1).astype(complex)
    shift = np.concatenate([np.zeros_like(h0)[:, None, :], s], axis=1)
    total = np.cumsum(np.exp(np.log(terms) - shift), axis=1)[:, 1:]
    return (np.exp(s) * total).real


def test_scan_passes_on_right_answers():
    one_line(passes(checks.scan(min_rnn.scan_loop)))
    passes(checks.scan(min_rnn.scan_parallel))
    passes(checks.scan(min_rnn.scan_log))
    passes(checks.scan(parallel))
    passes(checks.scan(log_space))

    # float32 throughout: the cumulative product of 50 gates in (0.5, 1) still holds
    def parallel32(a, b, h0):
        return parallel(*(v.astype(np.float32) for v in (a, b, h0)))

    assert parallel32(*[np.ones((1, 2, 1))] * 2, np.ones((1, 1))).dtype == np.float32
    passes(checks.scan(parallel32))
    passes(checks.scan(lambda a, b, h0: min_rnn.scan_log(a, b, h0).astype("float32")))


def test_scan_not_done():
    not_done(checks.scan(None))
    not_done(checks.scan(stub))


@pytest.mark.parametrize(
    ("wrong", "phrase"),
    [
        (lambda a, b, h0: parallel(a, b, 0 * h0), "h0 is left out"),
        (
            lambda a, b, h0: np.concatenate(
                [h0[:, None, :], parallel(a, b, h0)[:, :-1]], axis=1
            ),
            "the states are shifted by one step",
        ),
        (
            lambda a, b, h0: (
                np.cumprod(a, axis=1)
                * (
                    h0[:, None, :]
                    + np.cumsum(b / np.cumprod(a, axis=1), axis=1)
                    - b / np.cumprod(a, axis=1)
                )
            ),
            "leaves out each step's own b_t",
        ),
        (lambda a, b, h0: parallel(b, a, h0), "a and b are swapped"),
        (
            lambda a, b, h0: parallel(a, b, h0, axis=2),
            "run along the last axis (the units)",
        ),
        (lambda a, b, h0: parallel(a, b, h0, axis=0), "run along axis 0 (the batch)"),
    ],
)
def test_scan_names_each_mistake(wrong, phrase):
    one_line(fails(checks.scan(wrong), "differs from the reference", phrase))
    # the same mistake in float32 is still named
    fails(
        checks.scan(lambda a, b, h0: wrong(a, b, h0).astype(np.float32)),
        phrase,
    )


def test_scan_says_what_shape_to_return():
    fails(
        checks.scan(lambda a, b, h0: parallel(a, b, h0)[:, -1]),
        "the last state only",
        "return every step, shape (N, T, H) = (3, 50, 4)",
    )
    fails(
        checks.scan(
            lambda a, b, h0: np.concatenate(
                [h0[:, None, :], parallel(a, b, h0)], axis=1
            )
        ),
        "h_0 is included",
        "return h_1 .. h_T",
    )
    fails(
        checks.scan(lambda a, b, h0: parallel(a, b, h0).transpose(1, 0, 2)),
        "shape (50, 3, 4), expected (3, 50, 4)",
    )


def test_scan_refuses_bad_answers():
    fails(checks.scan(raises), "raised ZeroDivisionError")
    fails(checks.scan(lambda *a: None), "returned None", "return")
    fails(
        checks.scan(lambda a, b, h0: min_rnn.scan_loop(a, b, h0).astype(np.float16)),
        "float16",
        "float32 or float64",
    )
    fails(checks.scan(lambda *a: "h"), "text")

    def spoiled(a, b, h0):
        out = min_rnn.scan_loop(a, b, h0)
        out[1, 7, 2] = np.inf
        return out

    fails(checks.scan(spoiled), "sequence 1, step 8, unit 2", "inf")


# ---------------------------------------------------------------- the first failure


def by_groupby(table, level):
    """A right answer written another way: a groupby and the first index above."""
    above = table[table["mean MSE"] > level].reset_index()
    first = above.groupby("cell", sort=False)["T"].min()
    return {m: (int(first[m]) if m in first else None) for m in table.index.levels[0]}


def by_loop(table, level):
    """A right answer with a plain loop over the rows."""
    out = {}
    for (model, T), row in table.iterrows():
        out.setdefault(model, None)
        if out[model] is None and row["mean MSE"] > level:
            out[model] = T
    return out


def test_first_failure_reference():
    table = _failure_table()
    assert list(table.index.names) == ["cell", "T"]
    assert _first_failure(table, 0.05) == {"plain RNN": 30, "LSTM": 100, "GRU": None}
    assert _first_failure(table, 0.5) == {"plain RNN": None, "LSTM": None, "GRU": None}
    assert _first_failure(table, 0.0) == {"plain RNN": 10, "LSTM": 10, "GRU": 10}
    # rows out of order: still the smallest T
    shuffled = table.iloc[::-1]
    assert _first_failure(shuffled, 0.05) == {"plain RNN": 30, "LSTM": 100, "GRU": None}


def test_first_failure_passes_on_right_answers():
    out = one_line(passes(checks.first_failure(_first_failure)))
    assert "plain RNN 30, LSTM 100, GRU None" in out.message
    passes(checks.first_failure(by_groupby))
    passes(checks.first_failure(by_loop))  # T as np.int64
    # a Series indexed by model says the same as a dict; floats that are whole too
    passes(
        checks.first_failure(
            lambda t, lv: pd.Series(
                {
                    k: (None if v is None else float(v))
                    for k, v in by_loop(t, lv).items()
                },
                dtype=object,
            )
        )
    )
    passes(
        checks.first_failure(
            lambda t, lv: {
                k: (None if v is None else np.float32(v))
                for k, v in by_loop(t, lv).items()
            }
        )
    )


def test_first_failure_not_done():
    not_done(checks.first_failure(None))
    not_done(checks.first_failure(stub))


def _per_model(rule):
    """A learner's answer from ``rule(series of mean MSE by T, level)``."""

    def answer(table, level):
        return {
            m: rule(table["mean MSE"].loc[m], level)
            for m in table.index.get_level_values(0).unique()
        }

    return answer


@pytest.mark.parametrize(
    ("rule", "phrase"),
    [
        (
            lambda s, lv: s.index[s > lv].max() if (s > lv).any() else None,
            "that is the largest T above the level",
        ),
        (
            lambda s, lv: s.index[s < lv].min() if (s < lv).any() else None,
            "that is the first T below the level (the first success)",
        ),
        (
            lambda s, lv: s.index[s < lv].max() if (s < lv).any() else None,
            "that is the longest T solved (the last below the level)",
        ),
        (
            lambda s, lv: s[s > lv].iloc[0] if (s > lv).any() else None,
            "that is the mean MSE at the first failure",
        ),
    ],
)
def test_first_failure_names_each_mistake(rule, phrase):
    result = checks.first_failure(_per_model(rule))
    one_line(fails(result, "expected", "Mean MSE per T: 10: ", phrase))


def test_first_failure_refuses_bad_answers():
    fails(checks.first_failure(raises), "raised ZeroDivisionError")
    fails(checks.first_failure(lambda *a: None), "returned None", "return")
    fails(checks.first_failure(lambda *a: [30, 100, None]), "must be a dict")
    good = _first_failure(_failure_table(), 0.05)
    fails(
        checks.first_failure(lambda *a: {**good, "plain RNN": "30"}),
        "['plain RNN']",
        "text",
    )
    fails(
        checks.first_failure(lambda *a: {**good, "GRU": float("nan")}),
        "['GRU'] is nan",
        "gets None, not NaN",
    )
    fails(
        checks.first_failure(lambda *a: {**good, "plain RNN": float("nan")}),
        "nan",
    )
    fails(checks.first_failure(lambda *a: {**good, "LSTM": np.inf}), "finite")
    fails(checks.first_failure(lambda *a: {**good, "GRU": True}), "GRU")
    fails(
        checks.first_failure(lambda *a: {**good, "plain RNN": np.float16(30)}),
        "float16",
        "float32 or float64",
    )
    fails(
        checks.first_failure(lambda *a: {"plain RNN": 30, "LSTM": 100}),
        "no entry for 'GRU'",
    )
    fails(
        checks.first_failure(lambda *a: {**good, "minLSTM": 60}),
        "entries for 'minLSTM'",
    )
    # a model that never fails given as the largest delay: named, with the table
    one_line(
        fails(
            checks.first_failure(lambda *a: {**good, "GRU": 100}),
            "['GRU'] is 100, expected None",
            "10: 0.0012, 30: 0.0034, 60: 0.0117, 100: 0.0312",
        )
    )


def test_the_checks_are_exported():
    for name in ("min_lstm_step", "scan", "first_failure"):
        assert name in checks.__all__
        assert getattr(checks, name).__module__ == "lstm_helpers.checks.gates_today"
