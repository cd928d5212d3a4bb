"""Tests of lstm_helpers.lessons.walkforward: folds, the moving validation year, every
fold scored."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.evaluation.significance import seed_mean_test
from lstm_helpers.lessons import walkforward
from lstm_helpers.lessons.walkforward import (
    chance_table,
    fold_config,
    scoreboard,
    walk_forward,
    walk_forward_windows,
)
from lstm_helpers.models.report_model import ModelConfig


def test_walk_forward_windows_and_fold_config(series):
    fold = walk_forward_windows(series, 2015)
    assert fold.train_dates.max() < pd.Timestamp("2015-01-01") <= fold.test_dates.min()
    assert fold.test_dates.max() < pd.Timestamp("2016-01-01")
    es = ModelConfig(early_stopping=True)
    assert fold_config(es, 2015).val_start == "2014"
    assert fold_config(es, 2017) == es  # the 2017 fold is lesson 05's run
    # no early stopping: unchanged
    assert fold_config(ModelConfig(), 2015).val_start == "2016"


def test_walk_forward_scores_every_fold_with_baselines(series, tmp_cache):
    tiny = ModelConfig(
        name="tiny", units=3, layers=1, epochs=1, batch_size=64, jit_compile=False
    )
    runs, preds, folds = walk_forward(
        {"SYN": pd.DataFrame({"High": series})},
        [2016, 2017],
        {"tiny": (tiny, "level")},
        seeds=[0],
        workers=1,
    )
    assert set(runs["fold"]) == {2016, 2017}
    # no Close column
    assert set(runs["model"]) == {
        "tiny",
        "persistence",
        "EMA(0.5)",
        "drift",
        "AR on returns",
    }
    # the fold's benchmarks are fitted on the fold's training years: the 2016 fold's
    # drift is 2015's
    train = series.loc[:"2015"]
    step = (train.iloc[-1] - train.iloc[0]) / (len(train) - 1)
    np.testing.assert_allclose(
        preds[("SYN", 2016, "drift", 0)], folds[("SYN", 2016)].test_previous + step
    )
    persistence = runs[runs["model"] == "persistence"].set_index("fold")["skill"]
    assert (persistence == 0).all()
    assert len(preds[("SYN", 2016, "tiny", 0)]) == len(folds[("SYN", 2016)].test_dates)
    np.testing.assert_array_equal(
        preds[("SYN", 2017, "persistence", 0)], folds[("SYN", 2017)].test_previous
    )
    with pytest.raises(ValueError, match="at least one fold year"):
        walk_forward(
            {"SYN": pd.DataFrame({"High": series})},
            [],
            {"tiny": (tiny, "level")},
            seeds=[0],
        )


def _frame(series):
    """The random walk as a frame with a Close below the High (so the Close-based rules
    exist)."""
    rng = np.random.default_rng(5)
    close = series * (1 - np.abs(rng.normal(0.004, 0.003, len(series))))
    opening = close * (1 + rng.normal(0, 0.003, len(series)))
    return pd.DataFrame(
        {
            "Open": opening,
            "High": series,
            "Low": np.minimum(opening, close) * 0.995,
            "Close": close,
        }
    )


TINY = ModelConfig(
    name="tiny", units=3, layers=1, epochs=1, batch_size=64, jit_compile=False
)


def test_the_ohlc_networks_are_scored_on_the_folds_days(series, tmp_cache):
    frame = _frame(series)
    models = {
        "tiny": (TINY, "log_return"),
        "tiny OHLC": (TINY, "ohlc"),
        "tiny residual": (TINY, "ohlc_residual"),
    }
    runs, preds, folds = walk_forward(
        {"SYN": frame}, [2017], models, seeds=[0, 1], workers=1
    )
    for year in (2017,):
        days = len(folds[("SYN", year)].test_dates)
        for name in models:
            assert [len(preds[("SYN", year, name, s)]) for s in (0, 1)] == [days, days]
    assert set(runs["model"]) >= {
        *models,
        "High from Close (60-day ratio)",
        "High from Close (training-years ratio)",
    }


def test_a_fold_that_trains_on_its_test_year_is_refused(series, tmp_cache, monkeypatch):
    """A planted leak: the fold's training years reach into its test year."""
    monkeypatch.setattr(
        walkforward,
        "fold_bounds",
        lambda year: {
            "train_end": str(year),
            "test_start": str(year),
            "test_end": str(year),
        },
    )
    with pytest.raises(ValueError, match="must train before 2017"):
        walk_forward(
            {"SYN": _frame(series)},
            [2017],
            {"tiny": (TINY, "log_return")},
            seeds=[0],
            workers=1,
        )


