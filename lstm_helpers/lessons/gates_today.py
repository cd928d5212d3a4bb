"""The gates-today lesson's experiment: six layers, their weights counted, on two tasks.

- :func:`parameter_count`, :func:`units_for`: the weights of each layer with its head,
  and the units that bring a layer nearest a budget of weights.
- :func:`scan_errors`: the three ways to run a minimal recurrence (loop, cumulative
  product, log space) against each other, on long sequences.
- :func:`adding_runs`, :func:`copy_runs`: train every (layer, length, seed) on the
  adding problem and on selective copying, through the course's one cached path, and
  score each on fixed test sequences. The plain RNN, the LSTM and the GRU of the adding
  problem are the memory lesson's own runs (the same settings, so the same stored
  models); the others use :class:`~lstm_helpers.models.recurrent_models.SequenceConfig`.
- :func:`comparison_table`, :func:`plot_scores`: the runs summarised and drawn.
- :func:`first_failure`: the shortest length at which each layer fails.
- :func:`step_costs`: what each layer keeps, and the time it takes, to read one more
  step; :func:`scan_speed`: one epoch with the loop and with the log-space scan.
- :func:`min_params`, :func:`keras_matches_numpy`: the Keras minimal cells read as the
  NumPy recurrence, and the largest difference between the two.
- :func:`copy_data`, :func:`plot_copy_sequence`: the selective-copying sequences, and
  one drawn.
- :func:`price_models`, :func:`price_comparison`: each layer forecasting tomorrow's log
  return, beside persistence and the 60-day rule (the literature and walk-forward
  lesson).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from lstm_helpers.data.periods import Split
from lstm_helpers.lessons.memory_experiment import UNITS as MEMORY_UNITS
from lstm_helpers.lessons.memory_experiment import memory_runs, task_data
from lstm_helpers.lessons.selective_copy import copy_accuracy, selective_copy
from lstm_helpers.models.recurrent_models import CELLS, SequenceConfig
from lstm_helpers.numpy_lstm.min_rnn import (
    min_gru_gates,
    min_lstm_gates,
    scan_log,
    scan_loop,
    scan_parallel,
)
from lstm_helpers.training.jobs import TrainJob
from lstm_helpers.training.scheduler import train_many

LABELS: dict[str, str] = {
    "rnn": "plain RNN",
    "lstm": "LSTM",
    "gru": "GRU",
    "mingru": "minGRU",
    "minlstm": "minLSTM",
    "transformer": "Transformer",
}
COLOURS: dict[str, str] = {
    "rnn": "tab:blue",
    "lstm": "tab:orange",
    "gru": "tab:green",
    "mingru": "tab:purple",
    "minlstm": "tab:brown",
    "transformer": "tab:gray",
}
"""The memory lesson's colours for its three cells, new ones for the others."""

HEADS = 2
"""Attention heads of the Transformer block."""

BUDGET_CELL = ("lstm", 32)
"""The classic cells and the Transformer are sized to about the weights of an LSTM of 32
units with its head."""

MIN_UNITS = 64
"""minGRU and minLSTM get 64 units: the numbers an LSTM of 32 units carries from step to
step (its hidden and cell state). At the LSTM's weights they would need about 450 to 650
units (their gates read no state, so a unit costs few weights), and their loop over
time trained about four times slower per epoch at 128 units than at 32 on this course's
two CPU cores (0.52 and 2.09 s per epoch on the adding problem at T = 100, measured
while choosing the sizes; not re-measured by the lesson)."""

COPY_SEED = 5000
"""Selective-copying sequences of length T are drawn with seed COPY_SEED + T (training)
and 2 * COPY_SEED + T (test)."""


