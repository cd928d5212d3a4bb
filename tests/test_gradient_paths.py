"""Tests of lstm_helpers.lessons.gradient_paths: the two products of lesson 03."""

import numpy as np
import pytest

from lstm_helpers.lessons.gradient_paths import forget_path_product, rnn_path_bound
from lstm_helpers.numpy_lstm import (
    init_rnn_params,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    sigmoid,
)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def test_forget_path_product_with_constant_gates():
    T, H, b = 7, 2, 1.5
    params = {
        "kernel": np.zeros((1, 4 * H)),
        "recurrent_kernel": np.zeros((H, 4 * H)),
        "bias": np.zeros(4 * H),
    }
    params["bias"][H : 2 * H] = b
    product = forget_path_product(params, np.ones((1, T, 1)))
    np.testing.assert_allclose(product, sigmoid(np.float64(b)) ** (T - 1), rtol=1e-14)


def test_rnn_path_bound_with_a_scaled_identity(rng):
    T, H, s = 9, 3, 0.7
    params = {
        "kernel": np.zeros((1, H)),
        "recurrent_kernel": s * np.eye(H),
        "bias": np.zeros(H),
    }
    # zero input and zero bias keep H_t = 0, so tanh' = 1 and each step multiplies by s
    assert rnn_path_bound(params, np.zeros((1, T, 1))) == pytest.approx(
        s ** (T - 1), rel=1e-12
    )


def test_rnn_path_bound_bounds_the_hidden_state_gradient(rng):
    params = init_rnn_params(1, 5, rng)
    params["recurrent_kernel"] *= 1.3
    x = rng.random((1, 15, 1))
    h_seq, state = rnn_forward(x, **params, h0=np.zeros((1, 5)))
    u = params["recurrent_kernel"]
    bound = rnn_path_bound(params, x)
    # several directions of the gradient arriving at the last hidden state
    for _ in range(5):
        dh_last = rng.standard_normal(5)
        dh_last /= np.linalg.norm(dh_last)
        v = dh_last
        for t in range(14, 0, -1):  # back from H_15 to H_1, one Jacobian per step
            v = (v * (1.0 - h_seq[0, t] ** 2)) @ u.T
        assert np.linalg.norm(v) <= bound * (1 + 1e-12)
        # the recursion is rnn_backward's: one more step gives its gradient of h0
        dh_seq = np.zeros_like(h_seq)
        dh_seq[0, -1] = dh_last
        np.testing.assert_allclose(
            rnn_backward(dh_seq, state)["h0"][0],
            (v * (1.0 - h_seq[0, 0] ** 2)) @ u.T,
            rtol=1e-10,
            atol=1e-14,
        )


def test_rnn_path_bound_is_the_product_of_the_step_jacobian_norms(rng):
    """The test above holds for any larger number too; this one pins the bound
    itself."""
    H, T = 4, 12
    params = init_rnn_params(1, H, rng)
    # not orthogonal (a scaled orthogonal U hides the order of diag(1 - H_t^2) and U^T),
    # bias so H_t != 0
    params["recurrent_kernel"] = 0.6 * rng.standard_normal((H, H))
    params["bias"] = 0.5 * rng.standard_normal(H)
    x = rng.random((1, T, 1))
    _, state = rnn_forward(x, **params)
    # dH_t/dH_{t-1} for t = 2..T, read off rnn_step_backward (row k: the gradient of
    # H_{t-1} when only H_t[k] feeds the loss)
    jacobians = [
        np.vstack(
            [
                rnn_step_backward(np.eye(H)[k][None], state.steps[t])["h_prev"]
                for k in range(H)
            ]
        )
        for t in range(1, T)
    ]
    expected = np.prod([np.linalg.norm(j, 2) for j in jacobians])
    assert rnn_path_bound(params, x) == pytest.approx(expected, rel=1e-10)
