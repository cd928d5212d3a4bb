"""The exercise checks of the uncertainty lesson."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lstm_helpers.checks._shared import (
    Failed,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    guess_line,
    rtol_for,
    show,
    typed_as_printed,
)


def _pinball(y: np.ndarray, f: np.ndarray, q: float) -> float:
    e = y - f
    return float(np.mean(np.maximum(q * e, (q - 1.0) * e)))


@exercise_check("the pinball loss")
def pinball(my_pinball: Any) -> str:
    """``my_pinball(actual, forecast, level) -> float`` at three levels, against the
    package's :func:`~lstm_helpers.evaluation.distribution_scores.pinball_loss`."""
    from lstm_helpers.evaluation.distribution_scores import pinball_loss

    rng = np.random.default_rng(11)
    actual = rng.normal(0.0, 1.0, 40)
    forecast = actual + rng.normal(0.4, 1.0, 40)
    levels = (0.1, 0.5, 0.9)
    got = np.array(
        [
            as_number(
                call_answer(
                    my_pinball,
                    f"my_pinball(actual, forecast, {q})",
                    actual.copy(),
                    forecast.copy(),
                    q,
                ),
                f"my_pinball(actual, forecast, {q})",
            )
            for q in levels
        ]
    )
    want = np.array([pinball_loss(actual, forecast, q) for q in levels])
    e = actual - forecast
    mistakes = {
        "the level's sign is flipped (q and q - 1 swapped): at level q a forecast "
        "below the outcome costs q times the miss": [
            _pinball(actual, forecast, 1 - q) for q in levels
        ],
        "that is half the absolute error at every level: the weights are q and "
        "1 - q, not one half": [0.5 * float(np.mean(np.abs(e)))] * 3,
        "that is a sum over the days: take the mean": [
            len(e) * _pinball(actual, forecast, q) for q in levels
        ],
    }
    expect_same(got, want, "my_pinball at levels 0.1, 0.5, 0.9", mistakes)
    values = ", ".join(show(v) for v in want)
    return f"the pinball loss at levels 0.1, 0.5 and 0.9 ({values}), the package's."


def _band_case() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A seeded band and outcomes, the last three days past the end of the data
    (NaN)."""
    rng = np.random.default_rng(12)
    center = rng.normal(0.0, 1.0, 30)
    actual = center + rng.normal(0.0, 1.3, 30)
    actual[-3:] = np.nan
    return actual, center - 1.2, center + 1.2


@exercise_check("coverage and the Winkler score")
def band_scores(my_band_scores: Any) -> str:
    """``my_band_scores(actual, low, high, coverage) -> (coverage, mean Winkler
    score)``, on the days whose outcome is known."""
    from lstm_helpers.evaluation.distribution_scores import coverage, winkler_scores

    actual, low, high = _band_case()
    level = 0.8
    where = "my_band_scores(actual, low, high, 0.8)"
    out = call_answer(my_band_scores, where, actual.copy(), low, high, level)
    if not isinstance(out, tuple | list) or len(out) != 2:
        raise Failed(
            f"{where} must return two numbers (coverage, mean Winkler score), got "
            f"{type(out).__name__}"
        )
    got = np.array([as_number(out[0], "coverage"), as_number(out[1], "Winkler")])
    known = ~np.isnan(actual)
    y, lo, hi = actual[known], low[known], high[known]
    want = np.array(
        [coverage(y, lo, hi), float(np.mean(winkler_scores(y, lo, hi, 0.8)))]
    )
    miss = np.where(y < lo, lo - y, 0.0) + np.where(y > hi, y - hi, 0.0)
    alpha = 1 - level
    inside = (lo <= y) & (y <= hi)
    mistakes = {
        "the days with no outcome (NaN) are counted as misses: score only the days "
        "whose outcome is known": [float(inside.sum() / len(actual)), want[1]],
        "the penalty outside the band is 1/alpha; the Winkler score adds 2/alpha "
        "times the distance": [want[0], float(np.mean(hi - lo + miss / alpha))],
        "alpha is taken as the coverage; alpha is 1 - coverage": [
            want[0],
            float(np.mean(hi - lo + 2 * miss / level)),
        ],
        "that is the width alone: add the penalty for the days outside the band": [
            want[0],
            float(np.mean(hi - lo)),
        ],
        "the coverage is in percent; give it as a share between 0 and 1": [
            100 * want[0],
            want[1],
        ],
    }
    expect_same(got, want, f"{where} (coverage, Winkler)", mistakes)
    return (
        f"coverage {want[0]:.3f} on the {int(known.sum())} known days, mean Winkler "
        f"score {want[1]:.3f}: equal to the package's."
    )


def _number_or_infinity(value: Any, name: str) -> float:
    """The learner's number, where ``np.inf`` is allowed (an unbounded band)."""
    if isinstance(value, float | np.floating) and np.isposinf(value):
        return float(value)
    return as_number(value, name)