def parameter_count(
    cell: str, units: int, n_features: int, outputs: int = 1, classes: int = 0
) -> int:
    """The trainable weights of ``SequenceConfig(cell, units, ...)`` built for inputs
    of ``n_features``: the layer and its Dense head.

    Keras's layers hold, with D inputs and H units: a plain RNN ``H (D + H + 1)``; an
    LSTM ``4 H (D + H + 1)``; a GRU ``3 H (D + H + 2)`` (two biases per gate); a minGRU
    ``2 H (D + 1)`` and a minLSTM ``3 H (D + 1)`` (their gates read no state); the
    Transformer block of width H: the embedding ``H (D + 1)``, attention ``4 H (H +
    1)``, two layer norms ``4 H``, the feed-forward layers ``4 H^2 + 3 H``. The head
    adds ``(H + 1) * outputs`` (``* classes`` for tokens).
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {', '.join(CELLS)}; got {cell!r}")
    d, h = int(n_features), int(units)
    layer = {
        "rnn": h * (d + h + 1),
        "lstm": 4 * h * (d + h + 1),
        "gru": 3 * h * (d + h + 2),
        "mingru": 2 * h * (d + 1),
        "minlstm": 3 * h * (d + 1),
        "transformer": h * (d + 1) + 4 * h * (h + 1) + 4 * h + 4 * h * h + 3 * h,
    }[cell]
    return layer + (h + 1) * outputs * max(classes, 1)


def units_for(
    cell: str, budget: int, n_features: int, outputs: int = 1, classes: int = 0
) -> int:
    """The units (a multiple of :data:`HEADS` for the Transformer) whose
    :func:`parameter_count` is nearest ``budget``; the smaller on a tie."""
    step = HEADS if cell == "transformer" else 1
    best, best_gap = step, None
    units = step
    while True:
        gap = abs(parameter_count(cell, units, n_features, outputs, classes) - budget)
        if best_gap is None or gap < best_gap:
            best, best_gap = units, gap
        if parameter_count(cell, units, n_features, outputs, classes) > budget:
            return best
        units += step


def _units(cell: str, budget: int, n_features: int, outputs: int, classes: int) -> int:
    if cell in MEMORY_UNITS and n_features == 2 and outputs == 1 and not classes:
        return MEMORY_UNITS[cell]  # the memory lesson's own sizes on its own task
    if cell in ("mingru", "minlstm"):
        return MIN_UNITS
    return units_for(cell, budget, n_features, outputs, classes)


def sizes(n_features: int, outputs: int = 1, classes: int = 0) -> pd.DataFrame:
    """Units and weights of every layer at the lesson's budget, one row per layer."""
    budget = parameter_count(*BUDGET_CELL, n_features, outputs, classes)
    rows = []
    for cell in CELLS:
        units = _units(cell, budget, n_features, outputs, classes)
        rows.append(
            {
                "model": LABELS[cell],
                "units": units,
                "weights": parameter_count(cell, units, n_features, outputs, classes),
            }
        )
    return pd.DataFrame(rows).set_index("model")


