"""Tests for lstm_helpers.numpy_lstm: Keras equivalence, gradients, the step functions,
training."""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
import numpy as np
import pytest

from lstm_helpers.numpy_lstm import (
    Adam,
    LSTMCache,
    clip_global_norm,
    fit_regressor,
    init_lstm_params,
    init_regressor_params,
    init_rnn_params,
    input_gradient_norms,
    lstm_backward,
    lstm_forward,
    lstm_regressor_loss,
    lstm_step_backward,
    lstm_step_forward,
    numerical_gradient,
    predict_regressor,
    relative_error,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
    sigmoid,
)

N, T, D, H = 2, 5, 3, 4  # small shapes for gradient checks
KERAS_TOL = {"float32": 1e-6, "float64": 1e-14}  # the bounds the README states
GRAD_TOL = 1e-7


def random_lstm(
    rng: np.random.Generator, d: int = D, h: int = H, dtype=np.float64
) -> dict[str, np.ndarray]:
    """LSTM weights with a random bias, so that no gate sits at its initial value."""
    params = init_lstm_params(d, h, rng, dtype)
    params["bias"] += (0.5 * rng.standard_normal(4 * h)).astype(dtype)
    return params


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def keras_floatx():
    """Set Keras's default float type for one test (predict casts inputs to it), then
    restore it."""
    before = keras.backend.floatx()

    def set_floatx(dtype: str) -> None:
        keras.backend.set_floatx(dtype)

    yield set_floatx
    keras.backend.set_floatx(before)


# --------------------------------------------------------------------------
# Keras equivalence
# --------------------------------------------------------------------------


def keras_lstm_stack(
    n_layers: int, steps: int, features: int, units: int, dtype: str, rng
) -> keras.Model:
    """Sequential model of n_layers LSTMs returning all hidden states, random biases."""
    layers = [keras.Input((steps, features), dtype=dtype)]
    layers += [
        keras.layers.LSTM(units, return_sequences=True, dtype=dtype)
        for _ in range(n_layers)
    ]
    model = keras.Sequential(layers)
    for layer in model.layers:
        kernel, recurrent_kernel, bias = layer.get_weights()
        layer.set_weights(
            [kernel, recurrent_kernel, bias + 0.5 * rng.standard_normal(bias.shape)]
        )
    return model


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n_layers", [1, 2])
def test_forward_matches_keras(dtype, n_layers, rng, keras_floatx):
    keras_floatx(dtype)
    steps, features, units = 20, 3, 8
    model = keras_lstm_stack(n_layers, steps, features, units, dtype, rng)
    # the lessons' inputs are scaled to [0, 1]
    x = rng.random((6, steps, features)).astype(dtype)

    expected = model.predict(x, batch_size=len(x), verbose=0)
    h_seq = x
    for layer in model.layers:
        h_seq, _ = lstm_forward(h_seq, *layer.get_weights())

    assert expected.dtype == dtype and h_seq.dtype == dtype
    assert h_seq.shape == (6, steps, units)
    assert np.abs(h_seq - expected).max() <= KERAS_TOL[dtype]


def test_keras_last_state_matches(rng):
    """return_sequences=False (what the lessons use) is h_seq[:, -1]."""
    model = keras.Sequential([keras.Input((15, 1)), keras.layers.LSTM(10)])
    x = rng.random((5, 15, 1), dtype=np.float32)
    h_seq, _ = lstm_forward(x, *model.layers[0].get_weights())
    expected = model.predict(x, verbose=0)
    assert np.abs(h_seq[:, -1] - expected).max() <= KERAS_TOL["float32"]


# --------------------------------------------------------------------------
# Gradient checks (float64, central differences)
# --------------------------------------------------------------------------


def check_gradients(
    loss, analytic: dict[str, np.ndarray], arrays: dict[str, np.ndarray]
) -> None:
    for name, array in arrays.items():
        numeric = numerical_gradient(loss, array)
        err = relative_error(analytic[name], numeric)
        assert err < GRAD_TOL, f"d/d{name}: relative error {err:.2e}"


