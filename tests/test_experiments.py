"""Tests of lstm_helpers.lessons.experiments with tiny models on a synthetic price
series."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.data.tickers import load_tickers
from lstm_helpers.evaluation.benchmarks import close_based_recent
from lstm_helpers.evaluation.metrics import rmse
from lstm_helpers.evaluation.significance import diebold_mariano
from lstm_helpers.lessons.experiments import (
    MODELS,
    REPORT_RMSE,
    baseline_runs,
    format_summary,
    run_comparison,
    summarize,
    with_epochs,
)
from lstm_helpers.models.report_model import ModelConfig


def synthetic_prices() -> dict[str, pd.DataFrame]:
    days = pd.bdate_range("2014-01-01", "2017-12-29")
    rng = np.random.default_rng(1)
    high = 50 * np.exp(np.cumsum(rng.normal(0.0005, 0.01, len(days))))
    return {"SYN": pd.DataFrame({"High": high}, index=days)}


def test_model_table_matches_the_report_and_the_issue():
    assert list(MODELS)[:2] == ["LSTM default", "LSTM improved"]
    default, improved = MODELS["LSTM default"][0], MODELS["LSTM improved"][0]
    assert (
        default.epochs,
        default.batch_size,
        default.dropout,
        default.early_stopping,
    ) == (50, 32, 0.2, False)
    assert (
        improved.epochs,
        improved.batch_size,
        improved.dropout,
        improved.early_stopping,
    ) == (20, 12, 0.1, False)
    transforms = {name: t for name, (_, t) in MODELS.items()}
    assert {"log_return", "relative"} <= set(transforms.values())
    assert (
        MODELS["GRU"][0].cell == "gru" and MODELS["Bidirectional LSTM"][0].bidirectional
    )
    for name in ("LSTM log-return", "LSTM relative", "GRU", "Bidirectional LSTM"):
        config = MODELS[name][0]
        # never the test year
        assert config.early_stopping and config.val_start == "2016"
    assert REPORT_RMSE[("AMZN", "LSTM default")] == pytest.approx(160.63, abs=0.01)


def test_with_epochs_changes_only_epochs():
    short = with_epochs(MODELS, 2, 1, 3)
    assert (
        short["LSTM default"][0].epochs == 2 and short["LSTM improved"][0].epochs == 1
    )
    assert short["GRU"][0].epochs == 3 and short["GRU"][0].cell == "gru"
    assert short["LSTM improved"][0].batch_size == 12
    # every other field and every transform is the original's
    assert list(short) == list(MODELS)
    for name, (config, transform) in short.items():
        original, original_transform = MODELS[name]
        assert transform == original_transform, name
        assert replace(config, epochs=original.epochs) == original, name
    # None keeps the epochs: with no numbers the table comes back unchanged
    assert with_epochs(MODELS) == MODELS


def test_comparison_runs_every_model_and_seed_and_summarizes(tmp_cache):
    tiny = ModelConfig(
        name="tiny", units=3, layers=1, epochs=1, batch_size=64, jit_compile=False
    )
    models = {"tiny level": (tiny, "level"), "tiny relative": (tiny, "relative")}
    result = run_comparison(synthetic_prices(), models, seeds=[0, 1], workers=1)
    runs = result.runs
    assert len(runs) == 4 and set(runs["seed"]) == {0, 1}
    assert np.isfinite(
        runs[["rmse", "bias", "dm_vs_persistence", "dm_p"]].to_numpy()
    ).all()
    # each row scores its own forecasts; the DM statistic is forecast vs persistence (in
    # that order)
    actual, previous = result.actual["SYN"], result.previous["SYN"]
    for row in runs.itertuples():
        forecast = result.predictions[("SYN", row.model, row.seed)]
        assert row.rmse == pytest.approx(rmse(actual, forecast), rel=1e-12)
        dm = diebold_mariano(actual, forecast, previous)
        assert (row.dm_vs_persistence, row.dm_p) == pytest.approx(
            (dm.statistic, dm.p_value), rel=1e-12
        )
    summary = summarize(runs)
    level = runs[runs["model"] == "tiny level"]["rmse"]
    assert summary.loc[("SYN", "tiny level"), "rmse_mean"] == pytest.approx(
        level.mean()
    )
    assert summary.loc[("SYN", "tiny level"), "rmse_std"] == pytest.approx(
        level.std(ddof=1)
    )
    assert summary.loc[("SYN", "tiny level"), "runs"] == 2
    text = format_summary(summary)
    assert "±" in text.loc[("SYN", "tiny level"), "rmse"]
    # no Close column: no Close-based rule to judge against
    assert runs["dm_p_rule"].isna().all()
    # no early stopping: the last epoch is kept
    assert (runs["best_epoch"] == runs["epochs"]).all()
    again = run_comparison(synthetic_prices(), models, seeds=[0, 1], workers=1)
    assert again.runs["cached"].all()
    with pytest.raises(ValueError, match="at least one seed"):
        run_comparison(synthetic_prices(), models, seeds=[])


def test_the_fair_rule_judges_every_run_and_early_stopping_reports_the_kept_epoch(
    tmp_cache,
):
    frame = synthetic_prices()["SYN"]
    # a Close, so that the 60-day rule exists
    frame = frame.assign(Close=frame["High"] / 1.01)
    stopping = ModelConfig(
        name="tiny",
        units=3,
        layers=1,
        epochs=4,
        batch_size=64,
        jit_compile=False,
        early_stopping=True,
        patience=1,
    )
    result = run_comparison(
        {"SYN": frame}, {"tiny": (stopping, "relative")}, seeds=[0], workers=1
    )
    row = result.runs.iloc[0]
    rule = close_based_recent(frame, "High").loc[result.dates["SYN"]].to_numpy()
    dm = diebold_mariano(
        result.actual["SYN"], result.predictions[("SYN", "tiny", 0)], rule
    )
    assert (row.dm_vs_rule, row.dm_p_rule) == pytest.approx(
        (dm.statistic, dm.p_value), rel=1e-12
    )
    assert 1 <= row.best_epoch <= row.epochs


def test_baseline_rows_reproduce_persistence():
    rows = baseline_runs(load_tickers(["IBM", "HD"], report=False)).set_index(
        ["ticker", "model"]
    )
    assert rows.loc[("IBM", "persistence"), "rmse"] == pytest.approx(1.539, abs=5e-4)
    assert rows.loc[("HD", "persistence"), "rmse"] == pytest.approx(1.205, abs=5e-4)
    assert set(rows.index.get_level_values("model")) == {
        "persistence",
        "SMA(100)",
        "EMA(0.5)",
        "drift",
        "AR on returns",
        "High from Close (training-years ratio)",
        "High from Close (60-day ratio)",
    }
    assert rows.loc[("IBM", "persistence"), "rmse_ratio"] == pytest.approx(1.0)
    # the issues' measured Close-based ratios, to two digits
    assert rows.loc[
        ("IBM", "High from Close (training-years ratio)"), "rmse_ratio"
    ] == pytest.approx(0.93, abs=0.005)
    assert rows.loc[
        ("HD", "High from Close (training-years ratio)"), "rmse_ratio"
    ] == pytest.approx(0.94, abs=0.005)
    assert rows.loc[
        ("IBM", "High from Close (60-day ratio)"), "rmse_ratio"
    ] == pytest.approx(0.881, abs=0.0005)
    assert rows.loc[
        ("HD", "High from Close (60-day ratio)"), "rmse_ratio"
    ] == pytest.approx(0.819, abs=0.0015)
    assert rows["mase"].gt(0).all()
    single = summarize(rows.reset_index())
    assert np.isnan(single.loc[("IBM", "persistence"), "rmse_std"])


def test_output_gaps_inside_and_above_the_training_range():
    from lstm_helpers.lessons.experiments import output_gaps

    last = np.array([0.2, 0.5, 0.8, 1.1, 1.2, 1.3])
    # follows inside, flattens above
    output = np.where(last <= 1, last + 0.01, 0.9 + 0.1 * (last - 1.1))
    gaps, slopes = output_gaps({"AAA": last}, {"AAA": {("LSTM default", 0): output}})
    row = gaps.loc[("AAA", "LSTM default", 0)]
    assert row["inside the range"] == pytest.approx(0.01)
    assert row["above it"] == pytest.approx(np.mean(output[3:] - last[3:]))
    assert slopes.loc[("AAA", "LSTM default", 0), "inside the range"] == pytest.approx(
        1.0
    )
    assert slopes.loc[("AAA", "LSTM default", 0), "above it"] == pytest.approx(0.1)
