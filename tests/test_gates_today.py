"""Tests of lstm_helpers.lessons.gates_today: the sizes, the scans, the runs (trained
tiny, in a private cache), their summary and the plots."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba

from lstm_helpers.lessons.gates_today import (
    BUDGET_CELL,
    HEADS,
    LABELS,
    MIN_UNITS,
    PRICE_LR,
    adding_runs,
    comparison_table,
    copy_runs,
    first_failure,
    keras_matches_numpy,
    min_params,
    parameter_count,
    plot_copy_sequence,
    price_models,
    scan_errors,
    sizes,
    step_costs,
    units_for,
)
from lstm_helpers.lessons.memory_experiment import UNITS as MEMORY_UNITS
from lstm_helpers.lessons.selective_copy import selective_copy
from lstm_helpers.models.recurrent_models import CELLS, SequenceConfig
from lstm_helpers.numpy_lstm.min_rnn import MIN_GRU_WEIGHTS, MIN_LSTM_WEIGHTS

# (n_features, outputs, classes): the adding problem's head, selective copying's
HEADS_OF_TASKS = [(2, 1, 0), (9, 4, 8)]


# --------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("n_features", "outputs", "classes"), HEADS_OF_TASKS)
@pytest.mark.parametrize("units", [4, 10])
@pytest.mark.parametrize("cell", CELLS)
def test_parameter_count_equals_keras(cell, units, n_features, outputs, classes):
    config = SequenceConfig(
        cell=cell, units=units, heads=HEADS, outputs=outputs, classes=classes
    )
    model = config.build(7, n_features)
    assert parameter_count(cell, units, n_features, outputs, classes) == (
        model.count_params()
    )


def test_parameter_count_refuses_an_unknown_cell():
    with pytest.raises(ValueError, match="'xyz'"):
        parameter_count("xyz", 4, 2)


@pytest.mark.parametrize(("n_features", "outputs", "classes"), HEADS_OF_TASKS)
@pytest.mark.parametrize("cell", CELLS)
def test_units_for_is_nearest_the_budget(cell, n_features, outputs, classes):
    budget = parameter_count(*BUDGET_CELL, n_features, outputs, classes)
    units = units_for(cell, budget, n_features, outputs, classes)
    step = HEADS if cell == "transformer" else 1
    assert units % step == 0

    def gap(u):
        return abs(parameter_count(cell, u, n_features, outputs, classes) - budget)

    # the neighbours are not nearer (the smaller one wins a tie)
    if units > step:
        assert gap(units - step) > gap(units)
    assert gap(units + step) >= gap(units)


def test_units_for_finds_the_budget_when_it_is_met_exactly():
    assert units_for("lstm", parameter_count("lstm", 32, 2), 2) == 32
    budget = parameter_count("transformer", 12, 3, 2, 5)
    assert units_for("transformer", budget, 3, 2, 5) == 12


def test_sizes_of_the_adding_problem():
    table = sizes(2)
    assert list(table.index) == [LABELS[c] for c in CELLS]
    units = table["units"]
    for cell in ("rnn", "lstm", "gru"):
        assert units[LABELS[cell]] == MEMORY_UNITS[cell]
    assert [units[LABELS[c]] for c in ("rnn", "lstm", "gru")] == [65, 32, 37]
    assert units["minGRU"] == units["minLSTM"] == MIN_UNITS
    budget = parameter_count(*BUDGET_CELL, 2)
    assert units["Transformer"] == units_for("transformer", budget, 2)
    for cell in CELLS:
        assert table.loc[LABELS[cell], "weights"] == parameter_count(
            cell, units[LABELS[cell]], 2
        )


def test_sizes_of_selective_copying_use_the_budget():
    table = sizes(9, 4, 8)
    budget = parameter_count(*BUDGET_CELL, 9, 4, 8)
    for cell in ("rnn", "lstm", "gru", "transformer"):
        assert table.loc[LABELS[cell], "units"] == units_for(cell, budget, 9, 4, 8)
    assert table.loc["LSTM", "units"] == 32
    assert table.loc["minGRU", "units"] == MIN_UNITS


# --------------------------------------------------------------------------
# Scans
# --------------------------------------------------------------------------


def test_scan_errors_the_log_scan_holds_the_product_scan_breaks():
    table = scan_errors([10, 30, 100])
    assert list(table.index) == [10, 30, 100]
    assert (table["log scan"] < 1e-10).all()
    assert np.isfinite(table.loc[10, "product scan"])
    assert table.loc[10, "product scan"] < 1e-10
    assert np.isnan(table.loc[100, "product scan"])
    assert (table["largest |h|"] > 0).all()


@pytest.mark.parametrize(("scan", "tolerance"), [("loop", 1e-5), ("log", 1e-3)])
@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_keras_matches_numpy(kind, scan, tolerance):
    assert keras_matches_numpy(kind, length=200, scan=scan) < tolerance


def _labelled(blocks: int, units: int = 3, n_in: int = 2):
    """A kernel whose entry in row r, column c is 100 r + c, and a bias of c + 0.5."""
    width = blocks * units
    kernel = 100.0 * np.arange(n_in)[:, None] + np.arange(width)[None, :]
    return kernel, np.arange(width) + 0.5


@pytest.mark.parametrize(
    ("kind", "names"),
    [("gru", ("z", "h")), ("lstm", ("f", "i", "h"))],
)
def test_min_params_splits_the_blocks_in_order(kind, names):
    kernel, bias = _labelled(len(names))
    params = min_params([kernel, bias], kind)
    expected = MIN_GRU_WEIGHTS if kind == "gru" else MIN_LSTM_WEIGHTS
    assert sorted(params) == sorted(expected)
    for k, name in enumerate(names):
        columns = np.arange(3 * k, 3 * k + 3)
        np.testing.assert_array_equal(
            params[f"W_{name}"], np.stack([columns, 100 + columns])
        )
        np.testing.assert_array_equal(params[f"b_{name}"], columns + 0.5)


def test_min_params_refuses_an_unknown_kind():
    kernel, bias = _labelled(2)
    with pytest.raises(ValueError, match="'xyz'"):
        min_params([kernel, bias], "xyz")


# --------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------


def _mse_table(rows):
    index = pd.MultiIndex.from_tuples([r[:2] for r in rows], names=["model", "T"])
    return pd.DataFrame({"mean MSE": [r[2] for r in rows]}, index=index)


FAILURES = _mse_table(
    [
        ("A", 10, 0.01),
        ("A", 30, 0.2),
        ("A", 100, 0.5),
        # never above 0.1: equal to it is not past it
        ("B", 10, 0.02),
        ("B", 30, 0.03),
        ("B", 100, 0.1),
        # the rows out of order: the smallest T counts, not the first row
        ("C", 100, 0.5),
        ("C", 30, 0.3),
        ("C", 10, 0.01),
        ("D", 10, 0.5),
        ("D", 30, 0.05),
        ("D", 100, 0.01),
    ]
)


def test_first_failure_is_the_smallest_length_above_the_level():
    first = first_failure(FAILURES, 0.1)
    assert list(first.index) == ["A", "B", "C", "D"]
    assert first["A"] == 30 and first["C"] == 30 and first["D"] == 10
    assert np.isnan(first["B"])
    assert first.name == "first T past 0.1"


def test_first_failure_below_the_level():
    first = first_failure(FAILURES, 0.1, above=False)
    assert first.to_dict() == {"A": 10, "B": 10, "C": 10, "D": 30}
    assert np.isnan(first_failure(FAILURES, 0.001, above=False)).all()


def test_first_failure_reads_the_named_column():
    table = FAILURES.rename(columns={"mean MSE": "accuracy"})
    first = first_failure(table, 0.4, column="accuracy", above=False)
    assert first.to_dict() == {"A": 10, "B": 10, "C": 10, "D": 30}


def _run(model, length, seed, score, seconds=2.0, weights=100):
    return {
        "task": "adding",
        "model": model,
        "cell": model.lower(),
        "T": length,
        "seed": seed,
        "units": 4,
        "weights": weights,
        "score": score,
        "seconds per epoch": seconds,
        "source": "trained",
    }


def test_comparison_table_summarises_the_seeds():
    runs = pd.DataFrame(
        [
            _run("LSTM", 10, 0, 0.1, 1.0),
            _run("LSTM", 10, 1, 0.3, 2.0),
            _run("LSTM", 10, 2, 0.2, 6.0),
            _run("LSTM", 30, 0, 0.5),
            _run("LSTM", 30, 1, 0.7),
            _run("GRU", 10, 0, 0.4, weights=90),
        ]
    )
    table = comparison_table(runs)
    assert list(table.index) == [("LSTM", 10), ("LSTM", 30), ("GRU", 10)]
    assert list(table.columns) == [
        "weights",
        "mean MSE",
        "lowest",
        "highest",
        "seeds",
        "s/epoch",
    ]
    row = table.loc[("LSTM", 10)]
    assert row["mean MSE"] == pytest.approx(0.2)
    assert (row["lowest"], row["highest"], row["seeds"]) == (0.1, 0.3, 3)
    assert row["s/epoch"] == pytest.approx(3.0)
    assert table.loc[("LSTM", 30), "mean MSE"] == pytest.approx(0.6)
    assert table.loc[("LSTM", 30), "seeds"] == 2
    assert table.loc[("GRU", 10), "weights"] == 90
    assert table.loc[("GRU", 10), "seeds"] == 1
    assert "accuracy" in comparison_table(runs, score="accuracy").columns


def test_comparison_table_refuses_no_runs():
    empty = pd.DataFrame(columns=list(_run("LSTM", 10, 0, 0.1)))
    with pytest.raises(ValueError, match="no runs"):
        comparison_table(empty)


# --------------------------------------------------------------------------
# The runs: trained tiny, in a private cache
# --------------------------------------------------------------------------

TINY = {
    "n_train": 64,
    "n_test": 16,
    "epochs": 1,
    "batch_size": 32,
    "jit_compile": False,
    "workers": 1,
}


# one of each path (a memory-lesson cell, a minimal cell, attention), to keep the run
# short
ADDING_CELLS = ("lstm", "mingru", "transformer")
COPY_CELLS = ("gru", "minlstm")


def _one_row_per_run(runs, length, cells):
    assert list(runs["cell"]) == list(cells)
    assert list(runs["model"]) == [LABELS[c] for c in cells]
    assert (runs["T"] == length).all() and (runs["seed"] == 0).all()
    assert not runs.duplicated(["cell", "T", "seed"]).any()


def test_adding_runs_are_scored_and_cached(tmp_cache, tmp_results):
    runs = adding_runs([4], [0], cells=ADDING_CELLS, **TINY)
    _one_row_per_run(runs, 4, ADDING_CELLS)
    assert (runs["task"] == "adding").all()
    for r in runs.itertuples():
        assert r.weights == parameter_count(r.cell, r.units, 2)
        if r.cell in MEMORY_UNITS:
            assert r.units == MEMORY_UNITS[r.cell]
    assert runs.set_index("cell").loc["mingru", "units"] == MIN_UNITS
    assert np.isfinite(runs["score"]).all() and (runs["score"] >= 0).all()
    assert (runs["source"] == "trained").all()
    assert (runs["seconds per epoch"] > 0).all()
    again = adding_runs([4], [0], cells=ADDING_CELLS, **TINY)
    assert (again["source"] == "cache").all()
    assert again["score"].tolist() == runs["score"].tolist()


def test_copy_runs_are_scored(tmp_cache, tmp_results):
    runs = copy_runs([6], [0], cells=COPY_CELLS, k=2, vocab=3, **TINY)
    _one_row_per_run(runs, 6, COPY_CELLS)
    assert (runs["task"] == "copy").all()
    budget = parameter_count(*BUDGET_CELL, 4, 2, 3)
    for r in runs.itertuples():
        assert r.weights == parameter_count(r.cell, r.units, 4, 2, 3)
        if r.cell in ("mingru", "minlstm"):
            assert r.units == MIN_UNITS
        else:
            assert r.units == units_for(r.cell, budget, 4, 2, 3)
    assert runs["score"].between(0.0, 1.0).all()
    # a share of the 16 x 2 test tokens
    np.testing.assert_allclose(runs["score"] * 32, np.round(runs["score"] * 32))


@pytest.mark.parametrize("runs", [adding_runs, copy_runs])
def test_an_unknown_cell_is_refused_before_training(runs, tmp_cache):
    with pytest.raises(ValueError, match="unknown cell"):
        runs([4], [0], cells=("lstm", "lstm2"), **TINY)
    assert not tmp_cache.exists() or not any(tmp_cache.iterdir())


# --------------------------------------------------------------------------
# Plots, price models, inference cost
# --------------------------------------------------------------------------


def test_plot_copy_sequence_marks_the_tokens_to_recall():
    X, y = selective_copy(1, 12, 3, 4, seed=0)
    ax = plot_copy_sequence(X[0], y[0])
    try:
        plain, marked = ax.collections[:2]
        steps = np.flatnonzero(X[0, :, -1]) + 1
        tokens = X[0, steps - 1, :-1].argmax(axis=1)
        np.testing.assert_array_equal(marked.get_offsets(), np.c_[steps, tokens])
        np.testing.assert_allclose(marked.get_facecolor()[0], to_rgba("tab:red"))
        assert len(plain.get_offsets()) == 12 - 3
        assert tokens.tolist() == y[0].tolist()
        assert ax.get_title().endswith(" ".join(str(v) for v in y[0]))
    finally:
        plt.close(ax.figure)


def test_plot_copy_sequence_refuses_a_batch():
    X, y = selective_copy(2, 12, 3, 4, seed=0)
    with pytest.raises(ValueError, match="one sequence"):
        plot_copy_sequence(X, y)


def test_price_models_one_layer_of_each_kind():
    models = price_models(epochs=7, jit_compile=False)
    assert list(models) == [LABELS[c] for c in CELLS]
    budget = parameter_count(*BUDGET_CELL, 1)
    for cell, (config, transform) in zip(CELLS, models.values(), strict=True):
        assert transform == "log_return"
        assert config.cell == cell
        assert config.early_stopping is True and config.patience == 5
        assert (config.epochs, config.batch_size) == (7, 32)
        assert config.learning_rate == PRICE_LR and config.jit_compile is False
        if cell in ("mingru", "minlstm"):
            assert config.units == MIN_UNITS
        else:
            assert config.units == units_for(cell, budget, 1)
    assert models["LSTM"][0].units == 32


def test_step_costs_state_and_time():
    units = {c: 4 for c in CELLS}
    cost = step_costs([8, 16], units, seconds=0.002)
    assert list(cost.index.get_level_values(0).unique()) == [LABELS[c] for c in CELLS]
    state = cost["state"].unstack("T")
    assert state.loc["LSTM"].tolist() == [8, 8]
    assert state.loc["Transformer"].tolist() == [2 * 4 * 8, 2 * 4 * 16]
    assert state.loc["minGRU"].tolist() == [4, 4]
    assert (cost["µs per step"] > 0).all()


def test_the_gru_step_for_timing_matches_keras():
    from lstm_helpers.lessons.gates_today import _gru_step
    from lstm_helpers.tf_quiet import keras

    layer = keras.layers.GRU(5, return_sequences=True)
    x = np.random.default_rng(0).normal(size=(1, 3, 2)).astype("float32")
    want = np.asarray(layer(x))[0]
    kernel, recurrent, bias = (np.asarray(v, dtype=float) for v in layer.get_weights())
    w = {"kernel": kernel, "recurrent_kernel": recurrent, "bias": bias}
    h = np.zeros((1, 5))
    for t in range(3):
        h = _gru_step(x[:, t].astype(float), h, w)
        np.testing.assert_allclose(h[0], want[t], atol=1e-5)
