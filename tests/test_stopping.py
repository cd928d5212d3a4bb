"""Tests of lstm_helpers.lessons.stopping: the epoch kept, the constant forecast, the
settings, the study."""

import json
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.lessons import stopping
from lstm_helpers.models.multi_step_models import MultiStepConfig
from lstm_helpers.models.report_model import ModelConfig
from lstm_helpers.training import cache
from lstm_helpers.training.digests import job_key
from lstm_helpers.training.jobs import TrainJob


def test_kept_epoch_is_the_lowest_validation_loss():
    assert stopping.kept_epoch([0.5, 0.7, 0.9]) == 1
    assert stopping.kept_epoch([0.9, 0.4, 0.6]) == 2
    with pytest.raises(ValueError, match="at least one epoch"):
        stopping.kept_epoch([])


def test_constant_loss_is_the_training_mean_forecast_per_output():
    rng = np.random.default_rng(0)
    y, y_val = rng.normal(size=(50, 3)), rng.normal(size=(20, 3))
    job = TrainJob(
        MultiStepConfig(),
        np.zeros((50, 4, 1)),
        y,
        np.zeros((1, 4, 1)),
        X_val=np.zeros((20, 4, 1)),
        y_val=y_val,
    )
    expected = np.mean(
        [(y_val[i, j] - y[:, j].mean()) ** 2 for i in range(20) for j in range(3)]
    )
    assert stopping.constant_loss(job) == pytest.approx(expected)
    with pytest.raises(ValueError, match="validation data"):
        stopping.constant_loss(
            TrainJob(MultiStepConfig(), np.zeros((5, 4, 1)), y[:5], np.zeros((1, 4, 1)))
        )


def test_settings_change_only_patience_and_learning_rate():
    for config in (ModelConfig(early_stopping=True), MultiStepConfig()):
        before = asdict(config)
        for name, change in stopping.SETTINGS.items():
            after = asdict(change(config))
            changed = {k for k in before if before[k] != after[k]}
            expected = {"published": set(), "patience 15": {"patience"}}.get(
                name,
                {
                    "patience",
                    "learning_rate"
                    if isinstance(config, MultiStepConfig)
                    else "optimizer",
                },
            )
            assert changed == expected, (type(config).__name__, name)
    assert stopping.SETTINGS["rate / 10, patience 15"](
        MultiStepConfig()
    ).learning_rate == pytest.approx(1e-4)


def test_a_learning_rate_reaches_keras_and_building_does_not_change_the_key():
    config = stopping.with_learning_rate(
        ModelConfig(units=2, layers=1, jit_compile=False), 1e-4
    )
    job = TrainJob(config, np.zeros((4, 5, 1)), np.zeros(4), np.zeros((1, 5, 1)))
    key = job_key(job)
    model = config.build(window=5)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(1e-4)
    assert job_key(job) == key  # Keras reads the optimizer's config without changing it
    assert (
        job_key(
            TrainJob(
                ModelConfig(units=2, layers=1, jit_compile=False),
                job.X,
                job.y,
                job.X_predict,
            )
        )
        != key
    )
    with pytest.raises(ValueError, match="positive"):
        stopping.with_learning_rate(config, 0)
    with pytest.raises(ValueError, match="RMSprop only"):
        stopping.with_learning_rate(ModelConfig(optimizer="adam"), 1e-4)


def test_published_stops_counts_runs_kept_at_epoch_one(tmp_path):
    def entry(key, name, val_loss, patience=5):
        meta = {
            "val_loss": val_loss,
            "info": {"config": {"name": name, "patience": patience}},
        }
        cache.save(key, {"outputs": np.zeros(1)}, meta, tmp_path)

    entry("a1", "ohlc", [0.5, 0.6])
    entry("a2", "ohlc", [0.6, 0.5, 0.7])
    entry("a3", "gru", [0.4])
    entry("a4", "default", [])  # no early stopping: not counted
    # the study's own run: not counted
    entry("a5", "ohlc", [0.4, 0.5], patience=stopping.STUDY_PATIENCE)
    table = stopping.published_stops(tmp_path)
    assert table.loc["ohlc", "runs"] == 2 and table.loc["ohlc", "kept epoch 1"] == 1
    assert table.loc["gru", "share"] == 1.0 and "default" not in table.index
    with pytest.raises(ValueError, match="no stored runs"):
        stopping.published_stops(tmp_path / "empty")
    # A quick-profile entry (one epoch kept) beside them: counted only where no
    # profiles.json says which run used which key.
    entry("q1", "ohlc", [0.3, 0.9])
    assert stopping.published_stops(tmp_path).loc["ohlc", "runs"] == 3
    listed = {"standard": ["a1", "a2", "a3", "a4", "a5"], "quick": ["q1", "a3"]}
    (tmp_path / cache.PROFILES_NAME).write_text(json.dumps(listed))
    table = stopping.published_stops(tmp_path)
    assert table.loc["ohlc", "runs"] == 2 and table.loc["gru", "runs"] == 1
    assert cache.published_keys(tmp_path, "quick") == ["q1", "a3"]


