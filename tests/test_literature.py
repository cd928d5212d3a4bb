"""Tests of lstm_helpers.literature: Solution 2's "will it rise?" scores and Solution 4's split."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lstm_helpers.literature import classification_scores, fraction_split_end


def test_classification_scores_by_hand():
    up = np.array([1, 1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=float)  # base rate 0.7
    proba = np.array([0.9, 0.8, 0.2, 0.1, 0.6, 0.7, 0.4, 0.6, 0.3, 0.9])
    s = classification_scores(up, proba)
    # Calls up: T T F F T T F T F T -> correct on 1,2,4,6,7,8,10 = 7 of 10.
    assert s["accuracy"] == pytest.approx(0.7)
    # Hit rate on up days 5/7, on the other days 2/3.
    assert s["balanced_accuracy"] == pytest.approx((5 / 7 + 2 / 3) / 2)
    assert s["base_rate_up"] == pytest.approx(0.7) and s["best_constant"] == pytest.approx(0.7)
    assert s["p_value"] == pytest.approx(stats.binom.sf(6, 10, 0.7))
    assert s["share_called_up"] == pytest.approx(0.6) and s["n"] == 10
    # Mirrored (up days become down days, every call flips): base rate 0.3, so the best
    # constant answer is "never up", still right on 7 of 10 days; the scores stay.
    m = classification_scores(1 - up, 1 - proba)
    assert m["base_rate_up"] == pytest.approx(0.3) and m["best_constant"] == pytest.approx(0.7)
    assert m["accuracy"] == pytest.approx(0.7) and m["share_called_up"] == pytest.approx(0.4)
    assert m["p_value"] == pytest.approx(stats.binom.sf(6, 10, 0.7))
    always_up = classification_scores(up, np.ones(10))
    assert always_up["accuracy"] == pytest.approx(0.7) and always_up["balanced_accuracy"] == 0.5
    with pytest.raises(ValueError, match="equal length"):
        classification_scores(up, proba[:3])


def test_fraction_split_end():
    index = pd.bdate_range("2020-01-01", periods=8)
    assert fraction_split_end(index, 0.75) == index[5]  # 6 training days of 8
    with pytest.raises(ValueError, match="between 0 and 1"):
        fraction_split_end(index, 1.0)