def scan_errors(lengths: Sequence[int], units: int = 8, seed: int = 0) -> pd.DataFrame:
    """The largest difference from the loop of the cumulative-product scan and of the
    log-space scan, in float64, for gates drawn near 0, near 1 and in between.

    Returns one row per length: ``product scan`` and ``log scan`` (max |difference|
    over every step, unit and sequence; NaN where the product form gave no finite
    number) and ``largest |h|`` of the loop.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for length in lengths:
        # a third of the units keep almost everything, a third almost nothing
        a = rng.uniform(0.5, 0.999, (2, length, units))
        a[..., : units // 3] = rng.uniform(0.99, 0.99999, (2, length, units // 3))
        a[..., units - units // 3 :] = rng.uniform(0.0, 1e-3, (2, length, units // 3))
        b = rng.normal(0.0, 1.0, (2, length, units)) * (1.0 - a)
        h0 = rng.normal(0.0, 1.0, (2, units))
        loop = scan_loop(a, b, h0)
        with np.errstate(all="ignore"):
            product = scan_parallel(a, b, h0)
        product_gap = np.abs(product - loop)
        rows.append(
            {
                "T": length,
                "product scan": float(np.max(product_gap))
                if np.all(np.isfinite(product_gap))
                else np.nan,
                "log scan": float(np.max(np.abs(scan_log(a, b, h0) - loop))),
                "largest |h|": float(np.max(np.abs(loop))),
            }
        )
    return pd.DataFrame(rows).set_index("T")


def _row(task, cell, length, seed, units, params, score, result) -> dict:
    epochs = max(len(result.loss), 1)
    return {
        "task": task,
        "model": LABELS[cell],
        "cell": cell,
        "T": length,
        "seed": seed,
        "units": units,
        "weights": params,
        "score": score,
        "seconds per epoch": result.seconds / epochs,
        "source": result.source,
    }


def _sequence_runs(
    task: str,
    cells: Sequence[str],
    data: dict[int, tuple[np.ndarray, ...]],
    seeds: Sequence[int],
    budget: int,
    outputs: int,
    classes: int,
    score: Callable[[np.ndarray, np.ndarray], float],
    workers: int | None = None,
    **training,
) -> list[dict]:
    """Train (or load) a :class:`SequenceConfig` of every cell on every length of
    ``data`` (length -> ``(X, y, X_test, y_test)``) and seed, in one call of the cached
    path; one :func:`_row` per run, scored by ``score(outputs, y_test)``.

    ``training`` holds the configuration's ``epochs``, ``batch_size``,
    ``learning_rate`` and ``jit_compile``.
    """
    n_in = next(iter(data.values()))[0].shape[2]
    jobs, keys = [], []
    for cell in cells:
        units = _units(cell, budget, n_in, outputs, classes)
        config = SequenceConfig(
            name=task, cell=cell, units=units, heads=HEADS, outputs=outputs,
            classes=classes, **training,
        )  # fmt: skip
        where = "" if task == "adding" else f"{task} "
        for length, (X, y, X_test, _) in data.items():
            for seed in seeds:
                label = f"{LABELS[cell]}({units}) {where}T={length} seed {seed}"
                jobs.append(TrainJob(config, X, y, X_test, seed, label=label))
                keys.append((cell, length, seed, units))
    results = train_many(jobs, workers=workers, log_every=0)
    return [
        _row(
            task,
            cell,
            length,
            seed,
            units,
            parameter_count(cell, units, n_in, outputs, classes),
            score(res.outputs, data[length][3]),
            res,
        )
        for (cell, length, seed, units), res in zip(keys, results, strict=True)
    ]


def adding_runs(
    delays: Sequence[int],
    seeds: Sequence[int],
    cells: Sequence[str] = CELLS,
    n_train: int = 5000,
    n_test: int = 1000,
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 3e-3,
    jit_compile: bool = True,
    workers: int | None = None,
) -> pd.DataFrame:
    """Train (or load) every layer on the adding problem at every delay and seed.

    The plain RNN, LSTM and GRU go through
    :func:`~lstm_helpers.lessons.memory_experiment.memory_runs` with the memory lesson's
    units, so that its stored models are reused; the others are sized by
    :func:`units_for` to the same budget. Every model sees the same sequences
    (:func:`~lstm_helpers.lessons.memory_experiment.task_data`).

    Returns
    -------
    DataFrame
        One row per run: task, model, cell, T, seed, units, weights, ``score`` (test
        MSE), seconds per epoch (as trained), source.
    """
    old = [c for c in cells if c in MEMORY_UNITS]
    new = [c for c in cells if c not in MEMORY_UNITS]
    unknown = set(cells) - set(CELLS)
    if unknown:
        raise ValueError(f"unknown cell(s) {sorted(unknown)}; choose from {CELLS}")
    budget = parameter_count(*BUDGET_CELL, 2)
    specs = [(c, d, s, None) for c in old for d in delays for s in seeds]
    # the memory lesson keeps the weights of its plain RNN and LSTM at the delay it
    # looks inside (60, or its longest) and its first seed: asked the same way, those
    # runs are its stored models too
    shown = 60 if 60 in delays else max(delays)
    kept = [(c, shown, min(seeds)) for c in ("rnn", "lstm")]
    rows = []
    for run in memory_runs(
        specs, n_train, n_test, epochs, batch_size, lr, kept, workers
    ):
        units = MEMORY_UNITS[run.cell]
        params = parameter_count(run.cell, units, 2)
        rows.append(
            _row(
                "adding", run.cell, run.delay, run.seed, units, params, run.test_mse,
                run.result,
            )
        )  # fmt: skip
    data = {d: task_data(d, n_train, n_test) for d in delays}

    def test_mse(outputs: np.ndarray, y_test: np.ndarray) -> float:
        return float(np.mean((np.asarray(outputs, dtype=np.float64) - y_test) ** 2))

    rows += _sequence_runs(
        "adding", new, data, seeds, budget, 1, 0, test_mse,
        epochs=epochs, batch_size=batch_size, learning_rate=lr,
        jit_compile=jit_compile, workers=workers,
    )  # fmt: skip
    return _in_order(pd.DataFrame(rows))


def copy_data(
    length: int, n_train: int, n_test: int, k: int, vocab: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The training and test sequences of selective copying at one length (the same for
    every layer and seed)."""
    X, y = selective_copy(n_train, length, k, vocab, seed=COPY_SEED + length)
    X_test, y_test = selective_copy(
        n_test, length, k, vocab, seed=2 * COPY_SEED + length
    )
    return X, y, X_test, y_test


