"""The exercise checks of the Keras lesson."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.checks._shared import (
    _array,
    _call,
    _exercise,
    _Failed,
    _mapping,
    _number,
    _rtol_for,
    _same,
    _show,
    _walk,
)
from lstm_helpers.metrics import rmse
from lstm_helpers.windows import report_windows, sliding_windows


@_exercise("leakage-free windows")
def leak_free_windows(my_windows: Any) -> str:
    """``my_windows(series, train_end, test_start, test_end, window)`` against :func:`report_windows`."""
    from sklearn.preprocessing import MinMaxScaler

    series = _walk(1200, seed=21, start="2013-06-03")  # runs into 2018: a builder must cut at test_end
    window = 10
    where = f"my_windows(series, '2016', '2017', '2017', {window})"
    out = _call(my_windows, where, series.copy(), "2016", "2017", "2017", window)
    if not isinstance(out, tuple | list) or len(out) != 4:
        raise _Failed(f"{where} must return four arrays (X_train, y_train, X_test, y_test), got {type(out).__name__}")
    ref = report_windows(series, "2016", "2017", "2017", window=window)
    expected = (ref.X_train, ref.y_train, ref.X_test, ref.y_test)
    values = series.loc[:"2017"].to_numpy().reshape(-1, 1)
    n_train = len(ref.y_train)

    def parts(scaled: np.ndarray, lag: int = 0) -> tuple[np.ndarray, ...]:
        X, y = sliding_windows(scaled, window)
        if lag:  # the target taken `lag` days early
            y = scaled[window - lag : len(scaled) - lag]
        return X[:n_train], y[:n_train], X[n_train:], y[n_train:]

    leaky = parts(MinMaxScaler().fit(values).transform(values).ravel())
    test_values = values[len(series.loc[:"2016"]):]
    refit = MinMaxScaler().fit(test_values)  # the test part scaled with a scaler fitted on the test part
    refit_parts = parts(np.concatenate([ref.scaler.transform(values[: len(values) - len(test_values)]),
                                        refit.transform(test_values)]).ravel())
    off_by_one = parts(ref.scaler.transform(values).ravel(), lag=1)
    names = ("X_train", "y_train", "X_test", "y_test")
    for k, (name, got, want) in enumerate(zip(names, out, expected, strict=True)):
        got = _array(got, name)
        if got.size == want.size and got.shape != want.shape:
            got = got.reshape(want.shape)  # (n, window) for (n, window, 1) is fine
        if name.endswith("_test") and len(got) > len(want):
            raise _Failed(f"{name} has {len(got)} samples, expected {len(want)}: the test part runs past test_end "
                          "(2017); cut the series at test_end before you make the windows")
        if name == "X_test" and len(got) == len(want) - window:
            raise _Failed(f"X_test has {len(got)} windows, expected {len(want)}: the first test days need "
                          f"windows that start in the training period (the last {window} training days)")
        mistakes = {"the scaler was fitted on all years, test included: fit it on the training days only":
                    leaky[k],
                    "off by one: the target is the window's own last day, not the day after it": off_by_one[k],
                    "the test part was scaled with a scaler fitted on the test days: reuse the training scaler "
                    "(transform, not fit_transform)": refit_parts[k]}
        _same(got, want, name, mistakes)
    return (f"X_train {ref.X_train.shape}, y_train, X_test {ref.X_test.shape} and y_test match report_windows "
            "(scaler fitted on the training days only).")


@_exercise("GRU parameters")
def gru_params(my_gru_params: Any) -> str:
    """``my_gru_params(D, H)`` against Keras's ``count_params`` of ``keras.layers.GRU(H)`` on D features."""
    from lstm_helpers.tf_quiet import keras

    for D, H in ((1, 37), (3, 8), (50, 50)):
        raw = _call(my_gru_params, f"my_gru_params({D}, {H})", D, H)
        got = _number(raw, f"my_gru_params({D}, {H})")
        if got != int(got):
            raise _Failed(f"my_gru_params({D}, {H}) is {got:g}: a number of parameters is a whole number")
        got = int(got)
        layer = keras.layers.GRU(H)
        layer.build((None, 5, D))
        want = layer.count_params()
        if got != want:
            hints = {4 * (D * H + H * H + H): "that is the LSTM's count: a GRU has three blocks (update, reset, "
                                              "candidate), not four",
                     3 * (D * H + H * H + H): "one bias vector short: Keras's GRU (reset_after=True) keeps "
                                              "separate biases for the input and the recurrent part",
                     3 * (D * H + H * H): "the biases are missing"}
            hint = f" Hint: {hints[got]}." if got in hints else ""
            raise _Failed(f"my_gru_params({D}, {H}) is {got}, Keras counts {want}.{hint}")
    return "matches Keras's count_params for GRU(37) on 1 feature, GRU(8) on 3 and GRU(50) on 50."