@exercise_check("the split-conformal quantile")
def conformal_threshold(my_conformal_quantile: Any) -> str:
    """``my_conformal_quantile(scores, coverage) -> float`` on four cases, against
    :func:`~lstm_helpers.evaluation.conformal.conformal_quantile`."""
    from lstm_helpers.evaluation.conformal import conformal_quantile

    rng = np.random.default_rng(13)
    cases = [(19, 0.8), (19, 0.9), (50, 0.95), (9, 0.95)]
    got, want = [], []
    plain, no_plus_one, other_tail, next_one = [], [], [], []
    for n, c in cases:
        scores = np.abs(rng.normal(0.0, 1.0, n))
        where = f"my_conformal_quantile(scores of {n}, {c})"
        answer = call_answer(my_conformal_quantile, where, scores.copy(), c)
        got.append(_number_or_infinity(answer, where))
        want.append(conformal_quantile(scores, c))
        ordered = np.sort(scores)
        k = math.ceil((n + 1) * c)
        plain.append(float(np.quantile(scores, c)))
        no_plus_one.append(float(ordered[math.ceil(n * c) - 1]))
        other_tail.append(float(np.quantile(scores, 1 - c)))
        next_one.append(float(ordered[k]) if k < n else np.inf)
    mistakes = {
        "that is np.quantile(scores, coverage): the finite-sample correction is left "
        "out (take the ceil((n + 1) * coverage)-th smallest score)": plain,
        "k is ceil(n * coverage): the correction counts n + 1 scores": no_plus_one,
        "that is the quantile at 1 - coverage: the threshold sits in the upper tail": (
            other_tail
        ),
        "one place too far: the k-th smallest score is sorted[k - 1] in Python": (
            next_one
        ),
    }
    expect_same(
        np.array(got),
        np.array(want),
        "my_conformal_quantile on the four cases",
        mistakes,
        axes=("case",),
    )
    return (
        "the corrected quantile on four cases, including n = 9 at 95%, where "
        "ceil(10 * 0.95) = 10 > 9 gives an infinite band."
    )


@exercise_check("the adaptive band's step size")
def adaptive_step(
    my_gamma: Any,
    my_coverage: Any,
    val_realised: np.ndarray,
    test_realised: np.ndarray,
    horizon: int = 1,
    guess: Any = None,
) -> str:
    """An open experiment: ``my_coverage``, the test-year coverage (share) of the 80%
    adaptive band around persistence at ``horizon`` with step ``my_gamma``."""
    from lstm_helpers.evaluation.distribution_scores import coverage
    from lstm_helpers.lessons.uncertainty import adaptive_conformal_quantiles

    gamma = as_number(my_gamma, "my_gamma")
    if not 0 < gamma <= 0.5:
        raise Failed(f"my_gamma must lie in (0, 0.5], got {show(gamma)}")
    got = as_number(my_coverage, "my_coverage")
    val = np.asarray(val_realised, dtype=float).reshape(-1, 1)
    test = np.asarray(test_realised, dtype=float).reshape(-1, 1)
    q, _ = adaptive_conformal_quantiles(
        np.zeros_like(val), val, np.zeros_like(test), test, (horizon,), gamma, (0.8,)
    )
    known = ~np.isnan(test[:, 0])
    want = coverage(test[known, 0], q[known, 0, 1], q[known, 0, 3])
    rtol = rtol_for(my_coverage, 1e-9)
    if abs(got - want) > rtol * max(want, 1e-12) and not typed_as_printed(
        my_coverage, want
    ):
        hint = (
            " Hint: that is in percent; give a share between 0 and 1."
            if abs(got - 100 * want) < 1e-6 * 100
            else ""
        )
        raise Failed(
            f"my_coverage is {show(got)}; the 80% adaptive band with gamma "
            f"{show(gamma)} covers {show(want)} of the test days.{hint}"
        )
    return (
        f"with gamma {show(gamma)}, the adaptive 80% band covered {want:.3f} of the "
        f"test days.{guess_line(guess, want)}"
    )
