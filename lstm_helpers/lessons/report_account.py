"""Why the report's table says what it says: the readings of its code, each measured.

The report prints one RMSE per stock and model. Re-run per stock with its
protocol, the course gets its IBM number but a third to a quarter of its AAPL,
AMZN and HD numbers. Its code allows other readings, and each is a set of
models trained through the course's one cached path
(:func:`lstm_helpers.training.scheduler.train_many`):

- **last year only**: its Step 3 as printed, ``training_set = dataset['2016']``:
  model and MinMax scaler fitted on the last training year alone
  (:func:`last_year_windows`);
- **one model for every stock**: Steps 5 and 6 never show the model rebuilt, so
  a model trained once on one stock (IBM, the worked example, or AABA, the
  file its Step 2 reads) forecasts every stock's test year, each stock's
  windows scaled with that stock's own scaler (Step 4 re-run) or with the
  training stock's (:func:`transfer_job`, :func:`applied`).

:func:`account_table` scores every run against the report's numbers.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

from lstm_helpers.data.periods import Split
from lstm_helpers.data.windows import WindowedData, report_windows
from lstm_helpers.evaluation.metrics import rmse
from lstm_helpers.training import scheduler
from lstm_helpers.training.jobs import TrainJob

EXAMPLE_TICKER = "IBM"
"""The stock the report's worked example (Steps 1-6, plot titles) names."""

FILE_TICKER = "AABA"
"""The stock whose file the report's Step 2 reads
(``AABA_2006-01-01_to_2018-01-01.csv``)."""

PER_STOCK = "per stock"
SCALED = "per stock, RMSE of the scaled values"
LAST_YEAR = "per stock, last training year only"
OWN_SCALER = "own scaler"
SOURCE_SCALER = "source's scaler"


def hypothesis_name(source: str, how: str) -> str:
    """``"IBM's model, each stock's own scaler"`` or ``"IBM's model, IBM's scaler"``."""
    return f"{source}'s model, " + (
        "each stock's own scaler" if how == OWN_SCALER else f"{source}'s scaler"
    )


def account_sources(
    tickers: list[str], available: list[str]
) -> tuple[list[str], list[str]]:
    """The stocks whose model forecasts every stock: IBM and AABA, or the first ticker
    where one is missing.

    Parameters
    ----------
    tickers : list of str
        The lesson's stocks.
    available : list of str
        Every stock with a price file in the lesson's data folder.

    Returns
    -------
    (sources, notes)
        The distinct sources in order (example, file), and a line for each stand-in.
    """
    if not tickers:
        raise ValueError("no tickers given")
    chosen, notes = [], []
    for wanted, why in (
        (EXAMPLE_TICKER, "the report's worked example"),
        (FILE_TICKER, "the file the report reads"),
    ):
        if wanted in available:
            chosen.append(wanted)
        else:
            chosen.append(tickers[0])
            notes.append(
                f"no {wanted} file ({why}) in the data folder: "
                f"{tickers[0]} stands in for it"
            )
    return list(dict.fromkeys(chosen)), notes


def last_year_windows(
    series: pd.Series, split: Split, window: int = 60
) -> WindowedData:
    """The report's Step 3 as printed: windows whose model and scaler see the last
    training year only.

    The test windows are those of :func:`lstm_helpers.data.windows.report_windows`
    (their first 60 days are the end of that year), scaled with the scaler
    fitted on that year.

    Raises
    ------
    ValueError
        If the last training year holds no more than ``window`` days.
    """
    year = str(split.train_year)
    part = series.loc[year:]
    if len(part.loc[: split.train_end]) <= window:
        raise ValueError(
            f"{series.name}: {len(part.loc[: split.train_end])} "
            f"days in {year} "
            f"is too few for {window}-day windows"
        )
    return report_windows(part, window=window, **split.windows())