def copy_runs(
    lengths: Sequence[int],
    seeds: Sequence[int],
    cells: Sequence[str] = CELLS,
    k: int = 4,
    vocab: int = 8,
    n_train: int = 5000,
    n_test: int = 1000,
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 3e-3,
    jit_compile: bool = True,
    workers: int | None = None,
) -> pd.DataFrame:
    """Train (or load) every layer on selective copying at every length and seed.

    Every layer is sized by :func:`units_for` to the weights of an LSTM of 32 units
    with its head (``k`` softmaxes over ``vocab`` tokens).

    Returns
    -------
    DataFrame
        As :func:`adding_runs`, ``score`` the share of test tokens recalled right.
    """
    unknown = set(cells) - set(CELLS)
    if unknown:
        raise ValueError(f"unknown cell(s) {sorted(unknown)}; choose from {CELLS}")
    n_in = vocab + 1
    budget = parameter_count(*BUDGET_CELL, n_in, k, vocab)
    data = {t: copy_data(t, n_train, n_test, k, vocab) for t in lengths}

    def recalled(outputs: np.ndarray, y_test: np.ndarray) -> float:
        return copy_accuracy(np.asarray(outputs).reshape(len(y_test), k, vocab), y_test)

    rows = _sequence_runs(
        "copy", cells, data, seeds, budget, k, vocab, recalled,
        epochs=epochs, batch_size=batch_size, learning_rate=lr,
        jit_compile=jit_compile, workers=workers,
    )  # fmt: skip
    return _in_order(pd.DataFrame(rows))


def _in_order(runs: pd.DataFrame) -> pd.DataFrame:
    order = {c: k for k, c in enumerate(CELLS)}
    runs = runs.assign(_o=runs["cell"].map(order))
    return (
        runs.sort_values(["_o", "T", "seed"]).drop(columns="_o").reset_index(drop=True)
    )


def comparison_table(runs: pd.DataFrame, score: str = "mean MSE") -> pd.DataFrame:
    """Per layer and length: the weights, the score's mean, lowest and highest over the
    seeds, the number of seeds, and the mean seconds per training epoch."""
    if runs.empty:
        raise ValueError("no runs to summarise")
    table = runs.groupby(["model", "T"], sort=False).agg(
        weights=("weights", "first"),
        mean=("score", "mean"),
        lowest=("score", "min"),
        highest=("score", "max"),
        seeds=("seed", "nunique"),
        s_per_epoch=("seconds per epoch", "mean"),
    )
    return table.rename(columns={"mean": score, "s_per_epoch": "s/epoch"})


def first_failure(
    table: pd.DataFrame, level: float, column: str = "mean MSE", above: bool = True
) -> pd.Series:
    """The shortest length T at which each model's ``column`` is past ``level`` (above
    it when ``above``, else below it); NaN where no length is."""
    out = {}
    for model, part in table[column].groupby(level=0, sort=False):
        values = part.droplevel(0).sort_index()
        failed = values[values > level] if above else values[values < level]
        out[model] = float(failed.index[0]) if len(failed) else np.nan
    return pd.Series(out, name=f"first T past {level:g}")


