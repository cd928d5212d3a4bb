import numpy as np
import pytest

from lstm_helpers.models.recurrent_models import KINDS, SCANS, MinRNN
from lstm_helpers.numpy_lstm.min_rnn import min_gru_gates, min_lstm_gates, scan_loop
from lstm_helpers.tf_quiet import keras


def _numpy_params(layer: MinRNN) -> dict:
    """The layer's weights as :mod:`lstm_helpers.numpy_lstm.min_rnn` names them."""
    kernel, bias = (np.asarray(w, dtype=float) for w in layer.get_weights())
    u = layer.units
    names = ("z", "h") if layer.kind == "gru" else ("f", "i", "h")
    return {
        **{f"W_{n}": kernel[:, k * u : (k + 1) * u] for k, n in enumerate(names)},
        **{f"b_{n}": bias[k * u : (k + 1) * u] for k, n in enumerate(names)},
    }


@pytest.mark.parametrize("scan", SCANS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_keras_layer_equals_the_numpy_recurrence(kind, scan):
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (4, 300, 3)).astype("float32")
    layer = MinRNN(5, kind, return_sequences=True, scan=scan)
    layer.build(x.shape)
    kernel, bias = layer.get_weights()
    layer.set_weights([rng.normal(0, 1, kernel.shape), rng.normal(0, 1, bias.shape)])
    got = np.asarray(layer(x))
    gates = min_gru_gates if kind == "gru" else min_lstm_gates
    a, b = gates(x.astype(float), _numpy_params(layer))
    want = scan_loop(a, b, np.zeros((4, 5)))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 * np.abs(want).max())
    last = MinRNN(5, kind, scan=scan)
    last.build(x.shape)
    last.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(last(x)), got[:, -1], rtol=1e-6)
    # planted: the blocks read in the other order give another sequence
    swapped = dict(_numpy_params(layer))
    first = "W_z" if kind == "gru" else "W_f"
    swapped[first], swapped["W_h"] = swapped["W_h"], swapped[first]
    a2, b2 = gates(x.astype(float), swapped)
    assert np.abs(scan_loop(a2, b2, np.zeros((4, 5))) - got).max() > 1e-2


@pytest.mark.parametrize("scan", SCANS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_layer_trains_with_finite_gradients(kind, scan):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 200, 2)).astype("float32")
    y = x[:, :10, 0].sum(axis=1, keepdims=True)  # needs memory of the first steps
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input((200, 2)), MinRNN(8, kind, scan=scan), keras.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        MinRNN(4, "rnn")
    with pytest.raises(ValueError, match="units must be positive"):
        MinRNN(0)
    with pytest.raises(ValueError, match="scan must be one of"):
        MinRNN(4, scan="cumprod")


@pytest.mark.parametrize("kind", KINDS)
def test_a_step_that_adds_nothing_keeps_the_gradients_finite(kind):
    """A candidate of exactly 0 makes b = 0: its log must not enter the gradient."""
    from lstm_helpers.tf_quiet import tf

    rng = np.random.default_rng(2)
    x = tf.constant(rng.normal(size=(3, 50, 2)).astype("float32"))
    layer = MinRNN(4, kind)
    layer.build(x.shape)
    kernel, bias = layer.get_weights()
    kernel[:, -4:], bias[-4:] = 0.0, 0.0  # the candidate block: h~ = 0 everywhere
    kernel[:, -4:-2] = 1.0  # two units with a candidate, two without
    layer.set_weights([kernel, bias])
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) ** 2)
    grads = tape.gradient(loss, layer.trainable_weights)
    assert all(np.isfinite(np.asarray(g)).all() for g in grads)
