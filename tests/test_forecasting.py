"""Tests of lstm_helpers.training.forecasting: jobs over windows, targets, validation
slice, dollars on load."""

import numpy as np
import pytest

from lstm_helpers.data.windows import WindowedData, report_windows, variant_windows
from lstm_helpers.models.report_model import ModelConfig
from lstm_helpers.models.stack_model import CASTILLA, StackConfig
from lstm_helpers.training import cache
from lstm_helpers.training.forecasting import (
    Job,
    fit_classifier,
    fit_predict,
    forecast_many,
    train_job,
    up_labels,
)

TINY = ModelConfig(
    name="tiny", units=3, layers=1, epochs=1, batch_size=64, jit_compile=False
)


def test_up_labels_agree_across_transforms(series):
    level, relative = report_windows(series), variant_windows(series, "relative")
    a, b = up_labels(level), up_labels(relative)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(
        a[1], (relative.test_actual > relative.test_previous).astype(float)
    )


def test_regression_and_classification_targets(series):
    data = variant_windows(series, "relative")
    reg = train_job(Job(TINY, data, seed=2, ticker="SYN"))
    assert (
        reg.y is data.y_train and reg.X_val is None and reg.label == "SYN tiny seed 2"
    )
    up = StackConfig(
        name="up", layer_units=(3,), output="sigmoid", early_stopping=False
    )
    cls = train_job(Job(up, data, task="classify"))
    np.testing.assert_array_equal(cls.y, up_labels(data)[0])
    with pytest.raises(ValueError, match="output='sigmoid'"):
        train_job(Job(CASTILLA, data, task="classify"))
    with pytest.raises(ValueError, match="task must be"):
        train_job(Job(TINY, data, task="cluster"))


def test_early_stopping_holds_out_exactly_the_windows_from_val_start(series):
    data = report_windows(series)
    job = train_job(Job(ModelConfig(early_stopping=True, val_start="2016-07"), data))
    held = np.asarray(data.train_dates >= "2016-07")
    np.testing.assert_array_equal(job.X_val, data.X_train[held])
    np.testing.assert_array_equal(job.y, data.y_train[~held])
    assert job.X_val.shape[0] == held.sum() > 0 and len(job.X) + len(job.X_val) == len(
        data.X_train
    )
    with pytest.raises(ValueError, match="leaves no training or no validation"):
        train_job(Job(ModelConfig(early_stopping=True, val_start="2030"), data))


def test_outputs_are_stored_raw_and_converted_at_every_load(
    series, tmp_cache, tmp_results, monkeypatch
):
    data = variant_windows(series, "log_return")
    first = fit_predict(TINY, data, seed=0, log_every=0)
    np.testing.assert_allclose(
        first.predictions,
        data.test_previous * np.exp(first.outputs.astype(float) * data.scale),
    )
    stored, _ = cache.load(first.key)
    np.testing.assert_array_equal(stored["outputs"], first.outputs)  # raw, not dollars
    # a fix to the conversion applies to results loaded from the cache too
    monkeypatch.setattr(
        WindowedData, "to_prices", lambda self, outputs: np.full(len(outputs), 7.0)
    )
    again = fit_predict(TINY, data, seed=0, log_every=0)
    assert again.cached and (again.predictions == 7.0).all()


def test_classifier_returns_the_networks_probabilities(series, tmp_cache, tmp_results):
    config = StackConfig(
        name="tiny-up", layer_units=(3,), output="sigmoid", epochs=2, jit_compile=False
    )
    data = variant_windows(series, "relative")
    first = fit_classifier(config, data, seed=0, log_every=0)
    assert first.predictions.shape == (len(data.test_dates),)
    # no price conversion for P(up)
    np.testing.assert_array_equal(first.predictions, first.outputs)
    again = fit_classifier(config, data, seed=0, log_every=0)
    assert again.cached and np.array_equal(again.predictions, first.predictions)


def test_train_many_keeps_the_order_of_the_jobs(series, tmp_cache, tmp_results):
    data = report_windows(series)
    results = forecast_many(
        [Job(TINY, data, 1, "A"), Job(TINY.with_training(epochs=2), data, 1, "B")],
        workers=1,
    )
    assert [len(r.loss) for r in results] == [1, 2]
    assert results[0].info["config"]["epochs"] == 1
