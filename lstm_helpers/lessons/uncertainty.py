"""How sure is a forecast: bands from a random walk, from past errors, from conformal
prediction and from networks that forecast a distribution.

Every method here gives, for each test origin and horizon, the quantiles of the
relative change ``actual / origin - 1`` at :data:`LEVELS` (the edges of the central
80% and 95% bands and the median), shape (m, K, L): m origins, K horizons, L levels.
One scoring path (:func:`band_scores`) then measures them all the same way.

- **random walk**: the training years' daily volatility grown by ``sqrt(h)``
  (:func:`random_walk_quantiles`);
- **empirical**: the quantiles of persistence's errors on the validation year, the
  multi-step lesson's band (:func:`empirical_quantiles`);
- **split conformal**: a symmetric band whose half-width is the conformal quantile of
  the validation year's absolute errors (:func:`split_conformal_quantiles`);
- **adaptive conformal**: the same, with a level that moves through the test year
  from the errors already seen (:func:`adaptive_conformal_quantiles`);
- **quantile LSTM** and **Gaussian LSTM**: the networks of
  :mod:`lstm_helpers.models.distribution_models` (:func:`network_quantiles`).

The windows are the multi-step lesson's
(:func:`lstm_helpers.lessons.multi_step.horizon_windows`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from lstm_helpers.evaluation.conformal import adaptive_conformal, conformal_quantile
from lstm_helpers.evaluation.distribution_scores import (
    coverage,
    crps_gaussian,
    crps_lognormal,
    quantile_scores,
    winkler_scores,
)
from lstm_helpers.evaluation.significance import score_difference_test
from lstm_helpers.lessons.multi_step import HorizonData, strategy_job
from lstm_helpers.models.distribution_models import LEVELS, DistributionConfig
from lstm_helpers.training.jobs import TrainJob

__all__ = [
    "COVERAGES",
    "LEVELS",
    "DistributionConfig",
    "adaptive_conformal_quantiles",
    "adaptive_summary",
    "band_scores",
    "calibration_curves",
    "coverage_by_level",
    "day_scores",
    "distribution_configs",
    "distribution_job",
    "empirical_quantiles",
    "gaussian_crps",
    "network_quantiles",
    "random_walk_crps",
    "random_walk_quantiles",
    "realised_changes",
    "score_methods",
    "score_tests",
    "split_conformal_quantiles",
    "spread_against_volatility",
]

COVERAGES: tuple[float, ...] = (0.8, 0.95)
"""The bands' nominal coverages; :data:`LEVELS` holds their edges."""


def _band_levels(coverage_: float) -> tuple[int, int]:
    """The positions in :data:`LEVELS` of a central band's lower and upper edge."""
    tail = round((1.0 - coverage_) / 2.0, 10)
    levels = [round(v, 10) for v in LEVELS]
    if tail not in levels or round(1.0 - tail, 10) not in levels:
        raise ValueError(f"LEVELS hold no edges of a {coverage_:.0%} band")
    return levels.index(tail), levels.index(round(1.0 - tail, 10))


def realised_changes(data: HorizonData, horizons: tuple[int, ...]) -> dict:
    """The relative changes that happened, ``actual / origin - 1``, per part.

    Returns
    -------
    dict
        ``"val"`` (n_val, K) and ``"test"`` (m, K); NaN where the day ``h`` ahead is
        past the test period.
    """
    cols = [h - 1 for h in horizons]
    return {
        "val": data.val_actual[:, cols] / data.val_origin_price[:, None] - 1.0,
        "test": data.actual[:, cols] / data.origin_price[:, None] - 1.0,
    }


def distribution_configs(
    horizons: tuple[int, ...], units: int = 32, epochs: int = 30
) -> dict[str, DistributionConfig]:
    """The two networks, each forecasting every horizon of ``horizons`` at once."""
    k = len(horizons)
    return {
        "quantile LSTM": DistributionConfig(
            "quantile LSTM", "quantile", units, k, epochs=epochs
        ),
        "Gaussian LSTM": DistributionConfig(
            "Gaussian LSTM", "gaussian", units, k, epochs=epochs
        ),
    }


def distribution_job(
    config: DistributionConfig,
    horizons: tuple[int, ...],
    data: HorizonData,
    seed: int,
    label: str = "",
) -> TrainJob:
    """The training job of one network: the multi-step lesson's windows, its targets
    the scaled changes at ``horizons``."""
    return strategy_job(config, tuple(horizons), data, seed, label)


