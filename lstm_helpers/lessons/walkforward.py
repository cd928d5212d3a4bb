"""Walk-forward (rolling-origin) evaluation: train on every year up to Y - 1, test on Y,
for several Y.

One test year says little; several folds show whether a result holds. Each
model's early-stopping slice moves with the fold to its last training year
(:func:`fold_config`), and persistence, the EMA and the benchmarks of
:mod:`lstm_helpers.evaluation.benchmarks` (fitted on each fold's training years) are
scored on every fold. :func:`scoreboard` reads the verdict from all folds at
once: a row per stock and model, against persistence and against the 60-day
Close-based rule, each fold tested and all folds pooled; :func:`chance_table`
sets the favourable results beside the count chance alone would give.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.data.windows import WindowedData, variant_windows
from lstm_helpers.evaluation.baselines import exponential_moving_average
from lstm_helpers.evaluation.benchmarks import benchmark_forecasts
from lstm_helpers.evaluation.metrics import evaluate, rmse
from lstm_helpers.evaluation.significance import chance_count, seed_mean_test
from lstm_helpers.lessons.ohlc_windows import model_windows
from lstm_helpers.training.forecasting import (
    Job,
    forecast_many,
    train_job,
    with_validation_year,
)
from lstm_helpers.training.jobs import TrainJob

LEVEL = 0.05
"""The significance level of every walk-forward test."""


def fold_bounds(test_year: int) -> dict[str, str]:
    """The split of one fold: train on every year before ``test_year``, test on that
    year alone."""
    return {
        "train_end": str(test_year - 1),
        "test_start": str(test_year),
        "test_end": str(test_year),
    }


def walk_forward_windows(
    series: pd.Series, test_year: int, transform: str = "level", window: int = 60
) -> WindowedData:
    """Windows for one walk-forward fold: train on every year before ``test_year``, test
    on it."""
    return variant_windows(series, transform, **fold_bounds(test_year), window=window)


def fold_config(config: Any, test_year: int) -> Any:
    """``config`` with its early-stopping slice moved to the last training year of the
    fold.

    The fold of the comparison lesson's test year is the same run as that lesson's.
    """
    return with_validation_year(config, test_year - 1)


def fold_test_years(test_year: int, folds: int) -> list[int]:
    """The ``folds`` test years that end with ``test_year``: ``fold_test_years(2017, 3)
    == [2015, 2016, 2017]``."""
    if folds < 1:
        raise ValueError(f"need at least one fold, got {folds}")
    return list(range(test_year - folds + 1, test_year + 1))


def _fold_models(
    frame: pd.DataFrame,
    ticker: str,
    year: int,
    models: dict[str, tuple[Any, str]],
    target: str,
) -> tuple[WindowedData, dict[str, tuple[Any, WindowedData]]]:
    """One stock's fold: its level windows, and each model's configuration and windows,
    checked.

    Raises ValueError if a model's windows train on or after ``year`` or test on other
    days than the fold's.
    """
    fold = walk_forward_windows(frame[target], year)
    out = {}
    for name, (config, transform) in models.items():
        data = model_windows(
            frame, target, transform, **fold_bounds(year), label=f"{ticker} {year}"
        )
        if not (
            data.train_dates.max() < pd.Timestamp(str(year))
            and data.test_dates.equals(fold.test_dates)
        ):
            raise ValueError(
                f"{ticker} {year}, {name}: the windows must train "
                f"before {year} and test on "
                "the fold's days"
            )
        out[name] = (fold_config(config, year), data)
    return fold, out


def fold_jobs(
    prices: dict[str, pd.DataFrame],
    year: int,
    models: dict[str, tuple[Any, str]],
    seed: int,
    target: str = "High",
) -> dict[tuple[str, str], TrainJob]:
    """The training jobs of one fold and seed, built as :func:`walk_forward` builds
    them: (ticker, model) -> job.

    For a study that retrains a fold's networks another way
    (:mod:`lstm_helpers.lessons.stopping`): the same windows, validation year and seed,
    so the published setting loads from the cache.
    """
    out = {}
    for ticker, frame in prices.items():
        for name, (config, data) in _fold_models(frame, ticker, year, models, target)[
            1
        ].items():
            out[(ticker, name)] = train_job(
                Job(config, data, seed=seed, ticker=f"{ticker} {year}")
            )
    return out


def walk_forward(
    prices: dict[str, pd.DataFrame],
    years: list[int],
    models: dict[str, tuple[Any, str]],
    seeds: list[int],
    target: str = "High",
    decay: float = 0.5,
    workers: int | None = None,
) -> tuple[
    pd.DataFrame,
    dict[tuple[str, int, str, int], np.ndarray],
    dict[tuple[str, int], WindowedData],
]:
    """Rolling-origin evaluation: for each year Y in ``years``, train up to Y - 1 and
    test on Y.

    Persistence, the EMA, drift, the AR on returns and (with a ``Close``
    column) the target from the Close are scored on every fold too. Each model's
    early-stopping slice is the last training year of its fold. A model's
    transform may be any of :func:`lstm_helpers.lessons.ohlc_windows.model_windows`'s,
    the OHLC ones included; every model of a fold is scored on the same test days.

    Returns
    -------
    runs : DataFrame
        One row per (ticker, fold, model, seed) with the metrics of
        :func:`lstm_helpers.evaluation.metrics.evaluate` (baselines have seed 0).
    predictions : dict
        (ticker, fold, model, seed) -> forecasts in dollars.
    folds : dict
        (ticker, fold) -> the fold's level windows (test dates, actual, previous).
    """
    if not years or not seeds:
        raise ValueError("walk_forward needs at least one fold year and one seed")
    jobs, keys, folds = [], [], {}
    for ticker, frame in prices.items():
        for year in years:
            folds[(ticker, year)], fold_models = _fold_models(
                frame, ticker, year, models, target
            )
            for name, (config, data) in fold_models.items():
                for seed in seeds:
                    jobs.append(Job(config, data, seed=seed, ticker=f"{ticker} {year}"))
                    keys.append((ticker, year, name, seed))
    results = forecast_many(jobs, workers=workers)
    rows, predictions = [], {}
    for (ticker, year, name, seed), result in zip(keys, results, strict=True):
        predictions[(ticker, year, name, seed)] = result.predictions
    for (ticker, year), fold in folds.items():
        ema = (
            exponential_moving_average(prices[ticker][target], decay)
            .loc[fold.test_dates]
            .to_numpy()
        )
        predictions[(ticker, year, "persistence", 0)] = fold.test_previous
        predictions[(ticker, year, f"EMA({decay})", 0)] = ema
        # the benchmarks, fitted on the fold's training years
        bench = benchmark_forecasts(
            prices[ticker], target, str(year - 1), pd.Index(fold.test_dates)
        )
        for note in bench.notes(f"{ticker} {year}"):
            print("note:", note)
        for name, forecast in bench.forecasts.items():
            predictions[(ticker, year, name, 0)] = forecast.to_numpy()
    for (ticker, year, name, seed), forecast in predictions.items():
        fold = folds[(ticker, year)]
        scores = evaluate(fold.test_actual, forecast, fold.test_previous)
        rows.append(
            {"ticker": ticker, "fold": year, "model": name, "seed": seed, **scores}
        )
    return pd.DataFrame(rows), predictions, folds


def _fold_forecasts(
    predictions: dict[tuple[str, int, str, int], np.ndarray],
    ticker: str,
    year: int,
    model: str,
) -> list[np.ndarray]:
    """Every seed's forecast of one model on one fold, in seed order."""
    seeds = sorted(k[3] for k in predictions if k[:3] == (ticker, year, model))
    return [predictions[(ticker, year, model, seed)] for seed in seeds]


