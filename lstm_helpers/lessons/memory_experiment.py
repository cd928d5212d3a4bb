"""The memory lesson's experiment: RNN, LSTM and GRU on the adding problem, and a look
inside.

- :func:`memory_runs`: train every (cell, delay, seed) through the course's one
  cached path and score it on a fixed test set; :func:`error_table` and
  :func:`plot_error_vs_delay` summarise the runs.
- :func:`forecast_gradients`: with the NumPy cells of lessons 02 and 03 and a
  trained model's weights, how much the forecast moves with every input step.
- :func:`carried_value`, :func:`memory_unit`: which LSTM units write, keep
  and hold the first marked value across the delay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lstm_helpers.lessons.memory_task import (
    CELLS,
    CONSTANT_ANSWER,
    MemoryConfig,
    adding_problem,
    marked_steps,
)
from lstm_helpers.numpy_lstm import (
    lstm_backward,
    lstm_forward,
    rnn_backward,
    rnn_forward,
)
from lstm_helpers.training.jobs import TrainJob
from lstm_helpers.training.scheduler import TrainResult, train_many

UNITS: dict[str, int] = {"rnn": 65, "lstm": 32, "gru": 37}
"""Units per cell, chosen so that the three layers have about the same number of weights
(4,420, 4,480 and 4,551 with two inputs): an LSTM unit has four weight blocks, a GRU
unit three, an RNN unit one, so the RNN gets the most units."""

COLOURS: dict[str, str] = {"rnn": "tab:blue", "lstm": "tab:orange", "gru": "tab:green"}
"""The plain RNN blue and the LSTM orange, as in lesson 03's plots."""

LABELS: dict[str, str] = {"rnn": "plain RNN", "lstm": "LSTM", "gru": "GRU"}

DATA_SEED = 1000
"""Training sequences of delay T are drawn with seed DATA_SEED + T, test sequences with
2 * DATA_SEED + T."""

WEIGHT_NAMES = ("kernel", "recurrent_kernel", "bias", "w_out", "b_out")
"""A recurrent layer's and the Dense head's weights, in Keras's order (RNN and LSTM
alike)."""


@dataclass
class MemoryRun:
    """One trained model on the adding problem.

    Attributes
    ----------
    cell : str
    delay : int
    seed : int
    forget_bias : float or None
        The LSTM's initial forget bias (None: Keras's default, 1).
    test_mse : float
        Mean squared error on the test sequences.
    loss : list of float
        Training loss per epoch.
    result : TrainResult
        The scheduler's record (outputs, weights if kept, key, source).
    params : dict of ndarray
        ``kernel``, ``recurrent_kernel``, ``bias``, ``w_out``, ``b_out`` when the
        weights were kept, else empty.
    """

    cell: str
    delay: int
    seed: int
    forget_bias: float | None
    test_mse: float
    loss: list[float]
    result: TrainResult
    params: dict[str, np.ndarray] = field(default_factory=dict)