def network_quantiles(
    config: DistributionConfig, outputs: np.ndarray, data: HorizonData
) -> dict:
    """A trained network's forecasts as quantiles of the relative change at
    :data:`LEVELS`.

    The networks forecast scaled changes (divided by ``data.scale``); this multiplies
    them back. The Gaussian network's quantiles are ``mean + z * scale``.

    Returns
    -------
    dict
        ``"val"`` (n_val, K, L) and ``"test"`` (m, K, L) quantiles; for the Gaussian
        network also ``"mean"`` and ``"sd"``, each a dict of ``"val"`` and ``"test"``
        arrays (n, K), in relative units.
    """
    n, k = len(data.history), config.horizons
    outputs = np.asarray(outputs, dtype=float).reshape(n, -1) * data.scale
    if config.kind == "quantile":
        if tuple(config.levels) != LEVELS:
            raise ValueError(f"the network's levels {config.levels} are not {LEVELS}")
        q = data.parts(outputs.reshape(n, k, len(LEVELS)))
        return {"val": q["val"], "test": q["test"]}
    mean, sd = data.parts(outputs[:, :k]), data.parts(outputs[:, k:])
    z = norm.ppf(LEVELS)
    out = {
        part: mean[part][:, :, None] + z[None, None, :] * sd[part][:, :, None]
        for part in ("val", "test")
    }
    out["mean"] = {part: mean[part] for part in ("val", "test")}
    out["sd"] = {part: sd[part] for part in ("val", "test")}
    return out


def random_walk_quantiles(
    sigma: float, horizons: tuple[int, ...], levels: tuple[float, ...] = LEVELS
) -> np.ndarray:
    """A random walk's quantiles of the relative change, ``exp(z sigma sqrt(h)) - 1``,
    shape (K, L).

    ``sigma`` is the training years' standard deviation of the daily log change.
    """
    z = norm.ppf(levels)
    spread = sigma * np.sqrt(np.asarray(horizons, dtype=float))
    return np.exp(spread[:, None] * z[None, :]) - 1.0


def empirical_quantiles(
    val_errors: np.ndarray, levels: tuple[float, ...] = LEVELS
) -> np.ndarray:
    """Quantiles of the validation year's errors per horizon, shape (K, L): the
    multi-step lesson's empirical band (no finite-sample correction)."""
    return np.nanquantile(np.asarray(val_errors, dtype=float), levels, axis=0).T


def _symmetric(center: np.ndarray, half: dict[float, np.ndarray]) -> np.ndarray:
    """Quantiles at :data:`LEVELS` of symmetric bands: ``center`` (m, K) at the median,
    ``center ± half[c]`` at the edges of each coverage ``c``; shape (m, K, L)."""
    center = np.asarray(center, dtype=float)
    out = np.full((*center.shape, len(LEVELS)), np.nan)
    out[:, :, LEVELS.index(0.5)] = center
    for c, width in half.items():
        low, high = _band_levels(c)
        out[:, :, low] = center - width
        out[:, :, high] = center + width
    return out


def split_conformal_quantiles(
    val_center: np.ndarray,
    val_realised: np.ndarray,
    test_center: np.ndarray,
    coverages: tuple[float, ...] = COVERAGES,
) -> np.ndarray:
    """Split conformal bands around a point forecast, shape (m, K, L).

    The score of a validation origin is its absolute error ``|realised - center|``;
    the half-width at coverage ``c`` is the conformal quantile of those scores
    (:func:`lstm_helpers.evaluation.conformal.conformal_quantile`, with the
    finite-sample correction), one per horizon.

    Parameters
    ----------
    val_center, val_realised : ndarray, shape (n_val, K)
        The point forecast and what happened on the validation origins.
    test_center : ndarray, shape (m, K)
        The point forecast on the test origins (0 for persistence).
    """
    scores = np.abs(np.asarray(val_realised) - np.asarray(val_center))
    half = {
        c: np.array(
            [conformal_quantile(s[~np.isnan(s)], c) for s in scores.T], dtype=float
        )[None, :]
        for c in coverages
    }
    return _symmetric(test_center, half)


