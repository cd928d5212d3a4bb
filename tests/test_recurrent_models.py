import numpy as np
import pytest

from lstm_helpers.models.recurrent_models import (
    CELLS,
    KINDS,
    SCANS,
    CausalTransformer,
    MinRNN,
    SequenceConfig,
    positions,
)
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


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"cell": "xyz"}, "cell must be one of .*got 'xyz'"),
        ({"units": 0}, "units and outputs must be positive .*got 0, 1, 0"),
        ({"outputs": 0}, "units and outputs must be positive .*got 32, 0, 0"),
        ({"classes": -1}, "classes not negative, got 32, 1, -1"),
        ({"scan": "cumprod"}, "scan must be one of .*got 'cumprod'"),
    ],
)
def test_sequence_config_refuses_bad_settings(settings, message):
    with pytest.raises(ValueError, match=message):
        SequenceConfig(**settings)


def test_the_transformer_width_must_be_a_multiple_of_the_heads():
    with pytest.raises(ValueError, match=r"width \(5\) must be .* heads \(2\)"):
        CausalTransformer(5, heads=2)
    with pytest.raises(ValueError, match="multiple of heads"):
        SequenceConfig(cell="transformer", units=5, heads=2).build(4, 2)


@pytest.mark.parametrize("cell", CELLS)
def test_the_classification_head_gives_one_distribution_per_token(cell):
    config = SequenceConfig(cell=cell, units=4, outputs=3, classes=5, jit_compile=False)
    model = config.build(6, 2)
    x = np.random.default_rng(0).normal(size=(4, 6, 2)).astype("float32")
    p = np.asarray(model(x))
    assert p.shape == (4, 3, 5)
    assert (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-5)
    assert model.loss == "sparse_categorical_crossentropy"


def test_the_regression_head_gives_the_outputs():
    model = SequenceConfig(cell="gru", units=4, outputs=2, jit_compile=False).build(
        5, 3
    )
    assert model.output_shape == (None, 2)
    assert model.loss == "mean_squared_error"


def test_positions_sin_in_even_columns_cos_in_odd():
    window, width = 9, 6
    codes = positions(window, width)
    assert codes.shape == (window, width) and codes.dtype == np.float32
    np.testing.assert_array_equal(codes[0, 0::2], 0.0)  # sin 0
    np.testing.assert_array_equal(codes[0, 1::2], 1.0)  # cos 0
    t = np.arange(window)[:, None]
    angles = t / 10000.0 ** (2 * np.arange(width // 2) / width)
    np.testing.assert_allclose(codes[:, 0::2], np.sin(angles), atol=1e-6)
    np.testing.assert_allclose(codes[:, 1::2], np.cos(angles), atol=1e-6)
    # column 0 turns fastest: sin t
    np.testing.assert_allclose(codes[:, 0], np.sin(np.arange(window)), atol=1e-6)


class _Recorder(keras.layers.Layer):
    """Calls the layer it wraps and keeps what it returned."""

    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner, self.seen = inner, []

    def call(self, z):
        out = self.inner(z)
        self.seen.append(np.asarray(out))
        return out


def _block_sequence(block: CausalTransformer, x: np.ndarray) -> np.ndarray:
    """The block's output at every step (batch, T, width): what its last layer
    normalisation returns, recorded on the way (the block returns the last step)."""
    if not isinstance(block.norm2, _Recorder):
        block.norm2 = _Recorder(block.norm2)
    last = np.asarray(block(x))
    sequence = block.norm2.seen[-1]
    np.testing.assert_array_equal(sequence[:, -1], last)
    return sequence


def test_the_transformer_block_is_causal():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 7, 3)).astype("float32")
    keras.utils.set_random_seed(0)
    block = CausalTransformer(8, heads=2)
    sequence = _block_sequence(block, x)
    # a new last step changes the last output and no earlier one
    changed = x.copy()
    changed[:, -1] = rng.normal(size=(2, 3)) + 3.0
    again = _block_sequence(block, changed)
    np.testing.assert_allclose(again[:, :-1], sequence[:, :-1], rtol=1e-5, atol=1e-6)
    assert np.abs(again[:, -1] - sequence[:, -1]).max() > 1e-2
    # step t's output is the output of the first t + 1 steps read alone
    for t in range(x.shape[1]):
        np.testing.assert_allclose(
            np.asarray(block(x[:, : t + 1])), sequence[:, t], rtol=1e-5, atol=1e-5
        )
