"""Tests of lstm_helpers.evaluation.conformal: the split-conformal threshold by hand and
by its coverage on exchangeable draws; adaptive conformal inference by hand, through a
change of volatility, and for leaks from the future."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from lstm_helpers.evaluation.conformal import adaptive_conformal, conformal_quantile

# ---------------------------------------------------------------------------
# split conformal


def test_conformal_quantile_by_hand():
    scores = [9.0, 1.0, 8.0, 2.0, 7.0, 3.0, 6.0, 4.0, 5.0]  # n = 9
    assert conformal_quantile(scores, 0.8) == 8.0  # k = ceil(10 * 0.8) = 8
    assert np.quantile(scores, 0.8) == pytest.approx(7.4)  # the plain quantile: lower
    assert conformal_quantile(scores, 0.9) == 9.0  # k = 9 = n
    assert conformal_quantile(scores, 0.95) == math.inf  # k = ceil(9.5) = 10 > n
    assert conformal_quantile([3.0], 0.5) == 3.0  # k = ceil(2 * 0.5) = 1
    # float noise does not move k: 100 * 0.55 is 55.00000000000001 in floats
    assert math.ceil(100 * 0.55) == 56
    assert conformal_quantile(np.arange(1.0, 100.0), 0.55) == 55.0


def split_coverage(
    draws: np.ndarray, threshold: Callable[[np.ndarray], float]
) -> float:
    """Share of rows whose last value is at most the threshold of the others."""
    return float(np.mean([row[-1] <= threshold(row[:-1]) for row in draws]))


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_split_conformal_covers_its_level_on_exchangeable_data(level):
    n, reps = 50, 2000
    draws = np.random.default_rng(0).exponential(size=(reps, n + 1))
    covered = split_coverage(draws, lambda s: conformal_quantile(s, level))
    se = math.sqrt(level * (1 - level) / reps)
    assert level - 3 * se <= covered <= level + 1 / (n + 1) + 3 * se


def test_without_the_correction_the_coverage_falls_short_at_n_9():
    level, reps = 0.9, 2000
    draws = np.random.default_rng(1).exponential(size=(reps, 10))  # n = 9
    se = math.sqrt(level * (1 - level) / reps)
    corrected = split_coverage(draws, lambda s: conformal_quantile(s, level))
    plain = split_coverage(draws, lambda s: np.quantile(s, level))
    assert corrected >= level - 3 * se  # k = 9: covers 9 / 10 in theory
    assert plain < level - 3 * se  # about 0.82: the 7.2-th of 9 scores


# ---------------------------------------------------------------------------
# adaptive conformal by hand


def test_adaptive_conformal_by_hand():
    calibration = [1.0, 2.0, 3.0, 4.0]
    # t = 0: alpha 0.5, k = ceil(5 * 0.5) = 3 of [1, 2, 3, 4]: q = 3
    # t = 1: 5 > 3 missed: alpha = 0.5 + 0.1 (0.5 - 1) = 0.45; 5 scores, coverage 0.55,
    #        k = ceil(6 * 0.55) = 4 of [1, 2, 3, 4, 5]: q = 4
    # t = 2: 0.5 <= 4 held: alpha = 0.5; 6 scores, k = ceil(3.5) = 4 of
    #        [0.5, 1, 2, 3, 4, 5]: q = 3
    q, alpha = adaptive_conformal([5.0, 0.5, 10.0], calibration, 0.5, 0.1)
    np.testing.assert_allclose(q, [3.0, 4.0, 3.0])
    np.testing.assert_allclose(alpha, [0.5, 0.45, 0.5])
    # delay 2: the first score is learnt at t = 2
    q, alpha = adaptive_conformal([5.0, 0.5, 10.0], calibration, 0.5, 0.1, delay=2)
    np.testing.assert_allclose(q, [3.0, 3.0, 4.0])
    np.testing.assert_allclose(alpha, [0.5, 0.5, 0.45])
    # days past the data (NaN at the end) get a threshold but teach nothing
    q, alpha = adaptive_conformal([5.0, 0.5, np.nan, np.nan], calibration, 0.5, 0.1)
    np.testing.assert_allclose(q, [3.0, 4.0, 3.0, 3.0])
    np.testing.assert_allclose(alpha, [0.5, 0.45, 0.5, 0.5])


def test_a_level_outside_zero_one_gives_the_whole_line_or_an_empty_band():
    # gamma 2: the miss at t = 0 sends alpha to -0.5 (q = inf, a sure hit), the hit
    # back to 0.5; the hit at t = 2 (0 <= 3) sends it to 1.5 (q = -inf, a sure miss)
    q, alpha = adaptive_conformal([10.0, 0.0, 0.0, 7.0], [1.0, 2.0, 3.0, 4.0], 0.5, 2.0)
    assert q.tolist() == [3.0, math.inf, 3.0, -math.inf]
    np.testing.assert_allclose(alpha, [0.5, -0.5, 0.5, 1.5])


# ---------------------------------------------------------------------------
# adaptive conformal through a change of volatility

COVERAGE, GAMMA = 0.9, 0.05


def volatility_change(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Calibration |e| with e ~ N(0, 1), 200 of them; test scores: 500 from N(0, 1),
    then 500 from N(0, 3)."""
    rng = np.random.default_rng(seed)
    calibration = np.abs(rng.normal(size=200))
    scores = np.abs(np.r_[rng.normal(size=500), rng.normal(0.0, 3.0, size=500)])
    return calibration, scores


