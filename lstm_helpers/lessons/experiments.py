"""The experiments lesson's experiment: several models x stocks x seeds, scored beside
the baselines.

:data:`MODELS` names every model the comparison trains: the report's two, the
two bias fixes (a target that does not depend on the price level), and the
GRU and Bidirectional layers the report imports but never uses.
:func:`run_comparison` trains them all (in parallel, cached) and returns one
row per run; :func:`summarize` turns the runs into mean +- std per stock and
model; :func:`baseline_runs` scores persistence, SMA, EMA and the benchmarks on the same
days.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from lstm_helpers.data.periods import Split, choose_split
from lstm_helpers.evaluation.baselines import forecast_table
from lstm_helpers.evaluation.benchmarks import benchmark_forecasts
from lstm_helpers.evaluation.metrics import evaluate
from lstm_helpers.evaluation.scaled_errors import mase, naive_scale
from lstm_helpers.evaluation.significance import diebold_mariano, diebold_mariano_nw
from lstm_helpers.lessons.ohlc_windows import model_windows
from lstm_helpers.models.report_model import DEFAULT, IMPROVED, ModelConfig
from lstm_helpers.training.forecasting import (
    Job,
    forecast_many,
    with_jit,
    with_validation_year,
)

REPORT_RMSE: dict[tuple[str, str], float] = {
    ("IBM", "LSTM default"): 3.0946,
    ("IBM", "LSTM improved"): 1.9054,
    ("AAPL", "LSTM default"): 17.6443,
    ("AAPL", "LSTM improved"): 14.2768,
    ("AMZN", "LSTM default"): 160.6341,
    ("AMZN", "LSTM improved"): 140.3313,
    ("HD", "LSTM default"): 22.4909,
    ("HD", "LSTM improved"): 18.4878,
}
"""The test RMSEs printed in the report's Experiments section."""

_VARIANT = ModelConfig(
    name="variant",
    dropout=0.2,
    epochs=30,
    batch_size=32,
    early_stopping=True,
    patience=5,
)

MODELS: dict[str, tuple[ModelConfig, str]] = {
    "LSTM default": (DEFAULT, "level"),
    "LSTM improved": (IMPROVED, "level"),
    "LSTM log-return": (replace(_VARIANT, name="log-return"), "log_return"),
    "LSTM relative": (replace(_VARIANT, name="relative"), "relative"),
    "GRU": (replace(_VARIANT, name="gru", cell="gru"), "level"),
    "Bidirectional LSTM": (
        replace(_VARIANT, name="bilstm", bidirectional=True),
        "level",
    ),
}
"""Model name -> (configuration, transform). The report's two models keep its
epochs and batches; the others stop early on the 2016 part of the training years."""

OHLC_MODEL: dict[str, tuple[ModelConfig, str]] = {
    "LSTM OHLC": (replace(_VARIANT, name="ohlc"), "ohlc"),
    "LSTM OHLC residual": (replace(_VARIANT, name="ohlc-residual"), "ohlc_residual"),
}
"""LSTMs given the Open, High, Low and Close of each day
(:mod:`lstm_helpers.lessons.ohlc_windows`): one predicts tomorrow's High relative to
today's Close, the other the residual over the 60-day Close-based rule (its output 0 is
the rule)."""


@dataclass
class Comparison:
    """The outcome of :func:`run_comparison`.

    Attributes
    ----------
    runs : DataFrame
        One row per (ticker, model, seed): the metrics of
        :func:`lstm_helpers.evaluation.metrics.evaluate`, the DM statistic and p-value
        against persistence (``dm_vs_persistence``, ``dm_p``, ``dm_p_nw``) and against
        the fair Close-based rule (``dm_vs_rule``, ``dm_p_rule``; NaN without a Close
        column), epochs trained, ``best_epoch`` (the epoch whose weights early stopping
        kept; the last epoch without early stopping), training seconds, cached.
    predictions : dict
        (ticker, model, seed) -> forecasts in dollars, shape (n_test,).
    actual, previous : dict
        ticker -> actual test prices and the previous day's prices, shape (n_test,).
    dates : dict
        ticker -> test dates.
    """

    runs: pd.DataFrame
    predictions: dict[tuple[str, str, int], np.ndarray] = field(default_factory=dict)
    actual: dict[str, np.ndarray] = field(default_factory=dict)
    previous: dict[str, np.ndarray] = field(default_factory=dict)
    dates: dict[str, pd.DatetimeIndex] = field(default_factory=dict)


