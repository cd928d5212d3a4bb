"""Tests of lstm_helpers.literature (Solutions 2 and 4, the classifier, walk-forward)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lstm_helpers.keras_models import ModelConfig
from lstm_helpers.literature import (
    CASTILLA,
    CASTILLA_CLASSIFIER,
    StackConfig,
    classification_scores,
    fit_classifier,
    fold_config,
    fraction_split_end,
    up_labels,
    walk_forward,
    walk_forward_windows,
)
from lstm_helpers.windows import report_windows, variant_windows


@pytest.fixture(scope="module")
def series():
    days = pd.bdate_range("2013-01-01", "2017-12-29")
    rng = np.random.default_rng(2)
    return pd.Series(80 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(days)))), index=days, name="High")


def test_castilla_network_and_parameter_count():
    model = CASTILLA.build(window=60)
    lstm1 = 4 * (1 * 50 + 50 * 50 + 50)
    lstm2 = 4 * (50 * 100 + 100 * 100 + 100)
    assert model.count_params() == lstm1 + lstm2 + 101
    assert model.layers[-1].activation.__name__ == "linear"
    assert CASTILLA_CLASSIFIER.build().layers[-1].activation.__name__ == "sigmoid"
    assert CASTILLA.optimizer == "rmsprop" and CASTILLA.dropout == 0.2
    with pytest.raises(ValueError, match="output must be"):
        StackConfig(output="softmax").build()


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
    always_up = classification_scores(up, np.ones(10))
    assert always_up["accuracy"] == pytest.approx(0.7) and always_up["balanced_accuracy"] == 0.5
    with pytest.raises(ValueError, match="equal length"):
        classification_scores(up, proba[:3])


def test_fraction_split_end():
    index = pd.bdate_range("2020-01-01", periods=8)
    assert fraction_split_end(index, 0.75) == index[5]  # 6 training days of 8
    with pytest.raises(ValueError, match="between 0 and 1"):
        fraction_split_end(index, 1.0)


def test_up_labels_agree_across_transforms(series):
    level, relative = report_windows(series), variant_windows(series, "relative")
    a, b = up_labels(level), up_labels(relative)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[1], (relative.test_actual > relative.test_previous).astype(float))


def test_walk_forward_windows_and_fold_config(series):
    fold = walk_forward_windows(series, 2015)
    assert fold.train_dates.max() < pd.Timestamp("2015-01-01") <= fold.test_dates.min()
    assert fold.test_dates.max() < pd.Timestamp("2016-01-01")
    es = ModelConfig(early_stopping=True)
    assert fold_config(es, 2015).val_start == "2014"
    assert fold_config(es, 2017) == es  # the 2017 fold is lesson 05's run
    assert fold_config(ModelConfig(), 2015).val_start == "2016"  # no early stopping: unchanged


def test_classifier_trains_caches_and_returns_probabilities(series, tmp_cache):
    config = StackConfig(name="tiny-up", layer_units=(3,), output="sigmoid", epochs=2, jit_compile=False)
    data = variant_windows(series, "relative")
    first = fit_classifier(config, data, seed=0, log_every=0)
    assert first.predictions.shape == (len(data.test_dates),)
    assert ((first.predictions > 0) & (first.predictions < 1)).all()
    again = fit_classifier(config, data, seed=0, log_every=0)
    assert again.cached and np.array_equal(again.predictions, first.predictions)
    with pytest.raises(ValueError, match="output='sigmoid'"):
        fit_classifier(CASTILLA, data)


def test_walk_forward_scores_every_fold_with_baselines(series, tmp_cache):
    tiny = ModelConfig(name="tiny", units=3, layers=1, epochs=1, batch_size=64, jit_compile=False)
    runs, preds, folds = walk_forward({"SYN": pd.DataFrame({"High": series})}, [2016, 2017],
                                      {"tiny": (tiny, "level")}, seeds=[0], workers=1)
    assert set(runs["fold"]) == {2016, 2017}
    assert set(runs["model"]) == {"tiny", "persistence", "EMA(0.5)"}
    persistence = runs[runs["model"] == "persistence"].set_index("fold")["skill"]
    assert (persistence == 0).all()
    assert len(preds[("SYN", 2016, "tiny", 0)]) == len(folds[("SYN", 2016)].test_dates)
