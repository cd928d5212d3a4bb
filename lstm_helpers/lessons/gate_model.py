"""A small Keras ``LSTM(units) -> Dense(1)`` trained on the report's windows, its
weights kept.

Lesson 02 runs the NumPy cell with these weights (:func:`train_gate_model`), so
that its gates are shaped by the data. The model goes through the course's one
cached training path (:func:`lstm_helpers.training.scheduler.train`), like every other
model: a rerun loads the stored weights instead of retraining.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_helpers.data.windows import WindowedData
from lstm_helpers.models.gate_network import GateConfig
from lstm_helpers.training.digests import job_info
from lstm_helpers.training.jobs import TrainJob
from lstm_helpers.training.scheduler import train

PARAM_NAMES = ("kernel", "recurrent_kernel", "bias", "w_out", "b_out")
"""The weights of ``LSTM -> Dense`` in Keras's order."""


@dataclass
class GateModel:
    """A trained ``LSTM(units) -> Dense(1)``: its weights as NumPy arrays, and its
    record.

    Attributes
    ----------
    params : dict of ndarray
        ``kernel`` (1, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H,) in
        Keras's gate order i, f, c, o, and the Dense layer's ``w_out`` (H, 1)
        and ``b_out`` (1,): exactly the arguments of
        :func:`lstm_helpers.numpy_lstm.predict_regressor`. float32, as trained.
    test_outputs : ndarray, shape (n_test,)
        Keras's own (scaled) predictions for the test windows.
    loss : list of float
        Training loss after each epoch.
    seconds : float
        Training time when it was trained.
    cached : bool
        True if loaded instead of trained now.
    key : str
        The cache key.
    info : dict
        What the key was made of.
    """

    params: dict[str, np.ndarray]
    test_outputs: np.ndarray
    loss: list[float]
    seconds: float
    cached: bool
    key: str
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def units(self) -> int:
        """H, the number of units."""
        return self.params["recurrent_kernel"].shape[0]


def train_gate_model(
    data: WindowedData,
    units: int = 16,
    epochs: int = 20,
    batch_size: int = 32,
    seed: int = 0,
) -> GateModel:
    """Train a small ``LSTM(units) -> Dense(1)`` on ``data``'s training windows, or load
    it.

    Parameters
    ----------
    data : WindowedData
        From :func:`lstm_helpers.data.windows.report_windows`.
    units : int, default 16
        H.
    epochs : int, default 20
    batch_size : int, default 32
    seed : int, default 0
        Seeds the weights and the shuffling.

    Returns
    -------
    GateModel
    """
    config = GateConfig(units=units, epochs=epochs, batch_size=batch_size)
    job = TrainJob(
        config,
        data.X_train,
        data.y_train,
        data.X_test,
        seed,
        label=f"LSTM({units}) seed {seed}",
        keep_weights=True,
    )
    result = train(job, log_every=0)
    params = dict(zip(PARAM_NAMES, result.weights, strict=True))
    return GateModel(
        params,
        result.outputs,
        result.loss,
        result.seconds,
        result.cached,
        result.key,
        job_info(job),
    )