def adaptive_conformal_quantiles(
    val_center: np.ndarray,
    val_realised: np.ndarray,
    test_center: np.ndarray,
    test_realised: np.ndarray,
    horizons: tuple[int, ...],
    gamma: float,
    coverages: tuple[float, ...] = COVERAGES,
) -> tuple[np.ndarray, dict[float, np.ndarray]]:
    """Adaptive conformal bands, shape (m, K, L), and the level each day used.

    Each horizon ``h`` runs :func:`lstm_helpers.evaluation.conformal.adaptive_conformal`
    on the test origins' absolute errors in time order with ``delay = h``: the error of
    origin ``s`` is known on day ``s + h``, so the band of origin ``t`` reads the
    validation year's errors and those of origins ``s <= t - h`` only.

    Returns
    -------
    quantiles : ndarray, shape (m, K, L)
    alphas : dict
        Coverage -> (m, K) array: the miss rate ``alpha`` each origin's band used.
    """
    val_scores = np.abs(np.asarray(val_realised) - np.asarray(val_center))
    test_scores = np.abs(np.asarray(test_realised) - np.asarray(test_center))
    half, alphas = {}, {}
    for c in coverages:
        q_cols, a_cols = [], []
        for k, h in enumerate(horizons):
            cal = val_scores[:, k][~np.isnan(val_scores[:, k])]
            q, alpha = adaptive_conformal(test_scores[:, k], cal, c, gamma, delay=h)
            q_cols.append(q)
            a_cols.append(alpha)
        half[c], alphas[c] = np.stack(q_cols, axis=1), np.stack(a_cols, axis=1)
    return _symmetric(test_center, half), alphas


def band_scores(
    realised: np.ndarray,
    quantiles: np.ndarray,
    horizons: tuple[int, ...],
    coverages: tuple[float, ...] = COVERAGES,
) -> pd.DataFrame:
    """Score quantile forecasts of the relative change, one row per horizon.

    Everything is in % of the origin's price, on the origins whose day ``h`` ahead is
    known: ``coverage c`` (the share inside the central band), ``width c`` (its mean
    width), ``Winkler c`` (the mean interval score) for each coverage, and
    ``pinball`` (the pinball loss averaged over :data:`LEVELS` and days).

    Parameters
    ----------
    realised : ndarray, shape (m, K)
    quantiles : ndarray, shape (m, K, L) or (K, L) (the same for every origin)
    """
    realised = np.asarray(realised, dtype=float)
    quantiles = np.broadcast_to(
        np.asarray(quantiles, dtype=float), (*realised.shape, len(LEVELS))
    )
    rows = []
    for k, h in enumerate(horizons):
        known = ~np.isnan(realised[:, k])
        y, q = realised[known, k], quantiles[known, k, :]
        row: dict[str, float] = {"h": h}
        for c in coverages:
            low, high = _band_levels(c)
            row[f"coverage {c:.0%}"] = 100 * coverage(y, q[:, low], q[:, high])
            row[f"width {c:.0%}"] = 100 * float(np.mean(q[:, high] - q[:, low]))
            row[f"Winkler {c:.0%}"] = 100 * float(
                np.mean(winkler_scores(y, q[:, low], q[:, high], c))
            )
        row["pinball"] = 100 * float(np.mean(quantile_scores(y, q, LEVELS)))
        rows.append(row)
    return pd.DataFrame(rows).set_index("h")


def day_scores(realised: np.ndarray, quantiles: np.ndarray, k: int) -> np.ndarray:
    """The pinball loss of each known origin at horizon column ``k``, averaged over
    :data:`LEVELS`, in %: the day-by-day score two methods are tested on."""
    realised = np.asarray(realised, dtype=float)
    quantiles = np.broadcast_to(
        np.asarray(quantiles, dtype=float), (*realised.shape, len(LEVELS))
    )
    known = ~np.isnan(realised[:, k])
    return 100 * quantile_scores(realised[known, k], quantiles[known, k, :], LEVELS)


