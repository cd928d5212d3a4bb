"""Tests of lstm_helpers.evaluation.significance: Diebold-Mariano and paired
comparisons, by hand and by their errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from lstm_helpers.evaluation.significance import (
    DieboldMarianoResult,
    chance_count,
    diebold_mariano,
    paired_comparison,
    score_difference_test,
    seed_mean_test,
)

# ---------------------------------------------------------------------------
# Diebold-Mariano

# Six days with actual = 0, so the forecasts are the errors.
DM_ACTUAL = np.zeros(6)
DM_A = np.array([1.0, -1.0, 2.0, 0.0, 1.0, -2.0])  # squared: 1, 1, 4, 0, 1, 4
DM_B = np.array([0.0, 1.0, 1.0, -1.0, 2.0, 1.0])  # squared: 0, 1, 1, 1, 4, 1


def test_diebold_mariano_by_hand_h1():
    # d = L(e_a) - L(e_b) = 1, 0, 3, -1, -3, 3;  d̄ = 3/6 = 0.5
    # d - d̄ = 0.5, -0.5, 2.5, -1.5, -3.5, 2.5; squares sum to 27.5
    # γ0 = 27.5/6;  V = γ0;  DM = 0.5 / sqrt(V/6) = 0.5 * 6 / sqrt(27.5) = 3 /
    # sqrt(27.5) HLN factor (h=1): sqrt((6 + 1 - 2 + 0)/6) = sqrt(5/6)
    # HLN = 3 / sqrt(27.5) * sqrt(5/6) = 3 * sqrt(5 / 165) = 3 / sqrt(33)
    result = diebold_mariano(DM_ACTUAL, DM_A, DM_B)
    assert isinstance(result, DieboldMarianoResult)
    assert result.n == 6
    assert result.mean_loss_diff == pytest.approx(0.5, abs=1e-12)
    assert result.statistic == pytest.approx(3 / math.sqrt(33), abs=1e-12)
    assert result.p_value == pytest.approx(
        2 * stats.t.sf(3 / math.sqrt(33), df=5), abs=1e-12
    )
    assert result.statistic > 0  # forecast_a has the larger loss


def test_diebold_mariano_by_hand_h2():
    # same d; γ1 = (1/6) Σ (d_t - d̄)(d_{t-1} - d̄)
    #    = (1/6) (-0.25 - 1.25 - 3.75 + 5.25 - 8.75) = -8.75/6
    # V = γ0 + 2 γ1 = (27.5 - 17.5)/6 = 10/6;  DM = 0.5 / sqrt(10/36) = 3 / sqrt(10)
    # HLN factor (h=2): sqrt((6 + 1 - 4 + 2/6)/6) = sqrt((10/3)/6) = sqrt(5/9)
    # HLN = 3 / sqrt(10) * sqrt(5) / 3 = 1 / sqrt(2)
    result = diebold_mariano(DM_ACTUAL, DM_A, DM_B, horizon=2)
    assert result.statistic == pytest.approx(1 / math.sqrt(2), abs=1e-12)
    assert result.p_value == pytest.approx(
        2 * stats.t.sf(1 / math.sqrt(2), df=5), abs=1e-12
    )
    assert result.mean_loss_diff == pytest.approx(0.5, abs=1e-12)


def test_diebold_mariano_absolute_loss_by_hand():
    # |e_a| = 1, 1, 2, 0, 1, 2;  |e_b| = 0, 1, 1, 1, 2, 1;  d = 1, 0, 1, -1, -1, 1;  d̄
    # = 1/6
    d = np.array([1.0, 0.0, 1.0, -1.0, -1.0, 1.0])
    result = diebold_mariano(DM_ACTUAL, DM_A, DM_B, loss="absolute")
    assert result.mean_loss_diff == pytest.approx(1 / 6, abs=1e-12)
    # with h = 1 the HLN statistic is the one-sample t-statistic of d
    assert result.statistic == pytest.approx(
        stats.ttest_1samp(d, 0.0).statistic, abs=1e-12
    )


def test_diebold_mariano_h1_equals_t_test_of_loss_differential():
    rng = np.random.default_rng(7)
    actual = rng.normal(size=50)
    fa, fb = actual + rng.normal(size=50), actual + 1.3 * rng.normal(size=50)
    result = diebold_mariano(actual, fa, fb)
    reference = stats.ttest_1samp((fa - actual) ** 2 - (fb - actual) ** 2, 0.0)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10)


@pytest.mark.parametrize("horizon", [1, 2, 3])
def test_diebold_mariano_is_antisymmetric(horizon):
    rng = np.random.default_rng(3)
    actual = rng.normal(size=200)
    fa, fb = actual + rng.normal(size=200), actual + rng.normal(size=200)
    ab = diebold_mariano(actual, fa, fb, horizon=horizon)
    ba = diebold_mariano(actual, fb, fa, horizon=horizon)
    assert ba.statistic == pytest.approx(-ab.statistic, abs=1e-12)
    assert ba.mean_loss_diff == pytest.approx(-ab.mean_loss_diff, abs=1e-12)
    assert ba.p_value == pytest.approx(ab.p_value, abs=1e-12)


def test_diebold_mariano_errors():
    with pytest.raises(ValueError, match="at least 3 days, got 2"):
        diebold_mariano([0.0, 0.0], [1.0, 2.0], [2.0, 1.0])
    with pytest.raises(ValueError, match="zero variance"):
        diebold_mariano(DM_ACTUAL, DM_A, DM_A)
    with pytest.raises(ValueError, match="length mismatch"):
        diebold_mariano(DM_ACTUAL, DM_A, DM_B[:5])
    with pytest.raises(ValueError, match="forecast_b has 1 NaN"):
        diebold_mariano(DM_ACTUAL, DM_A, np.r_[DM_B[:5], np.nan])
    with pytest.raises(ValueError, match="horizon must be at least 1"):
        diebold_mariano(DM_ACTUAL, DM_A, DM_B, horizon=0)
    with pytest.raises(ValueError, match="horizon=6 must be smaller"):
        diebold_mariano(DM_ACTUAL, DM_A, DM_B, horizon=6)
    with pytest.raises(ValueError, match="loss must be one of"):
        diebold_mariano(DM_ACTUAL, DM_A, DM_B, loss="huber")


def test_diebold_mariano_rejects_negative_long_run_variance():
    # d = 1, 0, 1, 0, ... : γ1 ≈ -γ0, so V = γ0 + 2 γ1 < 0 with h = 2
    errors_a = np.tile([1.0, 0.0], 5)
    with pytest.raises(ValueError, match="long-run variance estimate is not positive"):
        diebold_mariano(np.zeros(10), errors_a, np.zeros(10), horizon=2)
    assert (
        diebold_mariano(np.zeros(10), errors_a, np.zeros(10), horizon=1).statistic > 0
    )


@pytest.mark.parametrize("horizon", [1, 2, 3])
def test_score_difference_test_on_squared_errors_is_diebold_mariano(horizon):
    rng = np.random.default_rng(5)
    actual = rng.normal(size=80)
    fa, fb = actual + rng.normal(size=80), actual + 1.2 * rng.normal(size=80)
    result = score_difference_test((fa - actual) ** 2, (fb - actual) ** 2, horizon)
    assert result == diebold_mariano(actual, fa, fb, horizon=horizon)  # exactly
    # by hand on the six days above: d = 1, 0, 3, -1, -3, 3 gives 3 / sqrt(33)
    by_hand = score_difference_test(DM_A**2, DM_B**2)
    assert by_hand.statistic == pytest.approx(3 / math.sqrt(33), abs=1e-12)


def test_score_difference_test_is_negative_when_a_scores_lower():
    rng = np.random.default_rng(6)
    b = rng.exponential(size=200)
    a = 0.7 * b + 0.05 * rng.exponential(size=200)  # a is lower on most days
    result = score_difference_test(a, b, horizon=5)
    assert result.statistic < 0 and result.p_value < 0.01 and result.n == 200
    assert score_difference_test(b, a, horizon=5).statistic == pytest.approx(
        -result.statistic
    )


def test_score_difference_test_errors():
    with pytest.raises(ValueError, match="scores_b has 1 NaN"):
        score_difference_test([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, np.nan, 2.0])
    with pytest.raises(ValueError, match="length mismatch"):
        score_difference_test([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0])
    with pytest.raises(ValueError, match="at least 3 days, got 2"):
        score_difference_test([1.0, 2.0], [2.0, 1.0])
    with pytest.raises(ValueError, match="horizon=4 must be smaller"):
        score_difference_test([1.0, 2.0, 3.0, 4.0], [2.0, 1.0, 1.0, 1.0], horizon=4)
    with pytest.raises(ValueError, match="zero variance"):
        score_difference_test([1.0, 2.0, 3.0], [0.0, 1.0, 2.0])


# --------------------------------------------------------------------------- paired
# comparison


def test_paired_comparison():
    a = np.array([1.0, 1.2, 0.9, 1.1, 1.0, 1.3])
    b = np.array([1.1, 1.25, 1.0, 1.3, 1.05, 1.5])
    result = paired_comparison(a, b)
    diff = a - b
    assert result["n"] == 6
    assert result["mean_diff"] == pytest.approx(diff.mean(), abs=1e-12)
    assert result["std_diff"] == pytest.approx(diff.std(ddof=1), abs=1e-12)
    assert result["t_pvalue"] == pytest.approx(stats.ttest_rel(a, b).pvalue, abs=1e-12)
    assert result["wilcoxon_pvalue"] == pytest.approx(
        stats.wilcoxon(a, b).pvalue, abs=1e-12
    )
    # all six differences negative: exact two-sided Wilcoxon p = 2 / 2**6
    assert result["wilcoxon_pvalue"] == pytest.approx(2 / 64, abs=1e-12)


def test_paired_comparison_small_n_has_no_wilcoxon():
    a, b = [1.0, 2.0, 3.0, 4.0], [1.5, 2.1, 3.7, 4.2]
    result = paired_comparison(a, b)
    assert math.isnan(result["wilcoxon_pvalue"])
    assert 0.0 < result["t_pvalue"] < 1.0
    # the t-test still runs at n = 4: differences -0.5, -0.1, -0.7, -0.2, paired t with
    # 3 df
    diff = np.array(a) - np.array(b)
    t = diff.mean() / (diff.std(ddof=1) / math.sqrt(4))
    assert result["t_pvalue"] == pytest.approx(2 * stats.t.sf(abs(t), df=3), abs=1e-12)
    # n = 5 is the first size with a Wilcoxon p-value: all five differences negative ->
    # 2 / 2**5
    five = paired_comparison([*a, 5.0], [*b, 5.3])
    assert five["wilcoxon_pvalue"] == pytest.approx(2 / 32, abs=1e-12)


def test_paired_comparison_errors():
    with pytest.raises(ValueError, match="at least 2 pairs"):
        paired_comparison([1.0], [2.0])
    with pytest.raises(ValueError, match="zero spread"):
        paired_comparison([1.0, 2.0, 3.0], [0.5, 1.5, 2.5])
    with pytest.raises(ValueError, match="length mismatch"):
        paired_comparison([1.0, 2.0, 3.0], [1.0, 2.0])


# --------------------------------------------------------------------------
# Newey-West DM, the loss differential's autocorrelation, the pooled test
# --------------------------------------------------------------------------


def test_newey_west_dm_worked_by_hand():
    from lstm_helpers.evaluation.significance import (
        diebold_mariano_nw,
        loss_differential,
    )

    actual = np.zeros(4)
    forecast_b = np.ones(4)  # squared errors 1
    # squared errors 2, 0, 3, 3: d = 1, -1, 2, 2
    forecast_a = np.sqrt([2.0, 0.0, 3.0, 3.0])
    d = loss_differential(actual, forecast_a, forecast_b)
    np.testing.assert_allclose(d, [1.0, -1.0, 2.0, 2.0])
    # d mean 1; deviations 0, -2, 1, 1; gamma_0 = 6/4 = 1.5; gamma_1 = (0*-2 + -2*1 +
    # 1*1)/4 = -0.25 L = 1: V = 1.5 + 2 * (1 - 1/2) * (-0.25) = 1.25; DM = 1 / sqrt(1.25
    # / 4), times HLN's sqrt(3 / 4)
    result = diebold_mariano_nw(actual, forecast_a, forecast_b, lags=1)
    by_hand = 1 / np.sqrt(1.25 / 4) * np.sqrt(3 / 4)
    assert result.statistic == pytest.approx(by_hand)
    # Student's t, n - 1 = 3, as the plain DM
    assert result.p_value == pytest.approx(2 * stats.t.sf(by_hand, df=3))
    # with no lags only the variance could differ, and it does not: the plain test
    # exactly
    plain = diebold_mariano(actual, forecast_a, forecast_b)
    zero = diebold_mariano_nw(actual, forecast_a, forecast_b, lags=0)
    assert zero.statistic == pytest.approx(
        plain.statistic
    ) and zero.p_value == pytest.approx(plain.p_value)


def test_newey_west_lags_and_autocorrelation():
    from lstm_helpers.evaluation.significance import autocorrelation, newey_west_lags

    assert newey_west_lags(251) == 4  # floor(4 * 2.51 ** (2/9))
    assert newey_west_lags(100) == 4 and newey_west_lags(20) == 2
    alternating = np.array([1.0, -1.0] * 50)
    np.testing.assert_allclose(autocorrelation(alternating, 2), [-0.99, 0.98])
    with pytest.raises(ValueError, match="constant"):
        autocorrelation(np.ones(10), 2)


def test_pooled_ratio_test_worked_by_hand():
    from lstm_helpers.evaluation.significance import pooled_ratio_test

    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    # log(a / b) = -0.1, -0.2, -0.1, -0.3, 0.1, -0.2
    b = a * np.exp([0.1, 0.2, 0.1, 0.3, -0.1, 0.2])
    result = pooled_ratio_test(a, b)
    assert result["n"] == 6 and result["a_smaller"] == 5
    assert result["mean_log_ratio"] == pytest.approx(-0.8 / 6)
    assert result["geometric_mean_ratio"] == pytest.approx(np.exp(-0.8 / 6))
    assert result["sign_pvalue"] == pytest.approx(stats.binomtest(5, 6, 0.5).pvalue)
    assert result["t_pvalue"] == pytest.approx(
        stats.ttest_1samp(np.log(a / b), 0.0).pvalue
    )
    with pytest.raises(ValueError, match="positive"):
        pooled_ratio_test([1.0, -1.0], [1.0, 1.0])


def test_seed_mean_test_is_the_t_test_of_the_seed_mean_loss_difference():
    rng = np.random.default_rng(4)
    actual = rng.normal(100, 1, 60)
    reference = actual + rng.normal(0, 1, 60)
    runs = [actual + rng.normal(0.2, 0.9, 60) for _ in range(3)]
    # written out by hand
    d = np.mean([(f - actual) ** 2 for f in runs], axis=0) - (reference - actual) ** 2
    t = stats.ttest_1samp(d, 0.0)
    result = seed_mean_test(actual, runs, reference)
    assert result.statistic == pytest.approx(
        t.statistic
    ) and result.p_value == pytest.approx(t.pvalue)
    one = seed_mean_test(actual, runs[:1], reference)  # one seed: the plain test
    assert one == diebold_mariano(actual, runs[0], reference)
    with pytest.raises(ValueError, match="at least one forecast"):
        seed_mean_test(actual, [], reference)
    with pytest.raises(ValueError, match="length"):
        seed_mean_test(actual, [runs[0][:-1]], reference)


def test_chance_count_is_the_binomial_tail_at_half_the_level():
    # 16 tests at 5%: each favours the model by chance with probability 0.025; P(X >= 1)
    # = 1 - 0.975**16
    expected, tail = chance_count(16, 1)
    assert expected == pytest.approx(0.4) and tail == pytest.approx(1 - 0.975**16)
    # P(X >= 3) of Binomial(12, 0.025), summed term by term
    by_hand = sum(math.comb(12, k) * 0.025**k * 0.975 ** (12 - k) for k in range(3, 13))
    assert chance_count(12, 3)[1] == pytest.approx(by_hand)
    assert chance_count(12, 0) == (pytest.approx(0.3), 1.0)
    assert chance_count(10, 2, level=0.1)[0] == pytest.approx(0.5)
    for bad, match in (
        ((3, 4), "cannot exceed"),
        ((3, -1), "at least 0"),
        ((3, 1.5), "whole number"),
    ):
        with pytest.raises(ValueError, match=match):
            chance_count(*bad)