def task_data(
    delay: int, n_train: int, n_test: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The training and test sequences of one delay (the same for every cell and
    seed)."""
    X, y = adding_problem(n_train, delay, seed=DATA_SEED + delay)
    X_test, y_test = adding_problem(n_test, delay, seed=2 * DATA_SEED + delay)
    return X, y, X_test, y_test


def memory_runs(
    specs: Sequence[tuple[str, int, int, float | None]],
    n_train: int,
    n_test: int,
    epochs: int,
    batch_size: int,
    lr: float,
    keep_weights: Sequence[tuple[str, int, int]] = (),
    workers: int | None = None,
) -> list[MemoryRun]:
    """Train (or load) one model per ``(cell, delay, seed, forget_bias)`` and score it.

    Parameters
    ----------
    specs : sequence of (cell, delay, seed, forget_bias)
        ``forget_bias`` None keeps Keras's default.
    n_train, n_test : int
        Sequences to train on and to score on, per delay.
    epochs, batch_size, lr : training settings of :class:`MemoryConfig`
    keep_weights : sequence of (cell, delay, seed)
        The runs whose weights are kept for a look inside (default forget bias only).
    workers : int, optional
        Worker processes (default: one per core).

    Returns
    -------
    list of MemoryRun, in the order of ``specs``.
    """
    data = {d: task_data(d, n_train, n_test) for d in sorted({s[1] for s in specs})}
    jobs = []
    for cell, delay, seed, bias in specs:
        if cell not in CELLS:
            raise ValueError(f"unknown cell {cell!r}; choose from {', '.join(CELLS)}")
        config = MemoryConfig(
            name="adding",
            cell=cell,
            units=UNITS[cell],
            forget_bias=bias,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=lr,
        )
        X, y, X_test, _ = data[delay]
        keep = bias is None and (cell, delay, seed) in set(keep_weights)
        label = f"{LABELS[cell]}({UNITS[cell]}) T={delay} seed {seed}" + (
            "" if bias is None else f" forget bias {bias:g}"
        )
        jobs.append(
            TrainJob(config, X, y, X_test, seed, label=label, keep_weights=keep)
        )
    results = train_many(jobs, workers=workers, log_every=0)
    runs = []
    for (cell, delay, seed, bias), res in zip(specs, results, strict=True):
        y_test = data[delay][3]
        mse = float(np.mean((np.asarray(res.outputs, dtype=np.float64) - y_test) ** 2))
        params = (
            dict(zip(WEIGHT_NAMES, res.weights, strict=True)) if res.weights else {}
        )
        runs.append(
            MemoryRun(cell, delay, seed, bias, mse, list(res.loss), res, params)
        )
    return runs


def constant_mse(delays: Sequence[int], n_test: int) -> pd.Series:
    """The test MSE of always answering 1, per delay, on the same test sequences as the
    models."""
    return pd.Series(
        {
            d: float(np.mean((task_data(d, 1, n_test)[3] - CONSTANT_ANSWER) ** 2))
            for d in delays
        },
        name="always 1",
    )


def error_table(runs: Sequence[MemoryRun]) -> pd.DataFrame:
    """Test MSE per cell and delay over seeds: mean, lowest, highest, and the number of
    seeds.

    Only runs with Keras's default forget bias are summarised.
    """
    rows = [
        {"cell": LABELS[r.cell], "T": r.delay, "seed": r.seed, "mse": r.test_mse}
        for r in runs
        if r.forget_bias is None
    ]
    if not rows:
        raise ValueError("no runs with the default forget bias to summarise")
    frame = pd.DataFrame(rows)
    table = frame.groupby(["cell", "T"])["mse"].agg(["mean", "min", "max", "count"])
    table.columns = ["mean MSE", "lowest", "highest", "seeds"]
    order = [LABELS[c] for c in CELLS if LABELS[c] in table.index.get_level_values(0)]
    return table.reindex(order, level=0)


def breakthrough_epoch(loss: Sequence[float], level: float) -> int | None:
    """The first epoch (1-based) whose training loss is below ``level``, or None if none
    is."""
    for epoch, value in enumerate(loss, start=1):
        if value < level:
            return epoch
    return None


def plot_error_vs_delay(
    runs: Sequence[MemoryRun], baseline: pd.Series, ax: plt.Axes | None = None
) -> plt.Axes:
    """Test MSE against the delay T, one line per cell (mean over seeds, every seed a
    dot), and the baseline."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    for cell in CELLS:
        mine = [r for r in runs if r.cell == cell and r.forget_bias is None]
        if not mine:
            continue
        delays = sorted({r.delay for r in mine})
        means = [np.mean([r.test_mse for r in mine if r.delay == d]) for d in delays]
        ax.plot(
            delays,
            means,
            marker="o",
            color=COLOURS[cell],
            label=f"{LABELS[cell]}({UNITS[cell]}), mean over seeds",
        )
        ax.scatter(
            [r.delay for r in mine],
            [r.test_mse for r in mine],
            color=COLOURS[cell],
            s=14,
            alpha=0.5,
        )
    ax.plot(
        baseline.index,
        baseline.to_numpy(),
        color="k",
        ls="--",
        label="always answer 1 (no memory)",
    )
    ax.set_yscale("log")
    ax.set_xlabel("delay T (steps in the sequence)")
    ax.set_ylabel("test mean squared error (log scale)")
    ax.set_xticks(sorted(baseline.index))
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3, which="both")
    return ax


def plot_sequence(x: np.ndarray, target: float, ax: plt.Axes | None = None) -> plt.Axes:
    """One adding-problem sequence: the values as bars, the two marked ones in red, and
    the target."""
    x = np.asarray(x)
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3))
    steps = np.arange(1, len(x) + 1)
    marked = x[:, 1] > 0.5
    ax.bar(
        steps[~marked],
        x[~marked, 0],
        color="0.7",
        width=0.8,
        label="value (marker 0: ignore)",
    )
    ax.bar(
        steps[marked],
        x[marked, 0],
        color="tab:red",
        width=0.8,
        label="value (marker 1: add)",
    )
    ax.axvline(len(x) / 2 + 0.5, color="k", ls=":", lw=0.8)
    ax.set_xlabel(
        "step t (the first marker falls left of the dotted "
        "line, the second right of it)"
    )
    ax.set_ylabel("value")
    ax.set_title(
        f"one sequence of T = {len(x)} steps: target = "
        f"{' + '.join(f'{v:.3f}' for v in x[marked, 0])}"
        f" = {target:.3f}"
    )
    ax.legend(loc="upper right", fontsize=9, framealpha=0.9)
    ax.set_ylim(0, 1.25)
    return ax