def plot_scores(
    runs: pd.DataFrame,
    baseline: float,
    ylabel: str,
    baseline_label: str,
    ax: plt.Axes | None = None,
    log: bool = False,
) -> plt.Axes:
    """Score against the length T, one line per layer (mean over seeds, every seed a
    dot), and a baseline."""
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 4.5))
    for cell in CELLS:
        mine = runs[runs["cell"] == cell]
        if mine.empty:
            continue
        means = mine.groupby("T")["score"].mean()
        ax.plot(
            means.index, means.values, marker="o", color=COLOURS[cell],
            label=LABELS[cell],
        )  # fmt: skip
        ax.scatter(mine["T"], mine["score"], color=COLOURS[cell], s=12, alpha=0.5)
    ax.axhline(baseline, color="k", ls="--", lw=1, label=baseline_label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax


def _gru_step(x, h, w):
    """One step of Keras's GRU (reset gate applied after the recurrent product), for
    timing only: (1, D), (1, H) -> (1, H)."""
    units = h.shape[1]
    xz, xr, xh = np.split(x @ w["kernel"] + w["bias"][0], 3, axis=1)
    hz, hr, hh = np.split(h @ w["recurrent_kernel"] + w["bias"][1], 3, axis=1)
    z = 1 / (1 + np.exp(-(xz + hz)))
    r = 1 / (1 + np.exp(-(xr + hr)))
    candidate = np.tanh(xh + r * hh)
    return z * h + (1 - z) * candidate[:, :units]


def _attention_step(x, keys, values, w):
    """One new step read by a causal attention block whose keys and values of the
    ``T`` earlier steps are kept: (1, D) -> (1, width); ``keys``, ``values`` (T,
    width). Two heads, then the feed-forward layer (layer norms left out)."""
    z = x @ w["embed"]
    q = (z @ w["query"]).reshape(HEADS, -1)
    k = keys.reshape(len(keys), HEADS, -1)
    v = values.reshape(len(values), HEADS, -1)
    scores = np.einsum("hd,thd->ht", q, k) / np.sqrt(q.shape[1])
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    read = np.einsum("ht,thd->hd", weights, v).reshape(1, -1) @ w["out"]
    z = z + read
    return z + np.maximum(z @ w["ffn1"], 0.0) @ w["ffn2"]


def step_costs(
    lengths: Sequence[int],
    units: dict[str, int],
    n_features: int = 2,
    seconds: float = 0.02,
    seed: int = 0,
) -> pd.DataFrame:
    """What each layer keeps, and the time it takes, to read one more step after ``T``
    steps, for one sequence (NumPy, float64, random weights of the lesson's sizes).

    ``state`` is the numbers carried per sequence: the hidden state (the LSTM's hidden
    and cell state); for attention the keys and values of every step read, ``2 * width
    * T``. ``µs per step`` is the mean over calls repeated for about ``seconds``.
    """
    from lstm_helpers.numpy_lstm import (
        init_lstm_params,
        lstm_step_forward,
        min_gru_step,
        min_lstm_step,
        rnn_step_forward,
    )

    rng = np.random.default_rng(seed)
    d = n_features
    x = rng.normal(size=(1, d))

    def w(*shape):
        return rng.normal(0.0, 0.1, shape)

    rows = []
    for cell, n in units.items():
        h = np.zeros((1, n))
        if cell == "rnn":
            weights = {"kernel": w(d, n), "recurrent_kernel": w(n, n), "bias": w(n)}
            step = partial(rnn_step_forward, x, h, **weights)
        elif cell == "lstm":
            step = partial(lstm_step_forward, x, h, h, **init_lstm_params(d, n, seed))
        elif cell == "gru":
            weights = {
                "kernel": w(d, 3 * n),
                "recurrent_kernel": w(n, 3 * n),
                "bias": w(2, 3 * n),
            }
            step = partial(_gru_step, x, h, weights)
        elif cell in ("mingru", "minlstm"):
            names = ("z", "h") if cell == "mingru" else ("f", "i", "h")
            weights = {f"W_{g}": w(d, n) for g in names} | {
                f"b_{g}": w(n) for g in names
            }
            fn = min_gru_step if cell == "mingru" else min_lstm_step
            step = partial(fn, x, h, weights)
        else:
            sizes_ = {"embed": (d, n), "query": (n, n), "out": (n, n)}
            sizes_ |= {"ffn1": (n, 2 * n), "ffn2": (2 * n, n)}
            weights = {k: w(*shape) for k, shape in sizes_.items()}
        for length in lengths:
            if cell == "transformer":
                step = partial(_attention_step, x, w(length, n), w(length, n), weights)
            step()
            calls, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                step()
                calls += 1
            elapsed = time.perf_counter() - start
            state = {"lstm": 2 * n, "transformer": 2 * n * length}.get(cell, n)
            rows.append(
                {
                    "model": LABELS[cell],
                    "T": length,
                    "state": state,
                    "µs per step": 1e6 * elapsed / calls,
                }
            )
    return pd.DataFrame(rows).set_index(["model", "T"])


def min_params(weights: Sequence[np.ndarray], kind: str) -> dict[str, np.ndarray]:
    """A Keras :class:`~lstm_helpers.models.recurrent_models.MinRNN`'s ``kernel`` and
    ``bias`` as the NumPy recurrence's weights (``W_z, b_z, W_h, b_h`` or ``W_f, b_f,
    W_i, b_i, W_h, b_h``): the column blocks, in the same order."""
    names = {"gru": ("z", "h"), "lstm": ("f", "i", "h")}.get(kind)
    if names is None:
        raise ValueError(f"kind must be 'gru' or 'lstm', got {kind!r}")
    kernel, bias = (np.asarray(w, dtype=np.float64) for w in weights[:2])
    units = kernel.shape[1] // len(names)
    out = {}
    for k, name in enumerate(names):
        block = slice(k * units, (k + 1) * units)
        out[f"W_{name}"], out[f"b_{name}"] = kernel[:, block], bias[block]
    return out


def keras_matches_numpy(
    kind: str, length: int, scan: str = "log", units: int = 8, seed: int = 0
) -> float:
    """The largest difference between a Keras minGRU / minLSTM layer (float32, its
    recurrence run by ``scan``) and the NumPy loop (float64) on the same weights and
    inputs, with the bias moved off zero so that the gates differ from step to step."""
    from lstm_helpers.models.recurrent_models import MinRNN

    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (3, length, 2)).astype("float32")
    layer = MinRNN(units, kind=kind, return_sequences=True, scan=scan)
    layer.build(x.shape)
    # seeded weights, and a bias moved off zero
    layer.kernel.assign(rng.normal(0.0, 0.5, layer.kernel.shape).astype("float32"))
    layer.bias.assign(rng.normal(0.0, 1.0, layer.bias.shape).astype("float32"))
    keras_h = np.asarray(layer(x))
    params = min_params([layer.kernel.numpy(), layer.bias.numpy()], kind)
    gates = min_gru_gates if kind == "gru" else min_lstm_gates
    a, b = gates(x.astype(np.float64), params)
    numpy_h = scan_loop(a, b, np.zeros((3, units)))
    return float(np.max(np.abs(keras_h - numpy_h)))