def _verdict(test: Any) -> str:
    """``better``, ``same`` or ``worse`` than the reference at :data:`LEVEL` (``same``:
    no significant difference)."""
    if test is None or test.p_value >= LEVEL:
        return "same"
    return "better" if test.statistic < 0 else "worse"


def _test(
    actual: np.ndarray, forecasts: list[np.ndarray], reference: np.ndarray
) -> Any:
    try:
        return seed_mean_test(actual, forecasts, reference)
    except ValueError:  # a forecast identical to the reference: nothing to test
        return None


def scoreboard(
    predictions: dict[tuple[str, int, str, int], np.ndarray],
    folds: dict[tuple[str, int], WindowedData],
    rule: str,
    models: list[str] | None = None,
) -> pd.DataFrame:
    """One row per stock and model: how it fares against persistence and the rule over
    all folds.

    Parameters
    ----------
    predictions, folds
        As returned by :func:`walk_forward`: (ticker, fold, model, seed) -> forecast,
        (ticker, fold) -> the fold's windows.
    rule : str
        The name of the second reference (the 60-day Close-based rule); stocks
        without it get NaN and no count in its columns.
    models : list of str, optional
        The rows' models, in this order; default every model but persistence.

    Returns
    -------
    DataFrame indexed by (ticker, model), with columns

    - ``runs``: folds x seeds;
    - ``vs persistence``, ``min``, ``max``: the RMSE ratio to persistence's on the same
      days, mean over folds and seeds, and its smallest and largest single run;
    - ``better``, ``same``, ``worse``: folds whose Diebold-Mariano test
      (:func:`lstm_helpers.evaluation.significance.seed_mean_test`, the seed-mean loss
      against persistence's, 5%) says the model is better, not different, worse;
    - ``pooled DM``, ``pooled p``: the same test on every fold's days at once;
    - ``vs rule``, ``min (rule)``, ``max (rule)``, ``better (rule)``, ``same (rule)``,
      ``worse (rule)``, ``pooled p (rule)``: the same against the rule.
    """
    tickers = list(dict.fromkeys(t for t, _ in folds))
    every = list(dict.fromkeys(k[2] for k in predictions))
    models = models or [m for m in every if m != "persistence"]
    unknown = [m for m in models if m not in every]
    if unknown:
        raise ValueError(
            f"scoreboard: no forecasts of {', '.join(unknown)}; "
            f"the models are {', '.join(every)}"
        )
    rows = []
    for ticker in tickers:
        years = sorted(y for t, y in folds if t == ticker)
        actual = {y: folds[(ticker, y)].test_actual for y in years}
        persistence = {y: folds[(ticker, y)].test_previous for y in years}
        has_rule = all((ticker, y, rule, 0) in predictions for y in years)
        for model in models:
            runs = {y: _fold_forecasts(predictions, ticker, y, model) for y in years}
            row = {
                "ticker": ticker,
                "model": model,
                "runs": sum(len(r) for r in runs.values()),
            }
            row |= _against(actual, runs, persistence, "")
            if has_rule and model != rule:
                row |= _against(
                    actual,
                    runs,
                    {y: predictions[(ticker, y, rule, 0)] for y in years},
                    " (rule)",
                )
            rows.append(row)
    columns = [
        "runs",
        "vs persistence",
        "min",
        "max",
        "better",
        "same",
        "worse",
        "pooled DM",
        "pooled p",
        "vs rule",
        "min (rule)",
        "max (rule)",
        "better (rule)",
        "same (rule)",
        "worse (rule)",
        "pooled p (rule)",
    ]
    return (
        pd.DataFrame(rows)
        .reindex(columns=["ticker", "model", *columns])
        .set_index(["ticker", "model"])
    )


