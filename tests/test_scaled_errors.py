"""Tests of lstm_helpers.evaluation.scaled_errors: MASE and the RMSE ratio to
persistence."""

import numpy as np
import pytest

from lstm_helpers.evaluation.scaled_errors import mase, naive_scale, rmse_ratio


def test_mase_worked_by_hand():
    train = [10.0, 12.0, 11.0, 14.0]  # one-day changes 2, 1, 3: naive scale 2
    assert naive_scale(train) == pytest.approx(2.0)
    actual, forecast = [15.0, 16.0], [14.0, 19.0]  # absolute errors 1 and 3: mean 2
    assert mase(actual, forecast, naive_scale(train)) == pytest.approx(1.0)
    assert mase(actual, actual, 2.0) == 0.0


def test_mase_is_scale_free():
    rng = np.random.default_rng(0)
    train, actual = (
        100 + np.cumsum(rng.normal(size=50)),
        100 + np.cumsum(rng.normal(size=20)),
    )
    forecast = actual + rng.normal(size=20)
    base = mase(actual, forecast, naive_scale(train))
    assert mase(7 * actual, 7 * forecast, naive_scale(7 * train)) == pytest.approx(base)


def test_rmse_ratio_worked_by_hand():
    # persistence errs by 1 every day
    actual, previous = [10.0, 11.0, 12.0], [9.0, 10.0, 11.0]
    assert rmse_ratio(actual, [10.0, 11.0, 14.0], previous) == pytest.approx(
        np.sqrt(4 / 3)
    )
    assert rmse_ratio(actual, previous, previous) == 1.0


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="at least two training values"):
        naive_scale([1.0])
    with pytest.raises(ValueError, match="never change"):
        naive_scale([3.0, 3.0, 3.0])
    with pytest.raises(ValueError, match="scale must be positive"):
        mase([1.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="persistence is exact"):
        rmse_ratio([1.0, 2.0], [1.0, 2.0], [1.0, 2.0])