def test_lstm_backward_gradient_check(rng):
    params = random_lstm(rng)
    x = rng.standard_normal((N, T, D))
    h0, c0 = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    dh_seq = rng.standard_normal((N, T, H))

    _, cache = lstm_forward(x, **params, h0=h0, c0=c0)
    grads = lstm_backward(dh_seq, cache)
    assert set(grads) == {"x", "kernel", "recurrent_kernel", "bias", "h0", "c0"}

    def loss() -> float:
        return float(np.sum(lstm_forward(x, **params, h0=h0, c0=c0)[0] * dh_seq))

    check_gradients(loss, grads, {"x": x, "h0": h0, "c0": c0, **params})


def test_lstm_backward_without_initial_states(rng):
    params = random_lstm(rng)
    x = rng.standard_normal((N, T, D))
    dh_seq = rng.standard_normal((N, T, H))
    grads = lstm_backward(dh_seq, lstm_forward(x, **params)[1])
    assert set(grads) == {"x", "kernel", "recurrent_kernel", "bias"}

    def loss() -> float:
        return float(np.sum(lstm_forward(x, **params)[0] * dh_seq))

    check_gradients(loss, grads, {"x": x, **params})


def test_lstm_step_backward_gradient_check(rng):
    params = random_lstm(rng)
    x_t = rng.standard_normal((N, D))
    h_prev, c_prev = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    dh, dc = rng.standard_normal((N, H)), rng.standard_normal((N, H))

    _, _, cache = lstm_step_forward(x_t, h_prev, c_prev, **params)
    grads = lstm_step_backward(dh, dc, cache)

    def loss() -> float:
        h_t, c_t, _ = lstm_step_forward(x_t, h_prev, c_prev, **params)
        return float(np.sum(h_t * dh) + np.sum(c_t * dc))

    check_gradients(
        loss, grads, {"x": x_t, "h_prev": h_prev, "c_prev": c_prev, **params}
    )


def test_rnn_backward_gradient_check(rng):
    params = init_rnn_params(D, H, rng)
    params["bias"] += 0.5 * rng.standard_normal(H)
    x = rng.standard_normal((N, T, D))
    h0 = rng.standard_normal((N, H))
    dh_seq = rng.standard_normal((N, T, H))

    _, cache = rnn_forward(x, **params, h0=h0)
    grads = rnn_backward(dh_seq, cache)
    assert set(grads) == {"x", "kernel", "recurrent_kernel", "bias", "h0"}
    assert "h0" not in rnn_backward(dh_seq, rnn_forward(x, **params)[1])

    def loss() -> float:
        return float(np.sum(rnn_forward(x, **params, h0=h0)[0] * dh_seq))

    check_gradients(loss, grads, {"x": x, "h0": h0, **params})


def test_rnn_step_backward_gradient_check(rng):
    params = init_rnn_params(D, H, rng)
    x_t, h_prev, dh = (
        rng.standard_normal((N, D)),
        rng.standard_normal((N, H)),
        rng.standard_normal((N, H)),
    )
    grads = rnn_step_backward(dh, rnn_step_forward(x_t, h_prev, **params)[1])

    def loss() -> float:
        return float(np.sum(rnn_step_forward(x_t, h_prev, **params)[0] * dh))

    check_gradients(loss, grads, {"x": x_t, "h_prev": h_prev, **params})


def test_regressor_loss_gradient_check(rng):
    params = init_regressor_params(D, H, rng)
    params["bias"] += 0.5 * rng.standard_normal(4 * H)
    params["b_out"] += 0.1
    x = rng.standard_normal((N + 3, T, D))
    y = rng.standard_normal(N + 3)

    loss, grads = lstm_regressor_loss(params, x, y)
    assert set(grads) == set(params)
    assert loss == pytest.approx(
        np.mean((predict_regressor(params, x) - y) ** 2), rel=1e-12
    )
    check_gradients(lambda: lstm_regressor_loss(params, x, y)[0], grads, params)