def test_adaptive_conformal_holds_its_long_run_coverage_through_a_change():
    calibration, scores = volatility_change()
    m, target = len(scores), 1 - COVERAGE
    q, alpha = adaptive_conformal(scores, calibration, COVERAGE, GAMMA)
    misses = scores > q
    # Gibbs and Candès: |mean err - alpha| <= (max(alpha_1, 1 - alpha_1) + gamma) /
    # (gamma m), here (0.9 + 0.05) / 50 = 0.019, for any sequence of scores
    bound = (max(target, 1 - target) + GAMMA) / (GAMMA * m)
    assert abs(misses.mean() - target) <= bound
    assert -GAMMA <= alpha.min() and alpha.max() <= 1 + GAMMA
    # the update, step by step: alpha[t + 1] = alpha[t] + gamma (target - err[t])
    np.testing.assert_allclose(np.diff(alpha), GAMMA * (target - misses[:-1]))
    # the fixed split-conformal threshold misses most days of the second regime
    fixed = conformal_quantile(calibration, COVERAGE)
    assert (scores[500:] > fixed).mean() > 0.5
    assert misses[500:].mean() < 0.15


def test_adaptive_conformal_with_a_delay_stays_near_its_coverage():
    calibration, scores = volatility_change(seed=1)
    m, target, delay = len(scores), 1 - COVERAGE, 5
    q, alpha = adaptive_conformal(scores, calibration, COVERAGE, GAMMA, delay=delay)
    misses = scores > q
    # the same argument over the m - delay errors learnt, with alpha within about
    # [-delay gamma, 1 + delay gamma]; the last delay misses count at most delay / m
    bound = (max(target, 1 - target) + delay * GAMMA) / (GAMMA * (m - delay))
    assert abs(misses.mean() - target) <= bound + delay / m
    # alpha moves on the miss of delay steps before
    np.testing.assert_allclose(
        alpha[delay:] - alpha[delay - 1 : -1], GAMMA * (target - misses[:-delay])
    )
    assert (alpha[:delay] == target).all()
    assert misses[500:].mean() < 0.15


# ---------------------------------------------------------------------------
# no leak from the future

Method = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]


def leaked_steps(method: Method, scores: np.ndarray, delay: int, steps: list[int]):
    """The steps t whose thresholds or levels up to t change when every score after
    t - delay (not known at t) is replaced, by 0 and by 100 in turn."""
    q, alpha = method(scores, delay)
    leaked = []
    for t in steps:
        for fill in (0.0, 100.0):
            changed = scores.copy()
            changed[max(t - delay + 1, 0) :] = fill
            q2, alpha2 = method(changed, delay)
            if not (
                np.array_equal(q2[: t + 1], q[: t + 1])
                and np.array_equal(alpha2[: t + 1], alpha[: t + 1])
            ):
                leaked.append(t)
                break
    return leaked


# 200 steps across the change; a small gamma keeps every threshold finite, so that a
# leaked score always shows
CAL, SCORES = volatility_change(seed=2)[0], volatility_change(seed=2)[1][400:600]
STEPS = [0, 1, 4, 5, 60, 120, 199]


def honest(scores: np.ndarray, delay: int) -> tuple[np.ndarray, np.ndarray]:
    return adaptive_conformal(scores, CAL, COVERAGE, 0.01, delay=delay)


def leaky(scores: np.ndarray, delay: int) -> tuple[np.ndarray, np.ndarray]:
    """The planted leak: scores shifted one step early, so each is used one step
    before it is known (delay - 1)."""
    return honest(np.r_[scores[1:], np.nan], delay)


@pytest.mark.parametrize("delay", [1, 2, 5])
def test_nothing_at_step_t_depends_on_a_score_not_yet_known(delay):
    assert np.isfinite(honest(SCORES, delay)[0]).all()
    assert leaked_steps(honest, SCORES, delay, STEPS) == []
    # the helper catches the planted leak at every step where a score is known
    assert leaked_steps(leaky, SCORES, delay, STEPS) == [t for t in STEPS if t >= delay]


# ---------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: conformal_quantile([1.0, np.nan], 0.8), "scores has 1 NaN"),
        (lambda: conformal_quantile([], 0.8), "scores is empty"),
        (lambda: conformal_quantile([1.0, 2.0], 1.0), "coverage must be between"),
        (lambda: conformal_quantile([1.0, 2.0], 0.0), "coverage must be between"),
        (lambda: adaptive_conformal([1.0], [1.0], 1.2, 0.1), "coverage must be"),
        (
            lambda: adaptive_conformal([1.0], [1.0], 0.9, 0.0),
            "gamma must be a positive",
        ),
        (
            lambda: adaptive_conformal([1.0], [1.0], 0.9, -0.1),
            "gamma must be a positive",
        ),
        (lambda: adaptive_conformal([1.0], [1.0], 0.9, np.nan), "gamma must be"),
        (
            lambda: adaptive_conformal([1.0], [1.0], 0.9, 0.1, 0),
            "delay must be at least 1",
        ),
        (
            lambda: adaptive_conformal([1.0], [1.0], 0.9, 0.1, 1.5),
            "delay must be a whole",
        ),
        (lambda: adaptive_conformal([1.0, np.nan, 2.0], [1.0], 0.9, 0.1), "NaN before"),
        (lambda: adaptive_conformal([1.0, np.inf], [1.0], 0.9, 0.1), "infinite"),
        (lambda: adaptive_conformal([[1.0]], [1.0], 0.9, 0.1), "one-dimensional"),
        (
            lambda: adaptive_conformal([1.0], [np.nan], 0.9, 0.1),
            "calibration has 1 NaN",
        ),
        (lambda: adaptive_conformal([1.0], [], 0.9, 0.1), "calibration is empty"),
    ],
)
def test_bad_input_is_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