def _rows(ratios, noise=(1.0, 1.0, 1.0, 1.0)):
    rows = []
    for k, (ratio, seed) in enumerate(zip(ratios, noise, strict=True)):
        rows.append(
            {
                "stock": f"S{k}",
                "family": "f",
                "setting": "published",
                "kept": 1,
                "vs_published": 1.0,
            }
        )
        rows.append(
            {
                "stock": f"S{k}",
                "family": "f",
                "setting": "slower",
                "kept": 3,
                "vs_published": ratio,
            }
        )
        rows.append(
            {
                "stock": f"S{k}",
                "family": "f",
                "setting": stopping.NEXT_SEED,
                "kept": 1,
                "vs_published": seed,
            }
        )
    return pd.DataFrame(rows)


def test_verdicts_adopt_a_setting_only_where_it_lowers_the_loss_on_most_stocks():
    assert bool(
        stopping.verdicts(_rows([0.9, 0.95, 0.99, 1.1])).loc[("f", "slower"), "adopt"]
    )
    table = stopping.verdicts(_rows([0.9, 1.01, 1.02, 1.1]))
    assert (
        not table.loc[("f", "slower"), "adopt"]
        and table.loc[("f", "slower"), "lower on"] == 1
    )


def test_verdicts_do_not_adopt_a_gain_within_the_seed_noise():
    gain = [0.97, 0.98, 0.99, 0.99]  # lower everywhere, by 1.75% on average
    assert bool(stopping.verdicts(_rows(gain)).loc[("f", "slower"), "adopt"])
    # another seed moves it 2.5%
    noisy = stopping.verdicts(_rows(gain, noise=(0.97, 1.03, 0.98, 1.02)))
    assert noisy.loc[("f", "slower"), "noise"] == pytest.approx(0.025)
    assert not noisy.loc[("f", "slower"), "adopt"]


def test_study_trains_every_setting_and_scores_against_the_published_one(tmp_cache):
    rng = np.random.default_rng(1)
    config = MultiStepConfig("tiny", units=2, epochs=2)
    job = TrainJob(
        config,
        rng.normal(size=(40, 5, 1)),
        rng.normal(size=(40, 1)),
        rng.normal(size=(3, 5, 1)),
        X_val=rng.normal(size=(10, 5, 1)),
        y_val=rng.normal(size=(10, 1)),
        label="tiny",
    )
    rows = stopping.study({("S", "tiny"): job}, workers=1)
    assert list(rows["setting"]) == [*stopping.SETTINGS, stopping.NEXT_SEED]
    assert rows.loc[rows["setting"] == "published", "vs_published"].item() == 1.0
    assert (rows["epochs"] <= 2).all() and (rows["kept"] >= 1).all()
    with pytest.raises(ValueError, match="must include 'published'"):
        stopping.study({("S", "tiny"): job}, settings={"other": lambda c: c})


def test_study_tables_put_one_setting_per_column():
    rows = _rows([0.9, 0.95, 0.99, 1.1]).assign(epochs=6, vs_constant=0.98)
    epochs, losses = stopping.study_tables(rows)
    assert list(epochs.columns) == ["published", "slower", "next seed"]
    assert epochs.loc[("f", "S0"), "slower"] == "3 / 6"
    assert list(losses.columns) == ["published / constant", "slower", "next seed"]
    assert (
        losses.loc[("f", "S3"), "slower"] == 1.1
        and (losses["published / constant"] == 0.98).all()
    )