def run_comparison(
    prices: dict[str, pd.DataFrame],
    models: dict[str, tuple[ModelConfig, str]],
    seeds: list[int],
    target: str = "High",
    workers: int | None = None,
    split: Split | None = None,
) -> Comparison:
    """Train every model on every ticker with every seed and score each run on the test
    period.

    Parameters
    ----------
    prices : dict of str -> DataFrame
        Ticker -> price frame.
    models : dict of str -> (ModelConfig, transform)
        Usually a selection of :data:`MODELS`, possibly with fewer epochs.
    seeds : list of int
        One run per seed.
    target : str, default "High"
        Column to forecast.
    workers : int, optional
        Worker processes for :func:`lstm_helpers.training.forecasting.forecast_many`.
    split : Split, optional
        Training and test periods; default
        :func:`lstm_helpers.data.periods.choose_split` (the report's for the bundled
        data). Early stopping validates on its last training year.

    Returns
    -------
    Comparison
    """
    if not seeds:
        raise ValueError("run_comparison needs at least one seed")
    split = split or choose_split(prices)
    jobs, keys = [], []
    out = Comparison(runs=pd.DataFrame())
    scales = {
        t: naive_scale(frame[target].loc[: split.train_end])
        for t, frame in prices.items()
    }
    for ticker, frame in prices.items():
        for name, (config, transform) in models.items():
            data = model_windows(
                frame, target, transform, **split.windows(), label=ticker
            )
            config = with_validation_year(config, split.train_year)
            out.actual[ticker], out.previous[ticker], out.dates[ticker] = (
                data.test_actual,
                data.test_previous,
                data.test_dates,
            )
            for seed in seeds:
                jobs.append(Job(config, data, seed=seed, ticker=ticker))
                keys.append((ticker, name, seed))
    results = forecast_many(jobs, workers=workers)
    # ticker -> the fair Close-based rule on the test days, where the frame has a Close
    rules = {}
    for ticker, frame in prices.items():
        bench = benchmark_forecasts(
            frame, target, split.train_end, pd.Index(out.dates[ticker])
        )
        if bench.fair_rule is not None:
            rules[ticker] = bench.forecasts[bench.fair_rule].to_numpy()
    rows = []
    for (ticker, name, seed), result in zip(keys, results, strict=True):
        actual, previous = out.actual[ticker], out.previous[ticker]
        scores = _scale_free(
            evaluate(actual, result.predictions, previous),
            actual,
            result.predictions,
            scales[ticker],
        )
        try:
            dm = diebold_mariano(actual, result.predictions, previous)
            dm_nw = diebold_mariano_nw(actual, result.predictions, previous)
        # e.g. a forecast identical to persistence: no loss difference to test
        except ValueError:
            dm = dm_nw = None
        try:
            vs_rule = (
                diebold_mariano(actual, result.predictions, rules[ticker])
                if ticker in rules
                else None
            )
        except ValueError:
            vs_rule = None
        rows.append(
            {
                "ticker": ticker,
                "model": name,
                "seed": seed,
                **scores,
                "dm_vs_persistence": np.nan if dm is None else dm.statistic,
                "dm_p": np.nan if dm is None else dm.p_value,
                "dm_p_nw": np.nan if dm_nw is None else dm_nw.p_value,
                "dm_vs_rule": np.nan if vs_rule is None else vs_rule.statistic,
                "dm_p_rule": np.nan if vs_rule is None else vs_rule.p_value,
                "epochs": len(result.loss),
                "best_epoch": int(np.argmin(result.val_loss)) + 1
                if result.val_loss
                else len(result.loss),
                "seconds": result.seconds,
                "cached": result.cached,
            }
        )
        out.predictions[(ticker, name, seed)] = result.predictions
    out.runs = pd.DataFrame(rows)
    return out


def _scale_free(
    scores: dict, actual: np.ndarray, forecast: np.ndarray, scale: float
) -> dict:
    """Add the columns free of the currency: ``rmse_ratio`` (RMSE / persistence's on the
    same days, i.e. 1 - skill; the one that compares stocks) and ``mase`` (MAE over the
    training years' mean daily move: it still carries the price's growth, so read it
    between forecasts of one stock)."""
    return {
        **scores,
        "mase": mase(actual, forecast, scale),
        "rmse_ratio": 1.0 - scores["skill"],
    }


def baseline_runs(
    prices: dict[str, pd.DataFrame],
    target: str = "High",
    window: int = 100,
    decay: float = 0.5,
    split: Split | None = None,
) -> pd.DataFrame:
    """The baselines and benchmarks scored on the test days, one row per ticker and
    forecast.

    Persistence, SMA and EMA (the baselines lesson's first three), then the
    benchmarks fitted on the training years
    (:func:`lstm_helpers.evaluation.benchmarks.benchmark_forecasts`; one that cannot
    forecast every test day is left out with a printed note). The rows have
    the columns of :attr:`Comparison.runs` (seed is 0).
    """
    split = split or choose_split(prices)
    rows = []
    for ticker, frame in prices.items():
        series = frame[target]
        table = forecast_table(
            series, split.test_start, split.test_end, window=window, decay=decay
        )
        bench = benchmark_forecasts(frame, target, split.train_end, table.index)
        for note in bench.notes(ticker):
            print("note:", note)
        forecasts = {
            "persistence": table["persistence"],
            f"SMA({window})": table["sma"],
            f"EMA({decay})": table["ema"],
            **bench.forecasts,
        }
        scale = naive_scale(series.loc[: split.train_end])
        for name, forecast in forecasts.items():
            scores = evaluate(table["actual"], forecast, table["persistence"])
            rows.append(
                {
                    "ticker": ticker,
                    "model": name,
                    "seed": 0,
                    **_scale_free(
                        scores, table["actual"].to_numpy(), forecast.to_numpy(), scale
                    ),
                }
            )
    return pd.DataFrame(rows)