def plot_copy_sequence(
    X: np.ndarray, y: np.ndarray, ax: plt.Axes | None = None
) -> plt.Axes:
    """One selective-copying sequence: every step's token as a dot, the marked ones in
    red, and the target (the marked tokens in order) in the title."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be one sequence (T, vocab + 1), got {X.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3))
    tokens, marked = X[:, :-1].argmax(axis=1), X[:, -1] > 0
    steps = np.arange(1, len(X) + 1)
    ax.scatter(steps[~marked], tokens[~marked], color="0.6", s=14, label="token")
    ax.scatter(
        steps[marked], tokens[marked], color="tab:red", s=40, label="marked: recall"
    )
    ax.set_yticks(range(X.shape[1] - 1))
    ax.set_xlabel("step t")
    ax.set_ylabel("token")
    ax.set_title(
        f"one sequence of T = {len(X)} steps: target = the marked tokens in order, "
        f"{' '.join(str(int(v)) for v in np.ravel(y))}"
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    return ax


def scan_speed(
    X: np.ndarray, y: np.ndarray, units: int = 64, kind: str = "mingru", epochs: int = 2
) -> pd.Series:
    """Seconds per training epoch of one minimal cell, its recurrence run by the loop
    and by the log-space scan (after one epoch that compiles; batch 64, XLA)."""
    out = {}
    for scan in ("loop", "log"):
        model = SequenceConfig(cell=kind, units=units, scan=scan).build(
            X.shape[1], X.shape[2]
        )
        model.fit(X, y, epochs=1, batch_size=64, verbose=0)  # compiles
        start = time.perf_counter()
        model.fit(X, y, epochs=epochs, batch_size=64, verbose=0)
        out[f"{scan} scan" if scan == "log" else "loop"] = (
            time.perf_counter() - start
        ) / epochs
    return pd.Series(out, name="seconds per epoch")


PRICE_LR = 1e-3
"""Adam's step size for the price models (the memory tasks use 0.003)."""

STACKED = "stacked LSTM log-return"
"""The experiments lesson's log-return LSTM (four layers of 50), as it named it there
``LSTM log-return``."""