def _against(
    actual: dict[int, np.ndarray],
    runs: dict[int, list[np.ndarray]],
    reference: dict[int, np.ndarray],
    suffix: str,
) -> dict[str, Any]:
    """One model's columns of :func:`scoreboard` against one reference, fold by fold and
    pooled."""
    years = list(actual)
    ratios = [
        rmse(actual[y], f) / rmse(actual[y], reference[y])
        for y in years
        for f in runs[y]
    ]
    counts = dict.fromkeys(("better", "same", "worse"), 0)
    for y in years:
        counts[_verdict(_test(actual[y], runs[y], reference[y]))] += 1
    seeds = min(len(r) for r in runs.values())
    pooled = _test(
        np.concatenate([actual[y] for y in years]),
        [np.concatenate([runs[y][s] for y in years]) for s in range(seeds)],
        np.concatenate([reference[y] for y in years]),
    )
    out: dict[str, Any] = {
        "vs persistence" if not suffix else "vs rule": float(np.mean(ratios)),
        "min" + suffix: float(np.min(ratios)),
        "max" + suffix: float(np.max(ratios)),
    }
    if not suffix:
        out["pooled DM"] = np.nan if pooled is None else pooled.statistic
    out |= {k + suffix: v for k, v in counts.items()}
    out["pooled p" + suffix] = np.nan if pooled is None else pooled.p_value
    return out