# --------------------------------------------------------------------------
# The fast sequence loop agrees with the step functions
# --------------------------------------------------------------------------


def test_step_equals_one_step_of_forward(rng):
    params = random_lstm(rng)
    x = rng.standard_normal((N, 1, D))
    h0, c0 = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    h_seq, cache = lstm_forward(x, **params, h0=h0, c0=c0)
    h_t, c_t, step = lstm_step_forward(x[:, 0], h0, c0, **params)
    np.testing.assert_allclose(h_seq[:, 0], h_t, rtol=0, atol=1e-14)
    np.testing.assert_allclose(cache.c[:, 0], c_t, rtol=0, atol=1e-14)
    for gate in "ifgo":
        np.testing.assert_allclose(
            getattr(cache, gate)[:, 0], step[gate], rtol=0, atol=1e-14
        )


def test_chained_steps_equal_forward_and_backward(rng):
    """Unrolling lstm_step_forward / lstm_step_backward by hand gives lstm_forward /
    lstm_backward."""
    params = random_lstm(rng)
    x = rng.standard_normal((N, T, D))
    h0, c0 = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    dh_seq = rng.standard_normal((N, T, H))
    h_seq, cache = lstm_forward(x, **params, h0=h0, c0=c0)
    grads = lstm_backward(dh_seq, cache)

    h, c, steps = h0, c0, []
    for t in range(T):
        h, c, step = lstm_step_forward(x[:, t], h, c, **params)
        np.testing.assert_allclose(h_seq[:, t], h, rtol=0, atol=1e-13)
        np.testing.assert_allclose(cache.c[:, t], c, rtol=0, atol=1e-13)
        for gate in "ifgo":
            np.testing.assert_allclose(
                getattr(cache, gate)[:, t], step[gate], rtol=0, atol=1e-13
            )
        steps.append(step)

    total = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        step_grads = lstm_step_backward(dh_seq[:, t] + dh_next, dc_next, steps[t])
        for k in total:
            total[k] += step_grads[k]
        dx[:, t] = step_grads["x"]
        dh_next, dc_next = step_grads["h_prev"], step_grads["c_prev"]
    for name, expected in [*total.items(), ("x", dx), ("h0", dh_next), ("c0", dc_next)]:
        np.testing.assert_allclose(
            grads[name], expected, rtol=1e-10, atol=1e-12, err_msg=name
        )


def test_rnn_forward_is_chained_steps(rng):
    params = init_rnn_params(D, H, rng)
    x = rng.standard_normal((N, T, D))
    h_seq, cache = rnn_forward(x, **params)
    h = np.zeros((N, H))
    for t in range(T):
        h, _ = rnn_step_forward(x[:, t], h, **params)
        np.testing.assert_array_equal(h_seq[:, t], h)
    np.testing.assert_array_equal(cache.h, h_seq)


def test_cache_holds_every_gate_and_state(rng):
    params = random_lstm(rng)
    x = rng.random((3, 7, D))
    h_seq, cache = lstm_forward(x, **params)
    assert isinstance(cache, LSTMCache)
    for name in ("i", "f", "g", "o", "c", "tanh_c", "h"):
        assert getattr(cache, name).shape == (3, 7, H), name
    np.testing.assert_array_equal(cache.h, h_seq)
    np.testing.assert_array_equal(cache.x, x)
    for gate in "ifo":
        values = getattr(cache, gate)
        assert np.all((values > 0) & (values < 1)), gate
    c_prev = np.concatenate([np.zeros((3, 1, H)), cache.c[:, :-1]], axis=1)
    np.testing.assert_allclose(
        cache.c, cache.f * c_prev + cache.i * cache.g, atol=1e-15
    )
    np.testing.assert_allclose(cache.h, cache.o * np.tanh(cache.c), atol=1e-15)
    # tanh_c is read by plots and was only shape-checked: it is tanh of the cell state
    np.testing.assert_allclose(cache.tanh_c, np.tanh(cache.c), rtol=0, atol=1e-15)