def summarize(
    runs: pd.DataFrame,
    metrics: tuple[str, ...] = ("rmse", "mae", "bias", "directional_accuracy"),
    report: bool = True,
) -> pd.DataFrame:
    """Mean and standard deviation over seeds of each metric, per ticker and model.

    Returns
    -------
    DataFrame
        Indexed by (ticker, model) in the order they first appear, with columns
        ``<metric>_mean``, ``<metric>_std`` (ddof 1; NaN for one run), ``runs``, and
        ``report_rmse`` (the report's number where it has one; NaN everywhere
        with ``report=False``, for another target or split than the report's).
    """
    order = list(dict.fromkeys(zip(runs["ticker"], runs["model"], strict=True)))
    grouped = runs.groupby(["ticker", "model"], sort=False)
    table = pd.concat(
        {
            f"{m}_{stat}": grouped[m].agg(stat)
            for m in metrics
            for stat in ("mean", "std")
        },
        axis=1,
    )
    table["runs"] = grouped.size()
    table = table.loc[order]
    table["report_rmse"] = [
        REPORT_RMSE.get(key, np.nan) if report else np.nan for key in table.index
    ]
    return table


def format_summary(
    summary: pd.DataFrame,
    metrics: tuple[str, ...] = ("rmse", "bias", "directional_accuracy"),
) -> pd.DataFrame:
    """The summary as text cells ``mean ± std`` (just ``mean`` for a single run), for
    printing."""
    cells = {}
    for m in metrics:
        digits = 3 if m in ("directional_accuracy", "rmse_ratio", "mase") else 2
        mean, std = summary[f"{m}_mean"], summary[f"{m}_std"]
        cells[m] = [
            f"{a:.{digits}f}" if np.isnan(b) else f"{a:.{digits}f} ± {b:.{digits}f}"
            for a, b in zip(mean, std, strict=True)
        ]
    out = pd.DataFrame(cells, index=summary.index)
    out["runs"] = summary["runs"].to_numpy()
    # only where the report has numbers for these runs
    if summary["report_rmse"].notna().any():
        out["report RMSE"] = [
            "" if np.isnan(v) else f"{v:.2f}" for v in summary["report_rmse"]
        ]
    return out


def with_epochs(
    models: dict[str, tuple[ModelConfig, str]],
    epochs_default: int | None = None,
    epochs_improved: int | None = None,
    max_epochs_variants: int | None = None,
    jit_compile: bool = True,
) -> dict[str, tuple[ModelConfig, str]]:
    """A copy of ``models`` with other epochs (``None`` keeps them) and XLA on or off,
    for the profile.

    See :func:`lstm_helpers.training.forecasting.with_jit`.
    """
    out = {}
    for name, (config, transform) in models.items():
        if name == "LSTM default":
            config = config.with_training(epochs=epochs_default)
        elif name == "LSTM improved":
            config = config.with_training(epochs=epochs_improved)
        else:
            config = config.with_training(epochs=max_epochs_variants)
        out[name] = (with_jit(config, jit_compile), transform)
    return out


def output_gaps(last_inputs: dict, outputs: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How far a level network's output sits from its last input, inside the training
    range and above it.

    Parameters
    ----------
    last_inputs : dict of str -> ndarray, shape (n_test,)
        Ticker -> each test window's last scaled price (persistence's forecast; 1 = the
        training maximum).
    outputs : dict of str -> dict of (str, int) -> ndarray
        Ticker -> (model, seed) -> the network's scaled outputs on the same windows.

    Returns
    -------
    gaps, slopes : DataFrame
        Indexed by (ticker, model, seed), a column per part ("inside the range", "above
        it"): the mean of output minus last input, and the slope of a straight line
        fitted to output against last input (NaN with fewer than three days; 1: the
        output follows the input one for one).
    """
    rows = []
    for ticker, last in last_inputs.items():
        for (model, seed), output in outputs[ticker].items():
            for where, days in (
                ("inside the range", last <= 1),
                ("above it", last > 1),
            ):
                if days.any():
                    rows.append(
                        {
                            "ticker": ticker,
                            "model": model,
                            "seed": seed,
                            "last input": where,
                            "gap": float(np.mean(output[days] - last[days])),
                            "slope": float(np.polyfit(last[days], output[days], 1)[0])
                            if days.sum() > 2
                            else np.nan,
                        }
                    )
    frame = pd.DataFrame(rows)
    index, columns = ["ticker", "model", "seed"], "last input"
    return (
        frame.pivot_table(index=index, columns=columns, values="gap", sort=False),
        frame.pivot_table(index=index, columns=columns, values="slope", sort=False),
    )
