"""Tests of lstm_helpers.lessons.memory_experiment: the runs, their summary and the look
inside."""

import numpy as np
import pandas as pd
import pytest

from lstm_helpers.lessons.memory_experiment import (
    breakthrough_epoch,
    carried_value,
    constant_mse,
    error_table,
    forecast_gradients,
    marked_sensitivity,
    memory_runs,
    memory_unit,
    task_data,
)
from lstm_helpers.lessons.memory_task import adding_problem, marked_steps
from lstm_helpers.numpy_lstm import (
    init_lstm_params,
    init_rnn_params,
    lstm_forward,
    numerical_gradient,
    rnn_forward,
)


def _forecast(cell, params, x):
    forward = lstm_forward if cell == "lstm" else rnn_forward
    h, _ = forward(x, params["kernel"], params["recurrent_kernel"], params["bias"])
    return h[:, -1] @ params["w_out"][:, 0] + params["b_out"][0]


@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_forecast_gradients_match_finite_differences(cell):
    rng = np.random.default_rng(0)
    H = 3
    params = (
        init_lstm_params(2, H, rng) if cell == "lstm" else init_rnn_params(2, H, rng)
    )
    params["bias"] = params["bias"] + 0.3 * rng.standard_normal(params["bias"].shape)
    params["w_out"], params["b_out"] = rng.standard_normal((H, 1)), np.array([0.1])
    x = rng.random((2, 6, 2))
    grads = forecast_gradients(cell, params, x)
    numeric = numerical_gradient(lambda: float(_forecast(cell, params, x).sum()), x)
    np.testing.assert_allclose(grads, numeric, atol=1e-8)


def test_forecast_gradients_refuse_other_cells():
    with pytest.raises(ValueError, match="'rnn' or 'lstm'"):
        forecast_gradients("gru", {}, np.zeros((1, 3, 2)))


def test_marked_sensitivity_of_the_perfect_answer():
    X, _ = adding_problem(20, 10, seed=0)
    perfect = np.zeros_like(X, dtype=np.float64)
    steps = marked_steps(X)
    perfect[np.arange(20), steps[:, 0], 0] = perfect[np.arange(20), steps[:, 1], 0] = (
        1.0
    )
    assert marked_sensitivity(perfect, X).tolist() == [1.0, 1.0, 0.0]


def _remembering_lstm():
    """One hand-set unit that writes tanh(value) at a marked step and keeps it (forget
    gate ~1)."""
    # Keras's order i, f, c, o; inputs (value, marker)
    kernel = np.array([[0.0, 0.0, 1.0, 0.0], [20.0, 0.0, 0.0, 0.0]])
    bias = np.array([-10.0, 20.0, 0.0, 0.0])
    return {"kernel": kernel, "recurrent_kernel": np.zeros((1, 4)), "bias": bias}


def test_carried_value_finds_the_unit_that_writes_keeps_and_holds_the_first_value():
    X, _ = adding_problem(300, 12, seed=1)
    held = carried_value(_remembering_lstm(), X)
    writes, keeps, holds = held.loc[0]
    assert writes > 0.99 and keeps > 0.999 and holds > 0.99
    assert memory_unit(held) == 0
    # the cell state *at* the second marker already holds both values: much less
    # correlated
    _, state = lstm_forward(X.astype(np.float64), **_remembering_lstm())
    steps = marked_steps(X)
    at_second = state.c[np.arange(300), steps[:, 1], 0]
    assert np.corrcoef(at_second, X[np.arange(300), steps[:, 0], 0])[0, 1] < 0.9


def test_memory_unit_prefers_the_unit_that_writes_and_keeps():
    table = pd.DataFrame(
        {
            "writes": [0.95, -0.9, 0.2],
            "keeps": [0.80, 0.95, 0.99],
            "holds": [0.9, 0.8, 0.1],
        },
        index=pd.Index([3, 7, 9], name="unit"),
    )
    assert memory_unit(table) == 7  # 0.9 x 0.95 beats 0.95 x 0.80 and 0.2 x 0.99


def test_breakthrough_epoch():
    assert breakthrough_epoch([0.2, 0.15, 0.05, 0.01], 0.08) == 3
    assert breakthrough_epoch([0.2, 0.15], 0.08) is None


def test_runs_are_scored_summarised_and_cached(tmp_cache):
    specs = [("rnn", 6, 0, None), ("lstm", 6, 0, None), ("lstm", 6, 0, 0.0)]
    runs = memory_runs(
        specs,
        n_train=64,
        n_test=32,
        epochs=1,
        batch_size=32,
        lr=1e-3,
        keep_weights=[("lstm", 6, 0)],
        workers=1,
    )
    y_test = task_data(6, 64, 32)[3]
    for r in runs:
        assert r.test_mse == pytest.approx(
            float(np.mean((r.result.outputs - y_test) ** 2))
        )
    assert runs[1].params and not runs[0].params and not runs[2].params
    table = error_table(runs)
    # the forget-bias run is not summarised
    assert list(table.index) == [("plain RNN", 6), ("LSTM", 6)]
    assert table.loc[("LSTM", 6), "mean MSE"] == pytest.approx(runs[1].test_mse)
    again = memory_runs(
        specs,
        n_train=64,
        n_test=32,
        epochs=1,
        batch_size=32,
        lr=1e-3,
        keep_weights=[("lstm", 6, 0)],
        workers=1,
    )
    assert all(r.result.cached for r in again)
    assert [r.test_mse for r in again] == [r.test_mse for r in runs]


def test_constant_mse_is_measured_on_the_test_sequences():
    y = task_data(8, 1, 50)[3]
    assert constant_mse([8], 50)[8] == pytest.approx(float(np.mean((y - 1.0) ** 2)))
    assert isinstance(constant_mse([8, 9], 50), pd.Series)


def test_unknown_cell_is_refused_before_training():
    with pytest.raises(ValueError, match="unknown cell"):
        memory_runs([("lstm2", 6, 0, None)], 8, 8, 1, 8, 1e-3)