@_exercise("forecast against shifted prices")
def shift_rmse(my_shift_rmse: Any, forecast: np.ndarray, series: pd.Series, test_dates: pd.DatetimeIndex) -> str:
    """An open experiment: ``my_shift_rmse[k]``, the RMSE of ``forecast`` against the price k trading days earlier."""
    shifts = _mapping(my_shift_rmse, "my_shift_rmse", at_least=3)
    forecast = np.asarray(forecast, dtype=float)
    for k, got in shifts.items():
        if isinstance(k, bool) or not isinstance(k, numbers.Integral) or not 0 <= k <= 10:
            raise _Failed(f"my_shift_rmse's keys must be shifts k from 0 to 10 (whole numbers), got {k!r}")
        raw, got = got, _number(got, f"my_shift_rmse[{k}]")
        want = rmse(series.shift(int(k)).loc[test_dates].to_numpy(), forecast)
        if abs(got - want) > _rtol_for(raw, 1e-6) * want:
            hint = ""
            later = series.shift(-int(k)).loc[test_dates].to_numpy()
            if k and abs(got - np.sqrt(np.nanmean((later - forecast) ** 2))) < 1e-6 * want:
                hint = " You compared with the price k days later; shift the other way (series.shift(k))."
            raise _Failed(f"my_shift_rmse[{k}] is {_show(got)}, expected {_show(want)}.{hint}")
    best = min(shifts, key=shifts.get)
    return (f"{len(shifts)} shifts measured; of these, the forecast is closest to the price {best} trading day(s) "
            "earlier.")


@_exercise("the report's Keras model")
def report_model(my_report_model: Any) -> str:
    """``my_report_model(window) -> keras.Model``: the report's default network, checked layer by layer (no training)."""
    from lstm_helpers.models import DEFAULT
    from lstm_helpers.tf_quiet import keras

    try:
        model = _call(my_report_model, "my_report_model(60)", 60)
        other = _call(my_report_model, "my_report_model(30)", 30)
    except _Failed as why:
        if "expected ndim=3" in str(why):  # an LSTM fed the last state of the one before
            raise _Failed(f"{why}. Hint: an LSTM that feeds another LSTM must pass on the whole sequence "
                          "(return_sequences=True)") from None
        raise
    if not isinstance(model, keras.Model):
        raise _Failed(f"my_report_model(60) must return a Keras model, got {type(model).__name__}")
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    kinds = [type(layer).__name__ for layer in layers]
    want = ["LSTM", "Dropout"] * 4 + ["Dense"]
    if kinds != want:
        raise _Failed(f"the layers are {', '.join(kinds)}; the report stacks four LSTM(50) layers, each followed by "
                      "Dropout(0.2), then Dense(1)")
    lstms = [layer for layer in layers if isinstance(layer, keras.layers.LSTM)]
    units = [layer.units for layer in lstms]
    if units != [50] * 4:
        raise _Failed(f"the LSTM layers have {units} units; the report's have 50 each")
    sequences = [layer.return_sequences for layer in lstms]
    if sequences != [True, True, True, False]:
        raise _Failed(f"return_sequences is {sequences}: every LSTM but the last must pass on the whole sequence "
                      "(True), the last only its final state (False), so Dense(1) gets one vector per window")
    rates = [layer.rate for layer in layers if isinstance(layer, keras.layers.Dropout)]
    if any(abs(r - 0.2) > 1e-12 for r in rates):
        raise _Failed(f"the dropout rates are {rates}; the report's default model drops 0.2 after every LSTM")
    if layers[-1].units != 1:
        raise _Failed(f"the last layer has {layers[-1].units} units; one forecast per window needs Dense(1)")
    try:
        shapes = [tuple(m.inputs[0].shape[1:]) for m in (model, other)]
    except (AttributeError, ValueError, IndexError, TypeError):
        raise _Failed("the model has no input shape: start it from keras.Input((window, 1))") from None
    if shapes != [(60, 1), (30, 1)]:
        raise _Failed(f"my_report_model(60) and my_report_model(30) read inputs of shapes {shapes[0]} and "
                      f"{shapes[1]}; a window is (window, 1): `window` days of one price")
    if not model.compiled or model.optimizer is None:
        raise _Failed("the model is not compiled: model.compile(optimizer='rmsprop', loss='mean_squared_error')")
    if type(model.optimizer).__name__ != "RMSprop":
        raise _Failed(f"the optimizer is {type(model.optimizer).__name__}; the report compiles with 'rmsprop'")
    loss = model.loss if isinstance(model.loss, str) else (
        getattr(model.loss, "name", None) or getattr(model.loss, "__name__", str(model.loss)))
    if loss not in ("mean_squared_error", "mse"):
        raise _Failed(f"the loss is {loss!r}; the report minimises 'mean_squared_error'")
    reference = DEFAULT.build(window=60, n_features=1).count_params()
    if model.count_params() != reference:
        raise _Failed(f"the model has {model.count_params()} parameters, the report's has {reference}")
    return (f"four LSTM(50) (return_sequences True, True, True, False) with Dropout(0.2), Dense(1), RMSprop and MSE: "
            f"{reference} parameters, the same as lstm_helpers.models.DEFAULT.")