def test_backward_accepts_any_memory_layout(rng):
    params = random_lstm(rng)
    x = rng.standard_normal((N, T, D))
    h_seq, cache = lstm_forward(x, **params)
    dh_c_order = np.ascontiguousarray(rng.standard_normal(h_seq.shape))
    dh_like_h = np.zeros_like(h_seq)
    dh_like_h[...] = dh_c_order
    # the comparison means something only if the two layouts really differ
    assert dh_c_order.flags.c_contiguous and not dh_like_h.flags.c_contiguous
    a, b = lstm_backward(dh_c_order, cache), lstm_backward(dh_like_h, cache)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])


# --------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------


def test_float32_stays_float32(rng):
    # float64 weights are converted to x's dtype
    params = random_lstm(rng, dtype=np.float64)
    x = rng.random((N, T, D), dtype=np.float32)
    h_seq, cache = lstm_forward(x, **params)
    assert h_seq.dtype == np.float32
    for name in ("i", "f", "g", "o", "c", "h"):
        assert getattr(cache, name).dtype == np.float32, name
    grads = lstm_backward(np.ones_like(h_seq), cache)
    assert all(g.dtype == np.float32 for g in grads.values())

    h_t, c_t, step = lstm_step_forward(
        x[:, 0], np.zeros((N, H), np.float32), np.zeros((N, H), np.float32), **params
    )
    assert h_t.dtype == c_t.dtype == np.float32
    assert all(
        g.dtype == np.float32 for g in lstm_step_backward(h_t, c_t, step).values()
    )

    rnn = init_rnn_params(D, H, rng, dtype=np.float32)
    r_seq, r_cache = rnn_forward(x, **rnn)
    assert r_seq.dtype == np.float32
    assert all(
        g.dtype == np.float32
        for g in rnn_backward(np.ones_like(r_seq), r_cache).values()
    )

    loss, grads = lstm_regressor_loss(
        init_regressor_params(D, H, rng, np.float32), x, np.ones(N)
    )
    assert isinstance(loss, float)
    assert all(g.dtype == np.float32 for g in grads.values())


def test_float32_close_to_float64(rng):
    params = random_lstm(rng)
    x = rng.random((N, T, D))
    h64, _ = lstm_forward(x, **params)
    h32, _ = lstm_forward(x.astype(np.float32), **params)
    assert np.abs(h64 - h32).max() < 1e-6


def test_sigmoid_is_stable():
    z = np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(z)
    np.testing.assert_allclose(
        s, [0.0, np.exp(-30.0), 0.5, 1.0, 1.0], rtol=1e-12, atol=1e-300
    )
    small = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(sigmoid(small), 1 / (1 + np.exp(-small)), rtol=1e-15)


# --------------------------------------------------------------------------
# Initialisation, optimiser and training
# --------------------------------------------------------------------------