def forecast_gradients(
    cell: str, params: Mapping[str, np.ndarray], X: np.ndarray
) -> np.ndarray:
    """How much the forecast moves with every input: ``d yhat / d x[n, t, d]`` for a
    trained model.

    The forecast is ``yhat = h_T @ w_out + b_out``; backpropagation through
    time with the package's NumPy layer (:func:`lstm_backward` or
    :func:`rnn_backward`) carries ``w_out`` back to every input step.

    Parameters
    ----------
    cell : {"rnn", "lstm"}
    params : dict
        ``kernel``, ``recurrent_kernel``, ``bias``, ``w_out`` (H, 1) (a
        :attr:`MemoryRun.params`).
    X : ndarray, shape (N, T, D)

    Returns
    -------
    ndarray, shape (N, T, D)
    """
    if cell not in ("rnn", "lstm"):
        raise ValueError(
            "cell must be 'rnn' or 'lstm' (the NumPy cells of the "
            f"course); got {cell!r}"
        )
    x = np.asarray(X, dtype=np.float64)
    weights = [
        np.asarray(params[k], dtype=np.float64)
        for k in ("kernel", "recurrent_kernel", "bias")
    ]
    if cell == "lstm":
        h_seq, cache = lstm_forward(x, *weights)
        backward = lstm_backward
    else:
        h_seq, cache = rnn_forward(x, *weights)
        backward = rnn_backward
    dh_seq = np.zeros_like(h_seq)
    dh_seq[:, -1, :] = np.asarray(params["w_out"], dtype=np.float64)[:, 0]
    return backward(dh_seq, cache)["x"]


def marked_sensitivity(grads: np.ndarray, X: np.ndarray) -> pd.Series:
    """Mean ``d yhat / d value`` at the first and the second marked step and, as
    absolute values, elsewhere.

    A model that has solved the task answers ``u1 + u2``: 1 at both marked
    steps, 0 at every other step.
    """
    steps = marked_steps(X)
    rows = np.arange(len(X))
    dv = grads[:, :, 0]
    other = np.ones_like(dv, dtype=bool)
    other[rows, steps[:, 0]] = other[rows, steps[:, 1]] = False
    return pd.Series(
        {
            "first marked value": float(dv[rows, steps[:, 0]].mean()),
            "second marked value": float(dv[rows, steps[:, 1]].mean()),
            "any other value (mean |.|)": float(np.abs(dv[other]).mean()),
        }
    )


def carried_value(params: Mapping[str, np.ndarray], X: np.ndarray) -> pd.DataFrame:
    """For every LSTM unit: does it write, keep and hold the first marked value?

    Measured over the sequences ``X`` with the NumPy layer:

    - ``writes``: the correlation between the jump of the unit's cell state at
      the first marked step, ``C_a - C_{a-1}``, and the first marked value;
    - ``keeps``: the unit's mean forget gate between the two marked steps;
    - ``holds``: the correlation between its cell state one step before the
      second marker and the first marked value.

    Parameters
    ----------
    params : dict
        ``kernel``, ``recurrent_kernel``, ``bias`` of a trained LSTM.
    X : ndarray, shape (N, T, 2)
        Adding-problem sequences.

    Returns
    -------
    DataFrame, one row per unit (index ``unit``), sorted by ``keeps``, highest first.
    """
    x = np.asarray(X, dtype=np.float64)
    _, state = lstm_forward(
        x,
        *[
            np.asarray(params[k], dtype=np.float64)
            for k in ("kernel", "recurrent_kernel", "bias")
        ],
    )
    steps = marked_steps(x)
    rows = np.arange(len(x))
    first_value = x[rows, steps[:, 0], 0]
    c = np.asarray(state.c)  # (N, T, H)
    previous = np.where(
        (steps[:, 0] > 0)[:, None], c[rows, np.maximum(steps[:, 0] - 1, 0), :], 0.0
    )
    jump = c[rows, steps[:, 0], :] - previous
    c_before = c[rows, steps[:, 1] - 1, :]
    f = np.asarray(state.f)
    between = np.zeros(f.shape[:2], dtype=bool)
    for n, (a, b) in enumerate(steps):
        between[n, a + 1 : b] = True

    def corr(values: np.ndarray) -> np.ndarray:
        return np.array(
            [
                np.corrcoef(values[:, u], first_value)[0, 1]
                if values[:, u].std() > 0
                else 0.0
                for u in range(values.shape[1])
            ]
        )

    table = pd.DataFrame(
        {
            "writes": corr(jump),
            "keeps": [f[:, :, u][between].mean() for u in range(f.shape[2])],
            "holds": corr(c_before),
        }
    )
    table.index.name = "unit"
    return table.sort_values("keeps", ascending=False)


def memory_unit(table: pd.DataFrame) -> int:
    """The unit that remembers most plainly: the highest ``|writes| x keeps`` of
    :func:`carried_value`'s table."""
    score = table["writes"].abs() * table["keeps"]
    return int(score.idxmax())
