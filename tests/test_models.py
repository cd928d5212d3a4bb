"""Tests of lstm_helpers.models (report_model, stack_model, gate_network): the report's
configurations and the networks they build."""

import pytest

from lstm_helpers.models.gate_network import GateConfig
from lstm_helpers.models.report_model import DEFAULT, IMPROVED, ModelConfig, build_model
from lstm_helpers.models.stack_model import CASTILLA, CASTILLA_CLASSIFIER, StackConfig


def lstm_params(d: int, h: int) -> int:
    """Parameters of one LSTM layer: 4 gates x (input weights + recurrent weights +
    bias)."""
    return 4 * (d * h + h * h + h)


def test_report_configurations():
    assert (
        DEFAULT.units,
        DEFAULT.layers,
        DEFAULT.dropout,
        DEFAULT.epochs,
        DEFAULT.batch_size,
    ) == (50, 4, 0.2, 50, 32)
    assert (IMPROVED.dropout, IMPROVED.epochs, IMPROVED.batch_size) == (0.1, 20, 12)
    assert DEFAULT.optimizer == IMPROVED.optimizer == "rmsprop"
    assert not DEFAULT.early_stopping and not IMPROVED.early_stopping


def test_parameter_count_matches_the_gate_equations():
    model = build_model(DEFAULT, window=60)
    assert model.count_params() == lstm_params(1, 50) + 3 * lstm_params(50, 50) + (
        50 + 1
    )
    assert model.output_shape == (None, 1)
    gru = build_model(ModelConfig(cell="gru", layers=1, units=8), window=5)
    assert type(gru.layers[0]).__name__ == "GRU"
    bi = build_model(ModelConfig(bidirectional=True, layers=1, units=8), window=5)
    assert bi.count_params() == 2 * lstm_params(1, 8) + (16 + 1)


def test_castilla_network_and_parameter_count():
    model = CASTILLA.build(window=60)
    assert model.count_params() == lstm_params(1, 50) + lstm_params(50, 100) + 101
    assert model.layers[-1].activation.__name__ == "linear"
    assert CASTILLA_CLASSIFIER.build().layers[-1].activation.__name__ == "sigmoid"
    assert CASTILLA_CLASSIFIER.build().loss == "binary_crossentropy"
    assert (
        CASTILLA.optimizer == "rmsprop"
        and CASTILLA.dropout == 0.2
        and CASTILLA.early_stopping
    )


def test_gate_model_is_one_lstm_and_a_dense_layer():
    model = GateConfig(units=16).build(window=60)
    assert model.count_params() == lstm_params(1, 16) + 17
    assert [type(layer).__name__ for layer in model.layers] == ["LSTM", "Dense"]


def test_with_training_changes_only_epochs_and_batch():
    short = IMPROVED.with_training(epochs=3)
    assert (short.epochs, short.batch_size, short.dropout) == (3, 12, 0.1)
    assert CASTILLA.with_training(batch_size=8).layer_units == (50, 100)


def test_bad_configuration():
    with pytest.raises(ValueError, match="cell must be"):
        build_model(ModelConfig(cell="transformer"))
    with pytest.raises(ValueError, match="at least one layer"):
        build_model(ModelConfig(layers=0))
    with pytest.raises(ValueError, match="output must be"):
        StackConfig(output="softmax").build()