def test_init_like_keras():
    params = init_lstm_params(3, 5, rng=0)
    assert params["kernel"].shape == (3, 20) and params["recurrent_kernel"].shape == (
        5,
        20,
    )
    np.testing.assert_array_equal(
        params["bias"], np.r_[np.zeros(5), np.ones(5), np.zeros(10)]
    )
    assert np.abs(params["kernel"]).max() <= np.sqrt(6 / (3 + 20))
    # ... and fills that range (60 uniform draws; a smaller limit would stay below it)
    assert np.abs(params["kernel"]).max() > 0.9 * np.sqrt(6 / (3 + 20))
    r = params["recurrent_kernel"]
    np.testing.assert_allclose(r @ r.T, np.eye(5), atol=1e-12)  # orthonormal rows
    rnn = init_rnn_params(3, 5, rng=0, dtype=np.float32)
    assert rnn["recurrent_kernel"].dtype == np.float32
    np.testing.assert_allclose(
        rnn["recurrent_kernel"] @ rnn["recurrent_kernel"].T, np.eye(5), atol=1e-6
    )
    for a, b in zip(
        init_lstm_params(3, 5, rng=7).values(),
        init_lstm_params(3, 5, rng=7).values(),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


def test_adam_minimises_a_quadratic():
    params = {"a": np.array([3.0, -2.0]), "b": np.array([[1.5]])}
    optimizer = Adam(lr=0.1)
    for _ in range(300):
        # gradient of sum(v**2)
        optimizer.step(params, {k: 2 * v for k, v in params.items()})
    assert optimizer.t == 300 and set(optimizer.m) == {"a", "b"}
    assert np.abs(params["a"]).max() < 0.05 and abs(params["b"][0, 0]) < 0.05


def test_adam_first_step_moves_by_lr():
    params = {"w": np.array([1.0, 1.0])}
    Adam(lr=0.01).step(params, {"w": np.array([5.0, -1e-3])})
    np.testing.assert_allclose(params["w"], [0.99, 1.01], rtol=1e-3)


def test_adam_rejects_unknown_gradient():
    with pytest.raises(ValueError, match="'w2'"):
        Adam().step({"w": np.zeros(2)}, {"w2": np.zeros(2)})


def learnable_problem(rng, n: int = 96, steps: int = 8):
    """Windows of a noisy sine; the target is the next value."""
    t = np.arange(n + steps + 1) * 0.3
    series = 0.5 + 0.4 * np.sin(t) + 0.02 * rng.standard_normal(t.shape)
    x = np.stack([series[i : i + steps] for i in range(n)])[:, :, None]
    y = series[steps : steps + n]
    return x, y


def test_fit_regressor_learns_and_is_deterministic(rng):
    x, y = learnable_problem(rng)
    kwargs = dict(units=8, epochs=12, batch_size=16, lr=0.01, seed=3)
    params, history = fit_regressor(x, y, x_val=x[:20], y_val=y[:20], **kwargs)
    assert len(history["loss"]) == 12 and len(history["val_loss"]) == 12
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    assert np.mean((predict_regressor(params, x) - y) ** 2) < np.var(y)

    again, history_again = fit_regressor(x, y, x_val=x[:20], y_val=y[:20], **kwargs)
    assert history_again == history
    for key in params:
        np.testing.assert_array_equal(params[key], again[key])
    other, _ = fit_regressor(x, y, **{**kwargs, "seed": 4})
    assert not np.array_equal(other["kernel"], params["kernel"])


def test_fit_regressor_float32(rng):
    x, y = learnable_problem(rng, n=32)
    params, _ = fit_regressor(
        x.astype(np.float32), y, units=4, epochs=2, batch_size=8, seed=0
    )
    assert all(p.dtype == np.float32 for p in params.values())
    assert predict_regressor(params, x.astype(np.float32)).shape == (32,)


# --------------------------------------------------------------------------
# Gradient-check helpers and the vanishing-gradient measurement
# --------------------------------------------------------------------------


def test_numerical_gradient_restores_and_is_right(rng):
    a = rng.standard_normal((3, 2))
    before = a.copy()
    grad = numerical_gradient(lambda: float(np.sum(a**3)), a)
    np.testing.assert_array_equal(a, before)
    np.testing.assert_allclose(grad, 3 * a**2, rtol=1e-7, atol=1e-7)


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    assert relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)


@pytest.mark.parametrize("model", ["rnn", "lstm"])
def test_input_gradient_norms_match_numerical(model, rng):
    params = random_lstm(rng) if model == "lstm" else init_rnn_params(D, H, rng)
    forward = lstm_forward if model == "lstm" else rnn_forward
    x = rng.random((1, 6, D))
    norms = input_gradient_norms(model, params, x)
    assert norms.shape == (6,)
    numeric = numerical_gradient(lambda: float(forward(x, **params)[0][:, -1].sum()), x)
    np.testing.assert_allclose(norms, np.linalg.norm(numeric[0], axis=1), rtol=1e-6)


