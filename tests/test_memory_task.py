"""Tests of lstm_helpers.lessons.memory_task: the adding problem and the networks that
learn it."""

from dataclasses import replace

import numpy as np
import pytest

from lstm_helpers.lessons import memory_task
from lstm_helpers.lessons.memory_task import (
    CONSTANT_MSE,
    MemoryConfig,
    adding_problem,
    marked_steps,
)
from lstm_helpers.training import digests
from lstm_helpers.training import jobs as training_jobs
from lstm_helpers.training.digests import job_key
from lstm_helpers.training.jobs import TrainJob

# --------------------------------------------------------------------------
# The task
# --------------------------------------------------------------------------


def test_adding_problem_shapes_markers_and_target():
    X, y = adding_problem(500, 12, seed=3)
    assert (
        X.shape == (500, 12, 2)
        and y.shape == (500,)
        and X.dtype == np.float32
        and y.dtype == np.float32
    )
    assert set(np.unique(X[:, :, 1])) == {0.0, 1.0}
    assert (X[:, :, 1].sum(axis=1) == 2).all()
    steps = marked_steps(X)
    # first half, second half
    assert (steps[:, 0] < 6).all() and (steps[:, 1] >= 6).all()
    rows = np.arange(500)
    np.testing.assert_allclose(
        y, X[rows, steps[:, 0], 0] + X[rows, steps[:, 1], 0], rtol=1e-6
    )
    assert (X[:, :, 0] >= 0).all() and (X[:, :, 0] < 1).all()
    # both halves are used: every step of each half holds a marker somewhere
    assert set(steps[:, 0]) == set(range(6)) and set(steps[:, 1]) == set(range(6, 12))


def test_adding_problem_is_seeded():
    a, b = adding_problem(50, 20, seed=1), adding_problem(50, 20, seed=1)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], adding_problem(50, 20, seed=2)[0])


def test_always_answering_one_scores_two_twelfths():
    _, y = adding_problem(200_000, 4, seed=0)
    assert abs(np.mean(y) - 1.0) < 0.005
    assert abs(np.mean((y - 1.0) ** 2) - CONSTANT_MSE) < 0.002


def test_bad_arguments_name_the_problem():
    with pytest.raises(ValueError, match="delay T must be at least 2"):
        adding_problem(10, 1, seed=0)
    with pytest.raises(ValueError, match="n must be at least 1"):
        adding_problem(0, 10, seed=0)
    with pytest.raises(ValueError, match=r"shape \(n, T, 2\)"):
        marked_steps(np.zeros((3, 10)))
    X, _ = adding_problem(3, 10, seed=0)
    X[1, :, 1] = 0
    with pytest.raises(ValueError, match="exactly two markers"):
        marked_steps(X)


# --------------------------------------------------------------------------
# The networks
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "units", "weights"),
    [("rnn", 65, 4420), ("lstm", 32, 4480), ("gru", 37, 4551)],
)
def test_layers_have_the_weights_the_lesson_says(cell, units, weights):
    model = MemoryConfig(cell=cell, units=units).build(20)
    assert model.count_params() == weights + units + 1  # the layer, then Dense(1)
    assert model.input_shape == (None, 20, 2) and model.output_shape == (None, 1)


@pytest.mark.parametrize("bias", [None, 0.0, 5.0])
def test_forget_bias_sets_only_the_forget_block(bias):
    model = MemoryConfig(cell="lstm", units=4, forget_bias=bias).build(10)
    b = model.layers[0].get_weights()[2]  # Keras's order i, f, c, o
    expected = np.zeros(16)
    expected[4:8] = 1.0 if bias is None else bias
    np.testing.assert_array_equal(b, expected)


def test_configuration_errors():
    with pytest.raises(ValueError, match="cell must be one of"):
        MemoryConfig(cell="transformer")
    with pytest.raises(ValueError, match="no forget gate"):
        MemoryConfig(cell="gru", forget_bias=1.0)
    with pytest.raises(ValueError, match="must be positive"):
        MemoryConfig(units=0)


def test_the_modules_code_is_part_of_every_memory_key():
    X, y = adding_problem(8, 5, seed=0)
    job = TrainJob(MemoryConfig(), X, y, X)
    assert digests.job_info(job)["code"] == digests.code_digest(
        training_jobs, memory_task
    )
    assert job_key(job) == job_key(TrainJob(MemoryConfig(), X, y, X))
    assert job_key(job) != job_key(TrainJob(replace(MemoryConfig(), units=31), X, y, X))