def rescaled(data: WindowedData, scaler: MinMaxScaler) -> WindowedData:
    """``data`` with every array scaled by ``scaler`` instead of its own, and forecasts
    undone by it.

    What the report's Step 6 computes when the scaler ``sc`` still holds
    another stock's fit: ``sc.transform`` of this stock's prices, then
    ``sc.inverse_transform`` of the forecasts.
    """

    def move(values: np.ndarray) -> np.ndarray:
        prices = data.scaler.inverse_transform(
            np.asarray(values, dtype=float).reshape(-1, 1)
        )
        return scaler.transform(prices).reshape(np.shape(values))

    return replace(
        data,
        X_train=move(data.X_train),
        y_train=move(data.y_train),
        X_test=move(data.X_test),
        y_test=move(data.y_test),
        scaler=scaler,
    )


def applied(
    source: str, targets: dict[str, WindowedData]
) -> dict[tuple[str, str], WindowedData]:
    """The test windows a model trained on ``targets[source]`` forecasts: every stock,
    each way of scaling it.

    Returns
    -------
    dict
        ``(ticker, OWN_SCALER)`` for every stock and ``(ticker, SOURCE_SCALER)``
        for every stock but the source (there the two coincide), in the order
        of ``targets``.
    """
    if source not in targets:
        raise ValueError(
            f"the source {source!r} is not among the stocks {list(targets)}"
        )
    out: dict[tuple[str, str], WindowedData] = {}
    for ticker, data in targets.items():
        out[(ticker, OWN_SCALER)] = data
        if ticker != source:
            out[(ticker, SOURCE_SCALER)] = rescaled(data, targets[source].scaler)
    return out


def transfer_job(
    config, source: WindowedData, inputs: dict, seed: int, label: str = ""
) -> TrainJob:
    """One model trained on ``source``'s training windows that forecasts every window
    set of ``inputs``.

    ``inputs`` is :func:`applied`'s dict; the job predicts their test windows
    one after another (:func:`split_outputs` cuts them apart again).
    """
    X_predict = np.concatenate([d.X_test for d in inputs.values()])
    return TrainJob(
        config, source.X_train, source.y_train, X_predict, seed, label=label
    )


def split_outputs(outputs: np.ndarray, inputs: dict) -> dict:
    """Cut one transfer job's outputs into the forecasts in dollars of each window set
    of ``inputs``."""
    sizes = [len(d.X_test) for d in inputs.values()]
    if sum(sizes) != len(outputs):
        raise ValueError(f"{len(outputs)} outputs for {sum(sizes)} test windows")
    parts = np.split(np.asarray(outputs), np.cumsum(sizes)[:-1])
    return {
        key: data.to_prices(part)
        for (key, data), part in zip(inputs.items(), parts, strict=True)
    }