def test_rnn_gradient_vanishes_lstm_cell_carries_it(rng):
    """The lesson's mechanism: an RNN with a contracting recurrent matrix loses the
    start of the window geometrically; an LSTM whose forget gates stay near 1 carries
    the gradient back."""
    x = rng.random((1, 40, 1))
    rnn = init_rnn_params(1, 16, rng)
    rnn["recurrent_kernel"] *= 0.5  # spectral norm 0.5
    lstm = init_lstm_params(1, 16, rng)
    lstm["bias"][16:32] = 5.0  # forget gate bias: f = sigmoid(5 + ...) close to 1
    rnn_norms = input_gradient_norms("rnn", rnn, x)
    lstm_norms = input_gradient_norms("lstm", lstm, x)
    assert rnn_norms[0] < 1e-9 * rnn_norms[-1]
    assert lstm_norms[0] > 1e-2 * lstm_norms[-1]


def test_input_gradient_norms_rejects_unknown_model(rng):
    with pytest.raises(ValueError, match="'gru'"):
        input_gradient_norms("gru", init_lstm_params(1, 2, rng), np.zeros((1, 3, 1)))


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"x": np.zeros((2, 5))}, r"x must have shape \(N, T, D\)"),
        ({"x": np.zeros((2, 0, 3))}, "no time steps"),
        ({"kernel": np.zeros((2, 16))}, r"kernel must have shape \(D, 4H\) with D = 3"),
        ({"kernel": np.zeros((3, 15))}, "divisible by 4"),
        (
            {"recurrent_kernel": np.zeros((4, 12))},
            r"recurrent_kernel must have shape \(H, 4H\) = \(4, "
            r"16\)",
        ),
        ({"bias": np.zeros(12)}, r"bias must have shape \(4H,\) = \(16,\)"),
        ({"h0": np.zeros((3, 4))}, r"h0 must have shape \(N, H\) = \(2, 4\)"),
        ({"c0": np.zeros((2, 5))}, r"c0 must have shape \(N, H\) = \(2, 4\)"),
        ({"x": np.array([["a"]], dtype=object)[None]}, "must be numeric"),
    ],
)
def test_lstm_forward_rejects_bad_shapes(change, message):
    args = {
        "x": np.zeros((2, 5, 3)),
        "kernel": np.zeros((3, 16)),
        "recurrent_kernel": np.zeros((4, 16)),
        "bias": np.zeros(16),
        **change,
    }
    with pytest.raises(ValueError, match=message):
        lstm_forward(**args)


def test_backward_and_steps_reject_bad_shapes(rng):
    params = random_lstm(rng)
    _, cache = lstm_forward(np.zeros((N, T, D)), **params)
    with pytest.raises(ValueError, match="dh_seq must have the shape of h_seq"):
        lstm_backward(np.zeros((N, T - 1, H)), cache)
    with pytest.raises(ValueError, match="h_prev must have shape"):
        lstm_step_forward(
            np.zeros((N, D)), np.zeros((N, H + 1)), np.zeros((N, H)), **params
        )
    with pytest.raises(ValueError, match="c_prev must have the shape of h_prev"):
        lstm_step_forward(
            np.zeros((N, D)), np.zeros((N, H)), np.zeros((N + 1, H)), **params
        )
    rnn = init_rnn_params(D, H, rng)
    with pytest.raises(ValueError, match=r"kernel must have shape \(D, H\)"):
        rnn_forward(np.zeros((N, T, D + 1)), **rnn)
    with pytest.raises(ValueError, match="recurrent_kernel"):
        rnn_forward(
            np.zeros((N, T, D)),
            rnn["kernel"],
            rnn["recurrent_kernel"][:, :-1],
            rnn["bias"],
        )
    with pytest.raises(ValueError, match="y must have shape"):
        lstm_regressor_loss(
            init_regressor_params(D, H, rng), np.zeros((N, T, D)), np.zeros(N + 1)
        )
    with pytest.raises(ValueError, match="w_out"):
        predict_regressor(
            {**params, "w_out": np.zeros((H + 1, 1)), "b_out": np.zeros(1)},
            np.zeros((N, T, D)),
        )
    with pytest.raises(ValueError, match="targets"):
        fit_regressor(np.zeros((N, T, D)), np.zeros(N + 1), units=2, epochs=1)


