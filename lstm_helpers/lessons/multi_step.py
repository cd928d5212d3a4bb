"""Forecasting many days ahead: four ways to do it with an LSTM, the baselines, and
bands.

Every forecast starts from an *origin* day ``t`` (the last day whose price is
known) and says something about days ``t + 1 .. t + H``. All four strategies
read the same windows: the last 60 prices divided by the origin's price, minus
one, and divided by ``scale`` (the standard deviation of the training years'
one-day changes), so a flat history reads as zeros whatever the price level.

- **recursive**: a one-step model (target: tomorrow's change) whose forecast is
  appended to the window as if it were a price, H times (:func:`recursive_paths`);
- **direct**: one model per horizon ``h`` (target: the change from ``t`` to ``t + h``);
- **multi-output**: one network with H outputs, one per horizon;
- **encoder-decoder**: an LSTM reads the window into its state, a second LSTM
  unrolls that state H steps, one output per step (sequence to sequence).

:class:`~lstm_helpers.models.multi_step_models.MultiStepConfig` builds the networks
(its module's digest is part of every key). :func:`horizon_windows` cuts the
windows, :func:`strategy_forecasts` turns trained models into each strategy's
forecasts, :func:`horizon_rmse` scores them by horizon; the bands are
:mod:`lstm_helpers.evaluation.prediction_bands`'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstm_helpers.data.periods import Split
from lstm_helpers.models.multi_step_models import KINDS, MultiStepConfig
from lstm_helpers.training.jobs import TrainJob

__all__ = [
    "KINDS",
    "STRATEGIES",
    "HorizonData",
    "MultiStepConfig",
    "baseline_paths",
    "change_structure",
    "daily_volatility",
    "growth_interval",
    "horizon_rmse",
    "horizon_windows",
    "keras_step",
    "random_walk_rmse",
    "recursive_paths",
    "relative_drift_rate",
    "settled_rate",
    "strategy_configs",
    "strategy_forecasts",
    "strategy_job",
]

STRATEGIES: tuple[str, ...] = ("recursive", "direct", "multi-output", "encoder-decoder")


@dataclass
class HorizonData:
    """The windows of one price series for forecasts 1..H days ahead.

    Attributes
    ----------
    X_train, X_val, X_test : ndarray, shape (n, window, 1)
        Windows ending on each origin day: training origins, validation
        origins (the last training year) and test origins.
    Y_train, Y_val : ndarray, shape (n, H)
        Scaled change from the origin to each of the next H days.
    test_origins : DatetimeIndex, length m
        Each test window's origin: the last training day to the day before the last test
        day.
    origin_price : ndarray, shape (m,)
        The price on each test origin (persistence's forecast for every horizon).
    actual : ndarray, shape (m, H)
        The price h days after each test origin; NaN where that day is past the test
        period.
    val_origin_price : ndarray, shape (n_val,)
    val_actual : ndarray, shape (n_val, H)
        The same for the validation origins (all inside the training years).
    X_last : ndarray, shape (1, window, 1)
        The window ending on the last day of the data: the forecast a learner would make
        today.
    last_day : Timestamp
    last_price : float
    history : ndarray, shape (n_test + n_val + 1, window)
        Unscaled prices of every window to predict (validation, test, last), for
        :func:`recursive_paths`.
    scale : float
        Standard deviation of the training years' one-day changes (``p[t+1] / p[t] -
        1``).
    horizon, window : int
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    X_val: np.ndarray
    Y_val: np.ndarray
    X_test: np.ndarray
    test_origins: pd.DatetimeIndex
    origin_price: np.ndarray
    actual: np.ndarray
    val_origin_price: np.ndarray
    val_actual: np.ndarray
    X_last: np.ndarray
    last_day: pd.Timestamp
    last_price: float
    history: np.ndarray
    scale: float
    horizon: int
    window: int

    @property
    def X_predict(self) -> np.ndarray:
        """Every window a model forecasts, shape (n_val + m + 1, window, 1): validation,
        test, last."""
        return np.concatenate([self.X_val, self.X_test, self.X_last])

    def to_prices(self, outputs: np.ndarray) -> dict[str, np.ndarray]:
        """Turn a model's scaled outputs on :attr:`X_predict` into prices, per part.

        Parameters
        ----------
        outputs : ndarray, shape (n_val + m + 1, k) or (n_val + m + 1,)
            Scaled changes from each origin (k horizons).

        Returns
        -------
        dict
            ``"val"`` (n_val, k), ``"test"`` (m, k) and ``"last"`` (1, k) price
            forecasts.
        """
        outputs = np.asarray(outputs, dtype=float)
        outputs = outputs.reshape(len(self.history), -1)
        base = np.concatenate(
            [self.val_origin_price, self.origin_price, [self.last_price]]
        )[:, None]
        return self.parts(base * (1.0 + outputs * self.scale))

    def parts(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """Cut rows in the order of :attr:`X_predict` into ``"val"``, ``"test"`` and
        ``"last"``."""
        if len(values) != len(self.history):
            raise ValueError(f"{len(values)} rows for {len(self.history)} windows")
        n_val, m = len(self.X_val), len(self.X_test)
        return {
            "val": values[:n_val],
            "test": values[n_val : n_val + m],
            "last": values[n_val + m :],
        }


def _relative(history: np.ndarray, scale: float) -> np.ndarray:
    """Windows of prices, shape (n, window), as the models read them: (n, window, 1)."""
    return ((history / history[:, -1:] - 1.0) / scale)[:, :, None]


def horizon_windows(
    series: pd.Series, split: Split, horizon: int = 20, window: int = 60
) -> HorizonData:
    """Cut one price series into the windows of every strategy, for horizons
    1..``horizon``.

    Training origins are those whose ``horizon`` target days all lie before
    the last training year; validation origins are in the last training year,
    with every target day inside the training years (so no target is shared
    between the two parts); test origins run from the day before the first test
    day (the last training day, unless the split leaves a gap) to the day before
    the last test day, so a gap between training and test is never scored. ``scale``
    comes from the training years only.

    Raises
    ------
    ValueError
        If the series has missing values, or a part has no origin.
    """
    if series.isna().any():
        raise ValueError(
            f"{series.name}: horizon_windows needs a series without missing values"
        )
    if horizon < 1 or window < 2:
        raise ValueError(
            f"horizon must be >= 1 and window >= 2, got {horizon} and {window}"
        )
    prices = series.to_numpy(dtype=float)
    days = series.index
    n = len(prices)
    train_last = (
        int(
            np.searchsorted(
                days, pd.Timestamp(series.loc[: split.train_end].index.max()), "right"
            )
        )
        - 1
    )
    test_days = series.loc[split.test_start : split.test_end].index
    if train_last < window or test_days.empty:
        raise ValueError(
            f"{series.name}: split {split.describe()} leaves too "
            "little training data or no test days"
        )
    test_first = int(np.searchsorted(days, test_days.min()))
    test_last = int(np.searchsorted(days, test_days.max(), "right")) - 1
    val_first = int(np.searchsorted(days, pd.Timestamp(f"{split.train_year}-01-01")))

    def targets(origins: np.ndarray, last: int) -> np.ndarray:
        ahead = origins[:, None] + np.arange(1, horizon + 1)[None, :]
        values = np.where(ahead <= last, prices[np.minimum(ahead, n - 1)], np.nan)
        return values

    one_day = prices[1 : train_last + 1] / prices[:train_last] - 1.0
    scale = float(np.std(one_day))
    origins_train = np.arange(window - 1, val_first - horizon)
    origins_val = np.arange(max(val_first, window - 1), train_last - horizon + 1)
    # the first forecasts the first test day (after any gap)
    origins_test = np.arange(test_first - 1, test_last)
    if min(len(origins_train), len(origins_val), len(origins_test)) < 1:
        raise ValueError(
            f"{series.name}: {len(origins_train)} training, "
            f"{len(origins_val)} validation and "
            f"{len(origins_test)} test origins for horizon {horizon}: "
            "every part needs some"
        )

    def history(origins: np.ndarray) -> np.ndarray:
        return prices[origins[:, None] + np.arange(-window + 1, 1)[None, :]]

    def scaled_targets(origins: np.ndarray) -> np.ndarray:
        return (targets(origins, train_last) / prices[origins][:, None] - 1.0) / scale

    last = np.array([n - 1])
    h_val, h_test, h_last = history(origins_val), history(origins_test), history(last)
    return HorizonData(
        X_train=_relative(history(origins_train), scale),
        Y_train=scaled_targets(origins_train),
        X_val=_relative(h_val, scale),
        Y_val=scaled_targets(origins_val),
        X_test=_relative(h_test, scale),
        test_origins=days[origins_test],
        origin_price=prices[origins_test],
        actual=targets(origins_test, test_last),
        val_origin_price=prices[origins_val],
        val_actual=targets(origins_val, train_last),
        X_last=_relative(h_last, scale),
        last_day=days[-1],
        last_price=float(prices[-1]),
        history=np.concatenate([h_val, h_test, h_last]),
        scale=scale,
        horizon=horizon,
        window=window,
    )


def strategy_configs(
    horizon: int, direct: tuple[int, ...], units: int = 32, epochs: int = 30
) -> dict:
    """The models the strategies train: name -> (config, the horizons its outputs are).

    ``one-step`` serves the recursive strategy and is the direct model for h = 1;
    ``direct h`` for each horizon of ``direct``; ``multi-output`` and
    ``encoder-decoder`` forecast 1..``horizon`` at once.
    """
    bad = [h for h in direct if not 1 < h <= horizon]
    if bad:
        raise ValueError(f"direct horizons must lie in 2..{horizon}, got {bad}")
    out = {"one-step": (MultiStepConfig("one-step", units=units, epochs=epochs), (1,))}
    for h in direct:
        out[f"direct {h}"] = (
            MultiStepConfig(f"direct {h}", units=units, epochs=epochs),
            (h,),
        )
    out["multi-output"] = (
        MultiStepConfig("multi-output", units=units, outputs=horizon, epochs=epochs),
        tuple(range(1, horizon + 1)),
    )
    out["encoder-decoder"] = (
        MultiStepConfig(
            "encoder-decoder",
            "encoder-decoder",
            units=units,
            outputs=horizon,
            epochs=epochs,
        ),
        tuple(range(1, horizon + 1)),
    )
    return out


def strategy_job(
    config: MultiStepConfig,
    horizons: tuple[int, ...],
    data: HorizonData,
    seed: int,
    label: str = "",
) -> TrainJob:
    """The :class:`~lstm_helpers.training.jobs.TrainJob` of one model: its targets are
    ``horizons`` (1-based).

    The one-step model keeps its weights (the recursive strategy runs it again on its
    own forecasts).
    """
    columns = [h - 1 for h in horizons]
    return TrainJob(
        config,
        data.X_train,
        data.Y_train[:, columns],
        data.X_predict,
        seed,
        data.X_val,
        data.Y_val[:, columns],
        label=label,
        keep_weights=horizons == (1,),
    )


def recursive_paths(
    step, history: np.ndarray, horizon: int, scale: float
) -> np.ndarray:
    """Roll a one-step model forward: each forecast is appended to the window as the
    newest price.

    Parameters
    ----------
    step : callable
        Windows as the models read them, shape (n, window, 1) -> scaled one-day changes,
        shape (n,) or (n, 1).
    history : ndarray, shape (n, window)
        The last ``window`` known prices of each path, oldest first.
    horizon : int
        Days to roll forward.
    scale : float
        The windows' scale (:attr:`HorizonData.scale`).

    Returns
    -------
    ndarray, shape (n, horizon)
        The forecast price 1..horizon days after each path's last known day.
    """
    window = np.array(history, dtype=float)
    out = np.empty((len(window), horizon))
    for h in range(horizon):
        change = np.asarray(step(_relative(window, scale)), dtype=float).reshape(
            len(window)
        )
        out[:, h] = window[:, -1] * (1.0 + change * scale)
        window = np.concatenate([window[:, 1:], out[:, h : h + 1]], axis=1)
    return out


def keras_step(config: MultiStepConfig, weights: list[np.ndarray], window: int = 60):
    """The one-step model rebuilt from its stored weights, as a function for
    :func:`recursive_paths`."""
    model = config.build(window)
    model.set_weights(weights)
    # compiled, no per-call setup
    return lambda X: np.asarray(model.predict_on_batch(np.asarray(X, dtype="float32")))


def strategy_forecasts(
    data: HorizonData, configs: dict, results: dict
) -> dict[str, dict[str, np.ndarray]]:
    """The price forecasts of every strategy from one seed's trained models.

    Parameters
    ----------
    data : HorizonData
    configs : dict
        :func:`strategy_configs`'s models.
    results : dict
        Model name -> its trained result (``outputs`` on :attr:`HorizonData.X_predict`;
        the one-step model's ``weights`` too).

    Returns
    -------
    dict
        Strategy -> ``{"val", "test", "last"}`` -> prices, shape (n, H). The
        direct strategy has values only at its horizons (1 and each direct
        model's), NaN elsewhere.
    """
    H = data.horizon
    one_step = configs["one-step"][0]
    paths = recursive_paths(
        keras_step(one_step, results["one-step"].weights, data.window),
        data.history,
        H,
        data.scale,
    )
    direct = np.full((len(data.history), H), np.nan)
    out: dict[str, dict[str, np.ndarray]] = {"recursive": data.parts(paths)}
    for name, (_config, horizons) in configs.items():
        prices = np.concatenate(list(data.to_prices(results[name].outputs).values()))
        if len(horizons) == 1:
            direct[:, horizons[0] - 1] = prices[:, 0]
        else:
            out[name] = data.parts(prices)
    out["direct"] = data.parts(direct)
    return {name: out[name] for name in STRATEGIES}


def relative_drift_rate(series: pd.Series, train_end: str) -> float:
    """The training years' mean relative daily change, ``mean(p[t] / p[t-1] - 1)``: the
    rate :func:`baseline_paths`' drift grows by.

    Relative, unlike :func:`lstm_helpers.evaluation.benchmarks.dollar_drift`'s mean
    change in dollars: over training years in which a price rose many-fold, a dollar
    step learned on the early low prices is far too small at the end, while a rate is
    not.
    """
    train = series.loc[:train_end].to_numpy(dtype=float)
    return float(np.mean(train[1:] / train[:-1] - 1.0))


def daily_volatility(series: pd.Series, train_end: str) -> float:
    """Standard deviation of the daily log changes up to ``train_end``: a random walk's
    sigma."""
    train = series.loc[:train_end].to_numpy(dtype=float)
    return float(np.std(np.diff(np.log(train))))


def settled_rate(path: np.ndarray) -> float:
    """The daily growth rate a recursive path ends on: the mean change over its last
    tenth."""
    path = np.asarray(path, dtype=float).ravel()
    if len(path) < 20:
        raise ValueError(
            f"a path of {len(path)} days is too short to say where it settles"
        )
    tail = path[-max(2, len(path) // 10) :]
    return float(np.mean(tail[1:] / tail[:-1] - 1.0))


def baseline_paths(data: HorizonData, rate: float) -> dict[str, np.ndarray]:
    """Persistence (the origin's price for every h) and drift (``price * (1 + rate) **
    h``, ``rate`` a relative daily rate), shape (m, H)."""
    h = np.arange(1, data.horizon + 1)[None, :]
    return {
        "persistence": np.repeat(data.origin_price[:, None], data.horizon, axis=1),
        "drift": data.origin_price[:, None] * (1.0 + rate) ** h,
    }


def horizon_rmse(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """RMSE at each horizon over the origins whose target day is known, shape (H,) from
    (m, H) arrays.

    A horizon the forecast leaves out entirely (all NaN: the direct strategy's
    missing horizons) scores NaN; a forecast missing only some known days is an error.
    """
    actual, forecast = (
        np.asarray(actual, dtype=float),
        np.asarray(forecast, dtype=float),
    )
    if actual.shape != forecast.shape:
        raise ValueError(
            f"actual {actual.shape} and forecast {forecast.shape} differ in shape"
        )
    left_out = np.isnan(forecast).all(axis=0)
    if np.isnan(forecast[:, ~left_out][~np.isnan(actual[:, ~left_out])]).any():
        raise ValueError("the forecast has NaN where the actual price is known")
    squared = np.where(
        np.isnan(actual) | left_out[None, :],
        np.nan,
        (np.nan_to_num(forecast) - np.nan_to_num(actual)) ** 2,
    )
    with np.errstate(invalid="ignore"):
        out = np.sqrt(np.nanmean(np.where(left_out[None, :], 0.0, squared), axis=0))
    out[left_out] = np.nan
    return out


def random_walk_rmse(data: HorizonData, sigma: float) -> np.ndarray:
    """What persistence's RMSE would be at each horizon for a random walk: ``price *
    sigma * sqrt(h)``, shape (H,).

    ``price`` is the root mean square of the origin prices scored at each horizon.
    """
    h = np.arange(1, data.horizon + 1)
    known = ~np.isnan(data.actual)
    level = np.array(
        [
            np.sqrt(np.mean(data.origin_price[known[:, k]] ** 2))
            for k in range(data.horizon)
        ]
    )
    return level * sigma * np.sqrt(h)


def change_structure(
    series: pd.Series, train_end: str, horizon: int = 20
) -> dict[str, float]:
    """How a price's daily log changes hang together over the training years.

    Two numbers, both "no structure" for a random walk:

    - the lag-1 autocorrelation of the daily log changes (0 for a random walk;
      positive when a move tends to go on the next day, negative for reversals);
    - the variance ratio ``VR(h) = Var(h-day log change) / (h * Var(1-day log change))``
      (1 for a random walk). Above 1, the h-day change spreads faster than
      ``sqrt(h)`` times the daily one, and so does persistence's h-day error; below 1,
      slower.

    Returns ``{"lag-1 autocorrelation": ..., "variance ratio (h days)": ...}``.
    """
    logs = np.log(series.loc[:train_end].dropna().to_numpy(dtype=float))
    if len(logs) <= 2 * horizon:
        raise ValueError(
            f"{len(logs)} training days are too few for a {horizon}-day variance ratio"
        )
    daily = np.diff(logs)
    long = logs[horizon:] - logs[:-horizon]
    return {
        "lag-1 autocorrelation": float(np.corrcoef(daily[:-1], daily[1:])[0, 1]),
        f"variance ratio ({horizon} days)": float(
            np.var(long) / (horizon * np.var(daily))
        ),
    }


def growth_interval(
    actual: np.ndarray,
    origin_price: np.ndarray,
    horizon: int,
    block: int = 20,
    draws: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, float]:
    """How much persistence's RMSE grows from 1 to ``horizon`` days, with a bootstrap
    interval.

    Both RMSEs are taken on the same origins (those whose ``horizon``-day target is
    known), so the ratio compares like with like. Forecasts made on neighbouring
    days share most of their path, so the interval comes from a moving-block
    bootstrap: blocks of ``block`` consecutive origins drawn with replacement.

    Parameters
    ----------
    actual : ndarray, shape (m, H)
        The price ``h`` days after each origin (NaN where unknown).
    origin_price : ndarray, shape (m,)
    horizon : int
        ``h`` in ``RMSE(h) / RMSE(1)``, at most ``H``.

    Returns
    -------
    dict
        ``ratio``, ``low`` and ``high`` (the central ``level`` interval), ``origins``.
    """
    actual, origin_price = (
        np.asarray(actual, dtype=float),
        np.asarray(origin_price, dtype=float),
    )
    if not 1 < horizon <= actual.shape[1]:
        raise ValueError(
            f"horizon must be between 2 and {actual.shape[1]}, got {horizon}"
        )
    known = ~np.isnan(actual[:, horizon - 1]) & ~np.isnan(actual[:, 0])
    first = actual[known, 0] - origin_price[known]
    last = actual[known, horizon - 1] - origin_price[known]
    m = len(first)
    if m < 2 * block:
        raise ValueError(f"{m} origins are too few for blocks of {block}")
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, m - block + 1, size=(draws, -(-m // block)))
    picks = (starts[:, :, None] + np.arange(block)).reshape(draws, -1)[:, :m]
    ratios = np.sqrt(
        np.mean(last[picks] ** 2, axis=1) / np.mean(first[picks] ** 2, axis=1)
    )
    tail = (1 - level) / 2
    return {
        "ratio": float(np.sqrt(np.mean(last**2) / np.mean(first**2))),
        "low": float(np.quantile(ratios, tail)),
        "high": float(np.quantile(ratios, 1 - tail)),
        "origins": m,
    }