def gaussian_crps(realised: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """The mean CRPS per horizon column (%), on the known origins, of Gaussian forecasts
    of the relative change, shape (K,)."""
    realised = np.asarray(realised, dtype=float)
    mean, sd = (
        np.broadcast_to(mean, realised.shape),
        np.broadcast_to(sd, realised.shape),
    )
    out = []
    for k in range(realised.shape[1]):
        known = ~np.isnan(realised[:, k])
        out.append(
            100
            * float(
                np.mean(crps_gaussian(realised[known, k], mean[known, k], sd[known, k]))
            )
        )
    return np.array(out)


def coverage_by_level(
    realised: np.ndarray, band: callable, nominal: np.ndarray
) -> np.ndarray:
    """The coverage (%) of central bands at each ``nominal`` level, per horizon column,
    shape (len(nominal), K).

    ``band(c)`` returns the lower and upper edges at coverage ``c``, each broadcastable
    to ``realised``'s shape (m, K).
    """
    realised = np.asarray(realised, dtype=float)
    out = np.empty((len(nominal), realised.shape[1]))
    for i, c in enumerate(nominal):
        low, high = (np.broadcast_to(v, realised.shape) for v in band(float(c)))
        for k in range(realised.shape[1]):
            known = ~np.isnan(realised[:, k])
            out[i, k] = 100 * coverage(
                realised[known, k], low[known, k], high[known, k]
            )
    return out


def random_walk_crps(
    realised: np.ndarray, sigma: float, horizons: tuple[int, ...]
) -> np.ndarray:
    """The random walk's mean CRPS per horizon column (%), on the known origins, shape
    (K,).

    Its price ``h`` days ahead is the origin's times ``exp(X)``, ``X ~ N(0, sigma^2
    h)``: the relative change plus one is log-normal, and the CRPS does not change
    when forecast and outcome shift together.
    """
    realised = np.asarray(realised, dtype=float)
    out = []
    for k, h in enumerate(horizons):
        known = ~np.isnan(realised[:, k])
        scores = crps_lognormal(1.0 + realised[known, k], 0.0, sigma * np.sqrt(h))
        out.append(100 * float(np.mean(scores)))
    return np.array(out)


def score_methods(
    realised: dict, methods: dict, horizons: tuple[int, ...]
) -> pd.DataFrame:
    """:func:`band_scores` of every method on every stock and seed, one row each per
    horizon.

    Parameters
    ----------
    realised : dict
        Ticker -> (m, K) relative changes of the test origins.
    methods : dict
        (ticker, method, seed) -> quantiles, (m, K, L) or (K, L).
    """
    rows = [
        band_scores(realised[t], q, horizons).assign(ticker=t, method=name, seed=seed)
        for (t, name, seed), q in methods.items()
    ]
    return pd.concat(rows).reset_index()


def score_tests(
    realised: dict,
    methods: dict,
    horizons: tuple[int, ...],
    against: str,
    level: float = 0.05,
) -> pd.DataFrame:
    """Each method's day-by-day pinball loss (:func:`day_scores`) tested against one
    method's, per stock, seed and horizon.

    The test is Diebold and Mariano's with the HLN correction
    (:func:`~lstm_helpers.evaluation.significance.score_difference_test`) at the
    horizon's ``h``: forecasts ``h`` days ahead overlap, so their losses are correlated
    up to lag ``h - 1``. ``against`` has one entry per stock (seed 0).

    Returns
    -------
    DataFrame
        ticker, method, seed, h, statistic (negative: the method scores lower, better),
        p, and verdict (``better``, ``no significant difference``, ``worse`` at
        ``level``, two-sided).
    """
    rows = []
    for (t, name, seed), q in methods.items():
        if name == against:
            continue
        base = methods[(t, against, 0)]
        for k, h in enumerate(horizons):
            a = day_scores(realised[t], q, k)
            b = day_scores(realised[t], base, k)
            result = score_difference_test(a, b, horizon=h)
            verdict = (
                "no significant difference"
                if result.p_value >= level
                else ("better" if result.statistic < 0 else "worse")
            )
            rows.append(
                {
                    "ticker": t,
                    "method": name,
                    "seed": seed,
                    "h": h,
                    "statistic": result.statistic,
                    "p": result.p_value,
                    "verdict": verdict,
                }
            )
    return pd.DataFrame(rows)


def calibration_curves(
    realised: dict,
    sigma: dict,
    gaussian: dict,
    horizons: tuple[int, ...],
    nominal: np.ndarray,
) -> dict[str, np.ndarray]:
    """The coverage (%) of four bands at every ``nominal`` level, averaged over the
    stocks (and the seeds), shape (len(nominal), K) each.

    Parameters
    ----------
    realised : dict
        Ticker -> ``{"val": (n_val, K), "test": (m, K)}`` relative changes.
    sigma : dict
        Ticker -> the training years' daily volatility (the random walk's).
    gaussian : dict
        Ticker -> list of the Gaussian network's :func:`network_quantiles`, one per
        seed.
    """
    curves: dict[str, list[np.ndarray]] = {
        "random walk": [],
        "empirical": [],
        "split conformal": [],
        "Gaussian LSTM": [],
    }
    for t, r in realised.items():
        test, val = r["test"], r["val"]
        spread = sigma[t] * np.sqrt(np.asarray(horizons, dtype=float))[None, :]

        def walk(c: float, spread: np.ndarray = spread) -> tuple:
            z = norm.ppf(0.5 + c / 2.0)
            return np.exp(-z * spread) - 1.0, np.exp(z * spread) - 1.0

        def empirical(c: float, val: np.ndarray = val) -> tuple:
            tail = (1.0 - c) / 2.0
            return (
                np.nanquantile(val, tail, axis=0)[None, :],
                np.nanquantile(val, 1.0 - tail, axis=0)[None, :],
            )

        def conformal(c: float, val: np.ndarray = val) -> tuple:
            q = np.array(
                [conformal_quantile(np.abs(v[~np.isnan(v)]), c) for v in val.T]
            )[None, :]
            return -q, q

        curves["random walk"].append(coverage_by_level(test, walk, nominal))
        curves["empirical"].append(coverage_by_level(test, empirical, nominal))
        curves["split conformal"].append(coverage_by_level(test, conformal, nominal))
        for net in gaussian[t]:
            mean, sd = net["mean"]["test"], net["sd"]["test"]

            def band(c: float, mean: np.ndarray = mean, sd: np.ndarray = sd) -> tuple:
                z = norm.ppf(0.5 + c / 2.0)
                return mean - z * sd, mean + z * sd

            curves["Gaussian LSTM"].append(coverage_by_level(test, band, nominal))
    return {k: np.mean(v, axis=0) for k, v in curves.items() if v}


def spread_against_volatility(
    series: pd.Series,
    origins: pd.DatetimeIndex,
    gaussian: list[dict],
    quantile: list[dict],
    sigma: float,
    window: int = 20,
) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """The networks' spread at the first horizon beside the volatility, per test
    origin.

    The spreads are in % of the price, means over the seeds: the Gaussian network's
    scale, and the quantile network's 80% band width divided by ``2 * 1.2816`` (the
    width of a normal 80% band in standard deviations). The volatility is the standard
    deviation of the daily log changes (%) over the ``window`` days up to the origin
    (``past``, what the network read) and over the ``window`` days after it
    (``ahead``, what it should forecast).

    Returns
    -------
    lines : dict
        Label -> values per origin, for
        :func:`~lstm_helpers.lessons.plots.plot_band_widths`.
    row : dict
        Mean spreads, the random walk's sigma, the test period's volatility and the
        Gaussian scale's correlation with the past and the coming volatility.
    """
    moves = 100 * np.log(series.astype(float)).diff()
    past = moves.rolling(window).std().reindex(origins).to_numpy()
    ahead = moves.rolling(window).std().shift(-window).reindex(origins).to_numpy()
    g = 100 * np.mean([net["sd"]["test"][:, 0] for net in gaussian], axis=0)
    q = np.mean([net["test"][:, 0] for net in quantile], axis=0)
    low, high = _band_levels(0.8)
    q = 100 * (q[:, high] - q[:, low]) / (2 * norm.ppf(0.9))
    test_moves = moves.loc[origins[0] : origins[-1]].iloc[1:]
    lines = {
        f"recent volatility ({window} days)": past,
        "Gaussian LSTM sd": g,
        "quantile LSTM, 80% width / 2.56": q,
        "random walk sd": np.full(len(g), 100 * sigma),
    }
    row = {
        "Gaussian sd": float(g.mean()),
        "quantile sd": float(q.mean()),
        "walk sd": 100 * sigma,
        "test sd": float(test_moves.std()),
        "corr past": float(pd.Series(g).corr(pd.Series(past))),
        "corr ahead": float(pd.Series(g).corr(pd.Series(ahead))),
    }
    return lines, row


def adaptive_summary(
    realised: dict, horizons: tuple[int, ...], gamma: float, coverage_: float = 0.8
) -> pd.DataFrame:
    """How the adaptive band around persistence moved through the test year, per stock
    and horizon: the fixed (split-conformal) half-width, the adaptive half-width on the
    first and the last origin (%), and the miss rate it aimed at on the last origin."""
    rows = {}
    for t, r in realised.items():
        zero_val, zero_test = np.zeros_like(r["val"]), np.zeros_like(r["test"])
        fixed = split_conformal_quantiles(zero_val, r["val"], zero_test, (coverage_,))
        moving, alphas = adaptive_conformal_quantiles(
            zero_val, r["val"], zero_test, r["test"], horizons, gamma, (coverage_,)
        )
        high = _band_levels(coverage_)[1]
        for k, h in enumerate(horizons):
            rows[(t, h)] = {
                "fixed": 100 * fixed[0, k, high],
                "adaptive, first": 100 * moving[0, k, high],
                "adaptive, last": 100 * moving[-1, k, high],
                "alpha, last": alphas[coverage_][-1, k],
            }
    table = pd.DataFrame(rows).T
    table.index.names = ["ticker", "h"]
    return table