# --------------------------------------------------------------------------
# Truncated backpropagation through time, and gradient clipping
# --------------------------------------------------------------------------


def test_truncated_gradient_is_the_gradient_with_the_early_state_held_fixed():
    rng = np.random.default_rng(5)
    N, T, D, H, k = 3, 9, 2, 4, 3
    x, y = rng.standard_normal((N, T, D)), rng.standard_normal(N)
    params = init_regressor_params(D, H, rng)
    params["bias"] = params["bias"] + 0.3 * rng.standard_normal(4 * H)
    loss_full, full = lstm_regressor_loss(params, x, y)
    loss_k, truncated = lstm_regressor_loss(params, x, y, truncate=k)
    assert loss_k == pytest.approx(loss_full)  # the forward pass is the same
    for key in ("w_out", "b_out"):  # the head does not look back in time
        np.testing.assert_allclose(truncated[key], full[key])
    assert not np.allclose(truncated["recurrent_kernel"], full["recurrent_kernel"])
    # the truncated gradient is the exact gradient of the last k steps started from a
    # fixed state
    h_early, early = lstm_forward(
        x[:, : T - k], params["kernel"], params["recurrent_kernel"], params["bias"]
    )
    h0, c0 = h_early[:, -1].copy(), early.c[:, -1].copy()

    def last_steps_loss():
        h, _ = lstm_forward(
            x[:, T - k :],
            params["kernel"],
            params["recurrent_kernel"],
            params["bias"],
            h0=h0,
            c0=c0,
        )
        pred = h[:, -1] @ params["w_out"][:, 0] + params["b_out"][0]
        return float(np.mean((pred - y) ** 2))

    for key in ("kernel", "recurrent_kernel", "bias"):
        assert (
            relative_error(
                truncated[key], numerical_gradient(last_steps_loss, params[key])
            )
            < 1e-7
        )
    _, whole = lstm_regressor_loss(params, x, y, truncate=T)
    for key in full:
        np.testing.assert_allclose(whole[key], full[key])
    with pytest.raises(ValueError, match="at least 1 step"):
        lstm_regressor_loss(params, x, y, truncate=0)


def test_clip_global_norm_caps_the_length_and_keeps_the_direction():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[0.0, 4.0]])}  # global norm 5
    clipped, norm = clip_global_norm(grads, 1.0)
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    np.testing.assert_allclose(clipped["b"], [[0.0, 0.8]])
    same, _ = clip_global_norm(grads, 10.0)
    np.testing.assert_array_equal(same["a"], grads["a"])
    with pytest.raises(ValueError, match="max_norm must be positive"):
        clip_global_norm(grads, 0.0)


def test_fit_regressor_records_gradient_norms_and_clips(random_walk_windows):
    data = random_walk_windows
    _, free = fit_regressor(
        data.X_train[:64], data.y_train[:64], units=3, epochs=1, batch_size=16, seed=0
    )
    _, capped = fit_regressor(
        data.X_train[:64],
        data.y_train[:64],
        units=3,
        epochs=1,
        batch_size=16,
        seed=0,
        clipnorm=1e-3,
    )
    assert len(free["grad_norm"]) == 4
    # same start, norms before clipping
    assert free["grad_norm"][0] == pytest.approx(capped["grad_norm"][0])
    assert capped["loss"] != free["loss"]  # smaller steps, another path