def price_models(
    epochs: int = 30, jit_compile: bool = True
) -> dict[str, tuple[SequenceConfig, str]]:
    """One layer of each kind, sized as on the memory tasks (one input: the day's log
    return), that forecasts tomorrow's log return; early stopping on the last training
    year with a patience of 5, batch 32.

    Returns model name -> (configuration, transform), as
    :func:`~lstm_helpers.lessons.experiments.run_comparison` takes them.
    """
    budget = parameter_count(*BUDGET_CELL, 1)
    out = {}
    for cell in CELLS:
        config = SequenceConfig(
            name=f"price-{cell}",
            cell=cell,
            units=_units(cell, budget, 1, 1, 0),
            heads=HEADS,
            epochs=epochs,
            batch_size=32,
            learning_rate=PRICE_LR,
            early_stopping=True,
            patience=5,
            jit_compile=jit_compile,
        )
        out[LABELS[cell]] = (config, "log_return")
    return out


def price_comparison(
    prices: dict[str, pd.DataFrame],
    target: str,
    seeds: Sequence[int],
    split: Split,
    epochs: int = 30,
    jit_compile: bool = True,
    workers: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every layer of :func:`price_models` and the experiments lesson's stacked
    log-return LSTM (its stored runs, with the same settings) on every stock and seed,
    against persistence and the 60-day Close-based rule on the test days.

    Returns
    -------
    runs : DataFrame
        One row per (ticker, model, seed): ``vs persistence`` and ``vs rule`` (RMSE
        over the reference's).
    table : DataFrame
        Per model: runs; the ratio to persistence (mean, lowest, highest) and to the
        rule (mean); and per stock one Diebold-Mariano test of the seeds' mean loss
        against each reference (5%, two-sided), counted as stocks better / same /
        worse (:func:`~lstm_helpers.evaluation.significance.seed_mean_test`).
    """
    from lstm_helpers.evaluation.benchmarks import benchmark_forecasts
    from lstm_helpers.evaluation.significance import seed_mean_test
    from lstm_helpers.lessons.experiments import MODELS, run_comparison, with_epochs

    models = {
        STACKED: with_epochs(
            {"LSTM log-return": MODELS["LSTM log-return"]},
            max_epochs_variants=epochs,
            jit_compile=jit_compile,
        )["LSTM log-return"],
        **price_models(epochs, jit_compile),
    }
    comparison = run_comparison(
        prices, models, list(seeds), target, workers=workers, split=split
    )
    runs = comparison.runs.copy()
    rules = {}
    for ticker, frame in prices.items():
        dates = pd.Index(comparison.dates[ticker])
        bench = benchmark_forecasts(frame, target, split.train_end, dates)
        if bench.fair_rule is None:
            raise ValueError(
                f"{ticker}: the 60-day rule needs a Close column beside {target}"
            )
        rules[ticker] = bench.forecasts[bench.fair_rule].to_numpy()

    def rmse(ticker: str, forecast: np.ndarray) -> float:
        return float(np.sqrt(np.mean((comparison.actual[ticker] - forecast) ** 2)))

    runs["vs persistence"] = runs["rmse_ratio"]
    runs["vs rule"] = [
        r.rmse / rmse(r.ticker, rules[r.ticker]) for r in runs.itertuples()
    ]
    rows = []
    for model in models:
        mine = runs[runs["model"] == model]
        counts = {"persistence": [0, 0, 0], "rule": [0, 0, 0]}
        for ticker in prices:
            forecasts = [comparison.predictions[(ticker, model, s)] for s in seeds]
            actual = comparison.actual[ticker]
            for name, reference in (
                ("persistence", comparison.previous[ticker]),
                ("rule", rules[ticker]),
            ):
                test = seed_mean_test(actual, forecasts, reference)
                where = 1 if test.p_value >= 0.05 else (0 if test.statistic < 0 else 2)
                counts[name][where] += 1
        rows.append(
            {
                "model": model,
                "runs": len(mine),
                "vs persistence": mine["vs persistence"].mean(),
                "lowest": mine["vs persistence"].min(),
                "highest": mine["vs persistence"].max(),
                "b/s/w": "/".join(map(str, counts["persistence"])),
                "vs rule": mine["vs rule"].mean(),
                "b/s/w rule": "/".join(map(str, counts["rule"])),
            }
        )
    return runs, pd.DataFrame(rows).set_index("model")