def chance_table(board: pd.DataFrame, level: float = LEVEL) -> pd.DataFrame:
    """Per model and reference, the folds significantly better beside what chance alone
    gives.

    For each model of ``board`` (a :func:`scoreboard`) and each reference
    (persistence, the rule): the fold tests over all stocks, how many favour
    the model, how many chance alone would give (``tests * level / 2``) and the
    binomial tail ``P(X >= favourable)`` of
    :func:`lstm_helpers.evaluation.significance.chance_count` (a stock's folds are
    disjoint years; the tail reads them, and the stocks, as independent tests).
    """
    rows = []
    for model, part in board.groupby(level="model", sort=False):
        for suffix, reference in (("", "persistence"), (" (rule)", "rule")):
            counted = part[
                ["better" + suffix, "same" + suffix, "worse" + suffix]
            ].dropna()
            if counted.empty:
                continue
            tests, favourable = (
                int(counted.to_numpy().sum()),
                int(counted["better" + suffix].sum()),
            )
            expected, tail = chance_count(tests, favourable, level)
            rows.append(
                {
                    "model": model,
                    "against": reference,
                    "tests": tests,
                    "better": favourable,
                    "by chance": expected,
                    "P(at least this many)": tail,
                }
            )
    return pd.DataFrame(rows).set_index(["model", "against"])


def short_names(target: str = "High") -> dict[str, str]:
    """Short labels for the two Close-based rules, for tables that must fit a page."""
    return {
        f"{target} from Close (training-years ratio)": "rule, training-years ratio",
        f"{target} from Close (60-day ratio)": "rule, 60-day ratio",
    }


def board_tables(
    board: pd.DataFrame, target: str = "High"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The :func:`scoreboard` as two narrow tables to print: against persistence,
    against the rule.

    Ratios are rounded to three decimals, the range written ``min-max``, the
    fold counts ``better/same/worse``, p-values to four decimals; the rules
    get their :func:`short_names`. The rule's table is empty where no stock has the
    rule.
    """
    board = board.rename(index=short_names(target), level="model")

    def counts(suffix: str) -> pd.Series:
        parts = [board[k + suffix] for k in ("better", "same", "worse")]
        return pd.Series(
            [
                ("" if np.isnan(b) else f"{b:.0f}/{s:.0f}/{w:.0f}")
                for b, s, w in zip(*parts, strict=True)
            ],
            index=board.index,
        )

    def spread(suffix: str, frame: pd.DataFrame) -> list[str]:
        return [
            f"{lo:.3f}-{hi:.3f}"
            for lo, hi in zip(frame["min" + suffix], frame["max" + suffix], strict=True)
        ]

    persistence = pd.DataFrame(
        {
            "runs": board["runs"],
            "RMSE ratio": board["vs persistence"].round(3),
            "range": spread("", board),
            "folds b/s/w": counts(""),
            "pooled DM": board["pooled DM"].round(2),
            "pooled p": board["pooled p"].round(4),
        }
    )
    with_rule = board.dropna(subset=["vs rule"])
    rule = pd.DataFrame(
        {
            "RMSE ratio": with_rule["vs rule"].round(3),
            "range": spread(" (rule)", with_rule),
            "folds b/s/w": counts(" (rule)").loc[with_rule.index],
            "pooled p": with_rule["pooled p (rule)"].round(4),
        }
    )
    return persistence, rule