def _made_up(series, years=(2015, 2016, 2017)):
    """Forecasts of a seeded random walk, two seeds each: one model better than
    persistence, one worse, one so close that its folds' p-values are 0.53, 0.001 and
    0.078 (better in one fold at 5%, two at 10%)."""
    rng, near = np.random.default_rng(7), np.random.default_rng(6)
    preds, folds = {}, {}
    for year in years:
        fold = folds[("SYN", year)] = walk_forward_windows(series, year)
        a, prev = fold.test_actual, fold.test_previous
        preds[("SYN", year, "persistence", 0)] = prev
        preds[("SYN", year, "rule", 0)] = (
            prev + 0.5 * (a - prev) + rng.normal(0, 0.05, len(a))
        )
        for seed in (0, 1):
            preds[("SYN", year, "good", seed)] = (
                prev + 0.1 * (a - prev) + rng.normal(0, 0.02, len(a))
            )
            preds[("SYN", year, "bad", seed)] = prev + rng.normal(0, 2.0, len(a))
        # close to persistence: one fold's p lies between 0.05 and 0.1
        for seed in (0, 1):
            preds[("SYN", year, "marginal", seed)] = (
                prev + 0.05 * (a - prev) + near.normal(0, 0.2, len(a))
            )
    return preds, folds


def test_the_scoreboards_counts_are_the_tests_of_each_fold(series):
    preds, folds = _made_up(series)
    board = scoreboard(
        preds, folds, rule="rule", models=["good", "bad", "marginal", "rule"]
    )
    for model in ("good", "bad", "marginal"):
        row = board.loc[("SYN", model)]
        verdicts = {"better": 0, "same": 0, "worse": 0}
        for year in (2015, 2016, 2017):
            fold = folds[("SYN", year)]
            test = seed_mean_test(
                fold.test_actual,
                [preds[("SYN", year, model, s)] for s in (0, 1)],
                fold.test_previous,
            )
            verdicts[
                "same"
                if test.p_value >= 0.05
                else "better"
                if test.statistic < 0
                else "worse"
            ] += 1
        assert {k: row[k] for k in verdicts} == verdicts
        assert row["runs"] == 6
        assert row["min"] <= row["vs persistence"] <= row["max"]
        assert row["min (rule)"] <= row["vs rule"] <= row["max (rule)"]
    assert (
        board.loc[("SYN", "good"), "better"] == 3
        and board.loc[("SYN", "bad"), "worse"] == 3
    )
    # at 5%, not 10%
    assert (
        board.loc[("SYN", "marginal"), ["better", "same", "worse"]] == [1, 2, 0]
    ).all()
    # the rule halves the gap: better than "good"
    assert board.loc[("SYN", "good"), "worse (rule)"] == 3
    # no row compares the rule with itself
    assert np.isnan(board.loc[("SYN", "rule"), "vs rule"])
    chance = chance_table(board)
    assert (
        chance.loc[("good", "persistence"), "tests"] == 3
        and chance.loc[("good", "persistence"), "better"] == 3
    )
    assert chance.loc[
        ("good", "persistence"), "P(at least this many)"
    ] == pytest.approx(0.025**3)
    assert ("rule", "rule") not in chance.index
    with pytest.raises(ValueError, match="no forecasts of lstm"):
        scoreboard(preds, folds, rule="rule", models=["lstm"])
