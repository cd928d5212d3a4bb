"""The exercise checks of the Keras lesson."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.checks._shared import (
    Failed,
    as_array,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    random_walk,
    rtol_for,
    show,
)
from lstm_helpers.data.periods import REPORT_SPLIT
from lstm_helpers.data.windows import report_windows, sliding_windows
from lstm_helpers.evaluation.metrics import rmse


@exercise_check("leakage-free windows")
def leak_free_windows(my_windows: Any) -> str:
    """``my_windows(series, train_end, test_start, test_end, window)`` against
    :func:`report_windows`."""
    from sklearn.preprocessing import MinMaxScaler

    # runs into 2018: a builder must cut at test_end
    series = random_walk(1200, seed=21, start="2013-06-03")
    window = 10
    split = (REPORT_SPLIT.train_end, REPORT_SPLIT.test_start, REPORT_SPLIT.test_end)
    where = f"my_windows(series, {', '.join(map(repr, split))}, {window})"
    out = call_answer(my_windows, where, series.copy(), *split, window)
    if not isinstance(out, tuple | list) or len(out) != 4:
        raise Failed(
            f"{where} must return four arrays (X_train, y_train, "
            f"X_test, y_test), got {type(out).__name__}"
        )
    ref = report_windows(series, *split, window=window)
    expected = (ref.X_train, ref.y_train, ref.X_test, ref.y_test)
    values = series.loc[: REPORT_SPLIT.test_end].to_numpy().reshape(-1, 1)
    n_train = len(ref.y_train)

    def parts(scaled: np.ndarray, lag: int = 0) -> tuple[np.ndarray, ...]:
        X, y = sliding_windows(scaled, window)
        if lag:  # the target taken `lag` days early
            y = scaled[window - lag : len(scaled) - lag]
        return X[:n_train], y[:n_train], X[n_train:], y[n_train:]

    leaky = parts(MinMaxScaler().fit(values).transform(values).ravel())
    test_values = values[len(series.loc[: REPORT_SPLIT.train_end]) :]
    # the test part scaled with a scaler fitted on the test part
    refit = MinMaxScaler().fit(test_values)
    refit_parts = parts(
        np.concatenate(
            [
                ref.scaler.transform(values[: len(values) - len(test_values)]),
                refit.transform(test_values),
            ]
        ).ravel()
    )
    off_by_one = parts(ref.scaler.transform(values).ravel(), lag=1)
    names = ("X_train", "y_train", "X_test", "y_test")
    for k, (name, got, want) in enumerate(zip(names, out, expected, strict=True)):
        got = as_array(got, name)
        if got.size == want.size and got.shape != want.shape:
            got = got.reshape(want.shape)  # (n, window) for (n, window, 1) is fine
        if name.endswith("_test") and len(got) > len(want):
            raise Failed(
                f"{name} has {len(got)} samples, expected {len(want)}: "
                "the test part runs past test_end "
                "(2017); cut the series at test_end before you make the "
                "windows"
            )
        if name == "X_test" and len(got) == len(want) - window:
            raise Failed(
                f"X_test has {len(got)} windows, expected {len(want)}: "
                "the first test days need "
                "windows that start in the training period (the last "
                f"{window} training days)"
            )
        mistakes = {
            "the scaler was fitted on all years, test included: "
            "fit it on the training days only": leaky[k],
            "off by one: the target is the window's own last day, "
            "not the day after it": off_by_one[k],
            "the test part was scaled with a scaler fitted on the test days: "
            "reuse the training scaler "
            "(transform, not fit_transform)": refit_parts[k],
        }
        expect_same(got, want, name, mistakes)
    return (
        f"X_train {ref.X_train.shape}, y_train, X_test "
        f"{ref.X_test.shape} and y_test match report_windows "
        "(scaler fitted on the training days only)."
    )


@exercise_check("GRU parameters")
def gru_params(my_gru_params: Any) -> str:
    """``my_gru_params(D, H)`` against Keras's ``count_params`` of
    ``keras.layers.GRU(H)`` on D features."""
    from lstm_helpers.tf_quiet import keras

    for D, H in ((1, 37), (3, 8), (50, 50)):
        raw = call_answer(my_gru_params, f"my_gru_params({D}, {H})", D, H)
        got = as_number(raw, f"my_gru_params({D}, {H})")
        if got != int(got):
            raise Failed(
                f"my_gru_params({D}, {H}) is {got:g}: a number of "
                "parameters is a whole number"
            )
        got = int(got)
        layer = keras.layers.GRU(H)
        layer.build((None, 5, D))
        want = layer.count_params()
        if got != want:
            hints = {
                4
                * (
                    D * H + H * H + H
                ): "that is the LSTM's count: a GRU has three blocks "
                "(update, reset, "
                "candidate), not four",
                3
                * (
                    D * H + H * H + H
                ): "one bias vector short: Keras's GRU (reset_after=True) "
                "keeps "
                "separate biases for the input and the "
                "recurrent part",
                3 * (D * H + H * H): "the biases are missing",
            }
            hint = f" Hint: {hints[got]}." if got in hints else ""
            raise Failed(
                f"my_gru_params({D}, {H}) is {got}, Keras counts {want}.{hint}"
            )
    return (
        "matches Keras's count_params for GRU(37) on 1 "
        "feature, GRU(8) on 3 and GRU(50) on 50."
    )


@exercise_check("forecast against shifted prices")
def shift_rmse(
    my_shift_rmse: Any,
    forecast: np.ndarray,
    series: pd.Series,
    test_dates: pd.DatetimeIndex,
) -> str:
    """An open experiment: ``my_shift_rmse[k]``, the RMSE of ``forecast`` against the
    price k trading days earlier."""
    shifts = as_mapping(my_shift_rmse, "my_shift_rmse", at_least=3)
    forecast = np.asarray(forecast, dtype=float)
    for k, got in shifts.items():
        if (
            isinstance(k, bool)
            or not isinstance(k, numbers.Integral)
            or not 0 <= k <= 10
        ):
            raise Failed(
                "my_shift_rmse's keys must be shifts k from 0 to 10 "
                f"(whole numbers), got {k!r}"
            )
        raw, got = got, as_number(got, f"my_shift_rmse[{k}]")
        want = rmse(series.shift(int(k)).loc[test_dates].to_numpy(), forecast)
        if abs(got - want) > rtol_for(raw, 1e-6) * want:
            hint = ""
            later = series.shift(-int(k)).loc[test_dates].to_numpy()
            if (
                k
                and abs(got - np.sqrt(np.nanmean((later - forecast) ** 2)))
                < 1e-6 * want
            ):
                hint = (
                    " You compared with the price k days later; shift the "
                    "other way (series.shift(k))."
                )
            raise Failed(
                f"my_shift_rmse[{k}] is {show(got)}, expected {show(want)}.{hint}"
            )
    best = min(shifts, key=shifts.get)
    return (
        f"{len(shifts)} shifts measured; of these, the "
        f"forecast is closest to the price {best} trading "
        "day(s) "
        "earlier."
    )


@exercise_check("the report's Keras model")
def report_model(my_report_model: Any) -> str:
    """``my_report_model(window) -> keras.Model``: the report's default network, checked
    layer by layer (no training)."""
    from lstm_helpers.models.report_model import DEFAULT
    from lstm_helpers.tf_quiet import keras

    try:
        model = call_answer(my_report_model, "my_report_model(60)", 60)
        other = call_answer(my_report_model, "my_report_model(30)", 30)
    except Failed as why:
        # an LSTM fed the last state of the one before
        if "expected ndim=3" in str(why):
            raise Failed(
                f"{why}. Hint: an LSTM that feeds another LSTM must "
                "pass on the whole sequence "
                "(return_sequences=True)"
            ) from None
        raise
    if not isinstance(model, keras.Model):
        raise Failed(
            f"my_report_model(60) must return a Keras model, got {type(model).__name__}"
        )
    reference_model = DEFAULT.build(window=60, n_features=1)
    ref = _architecture(reference_model)  # what the report's model is, read from it
    got = _architecture(model)
    stack = (
        f"the report stacks {_WORDS[len(ref['units'])]} "
        f"LSTM({ref['units'][0]}) layers, each followed by "
        f"Dropout({ref['rates'][0]}), then Dense({ref['dense']})"
    )
    if got["kinds"] != ref["kinds"]:
        raise Failed(f"the layers are {', '.join(got['kinds'])}; {stack}")
    if got["units"] != ref["units"]:
        raise Failed(
            f"the LSTM layers have {got['units']} units; the "
            f"report's have {ref['units'][0]} each"
        )
    if got["sequences"] != ref["sequences"]:
        raise Failed(
            f"return_sequences is {got['sequences']}: every LSTM "
            "but the last must pass on the whole "
            "sequence (True), the last only its final state (False), so "
            "Dense(1) gets one vector per window"
        )
    if any(abs(r - w) > 1e-12 for r, w in zip(got["rates"], ref["rates"], strict=True)):
        raise Failed(
            f"the dropout rates are {got['rates']}; the report's "
            f"default model drops {ref['rates'][0]} "
            "after every LSTM"
        )
    if got["dense"] != ref["dense"]:
        raise Failed(
            f"the last layer has {got['dense']} units; one "
            "forecast per window needs Dense(1)"
        )
    _same_layer_settings(model, reference_model)
    try:
        shapes = [tuple(m.inputs[0].shape[1:]) for m in (model, other)]
    except (AttributeError, ValueError, IndexError, TypeError):
        raise Failed(
            "the model has no input shape: start it from keras.Input((window, 1))"
        ) from None
    if shapes != [(60, 1), (30, 1)]:
        raise Failed(
            "my_report_model(60) and my_report_model(30) read "
            f"inputs of shapes {shapes[0]} and "
            f"{shapes[1]}; a window is (window, 1): `window` days of one "
            "price"
        )
    if not model.compiled or model.optimizer is None:
        raise Failed(
            "the model is not compiled: "
            "model.compile(optimizer='rmsprop', "
            "loss='mean_squared_error')"
        )
    if type(model.optimizer).__name__ != ref["optimizer"]:
        raise Failed(
            f"the optimizer is {type(model.optimizer).__name__}; "
            "the report compiles with "
            f"{DEFAULT.optimizer!r}"
        )
    loss = (
        model.loss
        if isinstance(model.loss, str)
        else (
            getattr(model.loss, "name", None)
            or getattr(model.loss, "__name__", str(model.loss))
        )
    )
    if loss not in (ref["loss"], "mse"):
        raise Failed(f"the loss is {loss!r}; the report minimises {ref['loss']!r}")
    for key, want in _settings(reference_model.optimizer.get_config()).items():
        have = _settings(model.optimizer.get_config()).get(key)
        if not _equal_setting(have, want):
            raise Failed(
                f"the optimizer's {key} is {_fmt(have)}; the report "
                f"compiles with {DEFAULT.optimizer!r} "
                f"and its defaults ({key} {_fmt(want)})"
            )
    reference = DEFAULT.build(window=60, n_features=1).count_params()
    if model.count_params() != reference:
        raise Failed(
            f"the model has {model.count_params()} parameters, the "
            f"report's has {reference}"
        )
    return (
        f"{_WORDS[len(ref['units'])]} LSTM({ref['units'][0]}) (return_sequences "
        f"{', '.join(map(str, ref['sequences']))}) with "
        f"Dropout({ref['rates'][0]}), Dense({ref['dense']}), "
        f"{ref['optimizer']} and MSE: {reference} parameters, the same as "
        "lstm_helpers.models.report_model.DEFAULT."
    )


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
_NOT_COMPARED = {"name", "seed"}
"""Layer and optimizer settings that do not change the model the report defines (a name,
a seed)."""


def _settings(config: dict) -> dict:
    """A Keras config without its name and seeds (also inside nested initializer
    configs)."""
    return {
        k: _settings(v) if isinstance(v, dict) else v
        for k, v in config.items()
        if k not in _NOT_COMPARED
    }


def _fmt(value: Any) -> str:
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def _equal_setting(a: Any, b: Any) -> bool:
    if (
        isinstance(a, numbers.Real)
        and isinstance(b, numbers.Real)
        and not isinstance(a, bool | np.bool_)
    ):
        return abs(float(a) - float(b)) <= 1e-6 * max(abs(float(b)), 1e-12)
    return a == b


def _same_layer_settings(model: Any, reference: Any) -> None:
    """Every setting of every layer as the report's (activations, dropout arguments,
    initializers, ...)."""
    from lstm_helpers.tf_quiet import keras

    def layers(m: Any) -> list:
        return [
            layer
            for layer in m.layers
            if not isinstance(layer, keras.layers.InputLayer)
        ]

    seen: dict[str, int] = {}
    kinds = [type(layer).__name__ for layer in layers(reference)]
    for mine, theirs in zip(layers(model), layers(reference), strict=True):
        kind = type(theirs).__name__
        seen[kind] = seen.get(kind, 0) + 1
        ours, want = _settings(mine.get_config()), _settings(theirs.get_config())
        for key, value in want.items():
            if not _equal_setting(ours.get(key), value):
                nth = (
                    _ORDINALS.get(seen[kind], f"{seen[kind]}th") + " "
                    if kinds.count(kind) > 1
                    else ""
                )
                raise Failed(
                    f"the {nth}{kind} layer has "
                    f"{key}={_fmt(ours.get(key))}; the report's has "
                    f"{key}={_fmt(value)} (Keras's default: leave it out)"
                )


def _architecture(model: Any) -> dict[str, Any]:
    """What the check compares of a compiled Keras model: layer kinds, LSTM units and
    return_sequences, dropout rates, the last layer's units, the optimizer's class and
    the loss's name."""
    from lstm_helpers.tf_quiet import keras

    layers = [
        layer
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]
    lstms = [layer for layer in layers if isinstance(layer, keras.layers.LSTM)]
    loss = model.loss if isinstance(getattr(model, "loss", None), str) else None
    return {
        "kinds": [type(layer).__name__ for layer in layers],
        "units": [layer.units for layer in lstms],
        "sequences": [layer.return_sequences for layer in lstms],
        "rates": [
            layer.rate for layer in layers if isinstance(layer, keras.layers.Dropout)
        ],
        "dense": getattr(layers[-1], "units", None) if layers else None,
        "optimizer": type(model.optimizer).__name__
        if getattr(model, "optimizer", None) is not None
        else None,
        "loss": loss,
    }