def account_table(
    runs: pd.DataFrame,
    report: dict[tuple[str, str], float],
    stand_in: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Every (hypothesis, model, stock) over its seeds, beside the report's number.

    Parameters
    ----------
    runs : DataFrame
        One row per run, columns ``hypothesis``, ``model``, ``ticker``, ``seed``,
        ``rmse``.
    report : dict
        ``(ticker, model) -> RMSE`` (the report's table).
    stand_in : dict, optional
        ``ticker -> report row`` for a stock scored against another row of the
        report (``{"AABA": "IBM"}``: AABA's own error against the report's "IBM").

    Returns
    -------
    DataFrame
        Indexed by (hypothesis, model, ticker) in first-seen order; columns
        ``mean``, ``std`` (ddof 1; NaN for one run), ``min``, ``max``, ``runs``,
        ``report`` (NaN where the report has no number), ``ratio`` (mean over
        the report's number) and ``within`` (the report's number lies between
        the lowest and highest run: a match within the seed spread; False where
        there is nothing to compare).
    """
    missing = {"hypothesis", "model", "ticker", "seed", "rmse"} - set(runs.columns)
    if missing:
        raise ValueError(f"runs lacks the column(s) {sorted(missing)}")
    stand_in = stand_in or {}
    keys = ["hypothesis", "model", "ticker"]
    order = list(dict.fromkeys(zip(*(runs[k] for k in keys), strict=True)))
    grouped = runs.groupby(keys, sort=False)["rmse"]
    table = pd.DataFrame(
        {
            "mean": grouped.mean(),
            "std": grouped.std(),
            "min": grouped.min(),
            "max": grouped.max(),
            "runs": grouped.size(),
        }
    ).loc[order]
    table["report"] = [
        report.get((stand_in.get(t, t), m), np.nan) for _, m, t in table.index
    ]
    table["ratio"] = table["mean"] / table["report"]
    table["within"] = (table["min"] <= table["report"]) & (
        table["report"] <= table["max"]
    )
    return table


def run_account(
    prices: dict[str, pd.DataFrame],
    configs: dict,
    seeds: list[int],
    split: Split,
    train_tickers: list[str],
    sources: list[str],
    target: str = "High",
    per_stock: pd.DataFrame | None = None,
    scored_tickers: list[str] | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Train (or load) every model the readings need and score every run on every
    stock's test days.

    Parameters
    ----------
    prices : dict of str -> DataFrame
        Every stock to forecast, the sources included.
    configs : dict of str -> ModelConfig
        Model name (``"LSTM default"``) -> configuration.
    seeds : list of int
    split : Split
    train_tickers : list of str
        The stocks trained on their last training year alone.
    sources : list of str
        The stocks whose model forecasts every stock (each also gives its own per-stock
        runs).
    target : str, default "High"
    per_stock : DataFrame, optional
        Runs of the per-stock protocol already made (the comparison's: columns
        ``ticker``, ``model``, ``seed``, ``rmse``), for the stocks that are not sources.
    scored_tickers : list of str, optional
        The stocks every source's model forecasts (default: all of ``prices``); a
        source outside them is scored on its own test days only (its per-stock runs).
    workers : int, optional
        For :func:`lstm_helpers.training.scheduler.train_many`.

    Returns
    -------
    DataFrame
        One row per run and stock: ``hypothesis``, ``model``, ``ticker``,
        ``seed``, ``rmse`` (in dollars, or in scaled units for :data:`SCALED`),
        ``source`` (trained, cache, published; ``comparison`` for ``per_stock``).
    """
    unknown = [
        t
        for t in [*train_tickers, *sources, *(scored_tickers or [])]
        if t not in prices
    ]
    if unknown:
        raise ValueError(f"no prices for {unknown}")
    scored = list(prices) if scored_tickers is None else list(scored_tickers)
    windows = {
        t: report_windows(frame[target], **split.windows())
        for t, frame in prices.items()
    }
    jobs, plans = [], []
    for name, config in configs.items():
        for seed in seeds:
            for ticker in train_tickers:
                data = last_year_windows(prices[ticker][target], split)
                jobs.append(
                    TrainJob(
                        config,
                        data.X_train,
                        data.y_train,
                        data.X_test,
                        seed,
                        label=f"{ticker} {config.name} last year seed {seed}",
                    )
                )
                plans.append((name, seed, None, {(ticker, OWN_SCALER): data}))
            for source in sources:
                inputs = applied(
                    source,
                    {t: w for t, w in windows.items() if t in scored or t == source},
                )
                jobs.append(
                    transfer_job(
                        config,
                        windows[source],
                        inputs,
                        seed,
                        label=f"{source} {config.name} seed {seed} on every stock",
                    )
                )
                plans.append((name, seed, source, inputs))
    results = scheduler.train_many(jobs, workers=workers)
    rows = []
    for (name, seed, source, inputs), result in zip(plans, results, strict=True):
        for (ticker, how), forecast in split_outputs(result.outputs, inputs).items():
            hypothesis = (
                LAST_YEAR
                if source is None
                else PER_STOCK
                if ticker == source
                else hypothesis_name(source, how)
            )
            rows.append(
                {
                    "hypothesis": hypothesis,
                    "model": name,
                    "ticker": ticker,
                    "seed": seed,
                    "rmse": rmse(inputs[(ticker, how)].test_actual, forecast),
                    "source": result.source,
                }
            )
    runs = pd.DataFrame(rows)
    if per_stock is not None:
        extra = per_stock[
            per_stock["model"].isin(configs)
            & ~per_stock["ticker"].isin(sources)
            & per_stock["ticker"].isin(prices)
        ]
        extra = extra[["model", "ticker", "seed", "rmse"]].assign(
            hypothesis=PER_STOCK, source="comparison"
        )
        runs = pd.concat([runs, extra], ignore_index=True)
    own = runs[runs["hypothesis"] == PER_STOCK]
    scaled = own.assign(
        hypothesis=SCALED,
        rmse=[
            r / windows[t].scaler.data_range_[0]
            for r, t in zip(own["rmse"], own["ticker"], strict=True)
        ],
    )
    runs = pd.concat([runs, scaled], ignore_index=True)
    order = [PER_STOCK, SCALED, LAST_YEAR] + [
        hypothesis_name(s, h) for s in sources for h in (OWN_SCALER, SOURCE_SCALER)
    ]
    tickers = list(prices)
    runs["_h"] = runs["hypothesis"].map(order.index)
    runs["_t"] = runs["ticker"].map(tickers.index)
    runs["_m"] = runs["model"].map(list(configs).index)
    return (
        runs.sort_values(["_h", "_m", "_t", "seed"])
        .drop(columns=["_h", "_t", "_m"])
        .reset_index(drop=True)
    )


def format_account(
    table: pd.DataFrame,
    model: str,
    stand_in: dict[str, str] | None = None,
    tickers: list[str] | None = None,
    spread: str = "std",
) -> pd.DataFrame:
    """One model's rows of :func:`account_table` as text, hypothesis x stock, the
    report's numbers last.

    A cell reads ``mean ± std`` over the seeds (``spread="range"``: ``lowest - highest``
    run) to three significant figures, with
    ``*`` where the report's number lies between the lowest and the highest run;
    a row's label ends with its number of seeds. A stock scored against another
    stock's row of the report (``stand_in``, as in :func:`account_table`) shows
    that row's number with its name. ``tickers`` orders the columns (default:
    as they first appear).
    """
    if spread not in ("std", "range"):
        raise ValueError(f"spread must be 'std' or 'range', got {spread!r}")
    stand_in = stand_in or {}
    if model not in table.index.get_level_values("model"):
        raise ValueError(f"no runs of {model!r} in the table")
    part = table.xs(model, level="model")
    cells: dict[str, dict[str, str]] = {}
    for (hypothesis, ticker), row in part.iterrows():
        digits = _digits(row["mean"])
        if spread == "range":
            value = (
                f"{row['min']:.{digits}f}"
                if row["runs"] == 1
                else f"{row['min']:.{digits}f} - {row['max']:.{digits}f}"
            )
        else:
            value = f"{row['mean']:.{digits}f}" + (
                "" if np.isnan(row["std"]) else f" ± {row['std']:.{digits}f}"
            )
        runs = part.loc[hypothesis, "runs"]
        label = (
            f"{hypothesis} ({runs.min()}"
            + (f"-{runs.max()}" if runs.max() != runs.min() else "")
            + (" seed)" if runs.max() == 1 else " seeds)")
        )
        cells.setdefault(label, {})[ticker] = value + (" *" if row["within"] else "")
    out = pd.DataFrame(cells).T
    if tickers is not None:
        out = out[
            [t for t in tickers if t in out.columns]
            + [t for t in out.columns if t not in tickers]
        ]
    report = part.groupby(level="ticker", sort=False)["report"].first()
    report = report[[t for t in out.columns if t in report.index]]
    out.loc["the report"] = [
        (f"{v:.{_digits(v)}f}" + (f" ({stand_in[t]}'s)" if t in stand_in else ""))
        if np.isfinite(v)
        else ""
        for t, v in report.reindex(out.columns).items()
    ]
    return out.fillna("")


def _digits(value: float) -> int:
    """Decimals that show three significant figures of ``value`` (none for 100 and
    above)."""
    if not np.isfinite(value) or value == 0:
        return 2
    return int(max(0, 2 - np.floor(np.log10(abs(value)))))
