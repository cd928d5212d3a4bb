import numpy as np
import pytest

from lstm_helpers.models.multi_step_models import KINDS, MultiStepConfig


@pytest.mark.parametrize("kind", KINDS)
def test_every_model_gives_one_output_per_horizon(kind):
    model = MultiStepConfig(kind=kind, units=3, outputs=4).build(window=6)
    assert model.predict(np.zeros((2, 6, 1), dtype="float32"), verbose=0).shape == (
        2,
        4,
    )


def test_bad_settings_are_refused_and_epochs_can_change():
    with pytest.raises(ValueError, match="kind must be one of"):
        MultiStepConfig(kind="transformer")
    with pytest.raises(ValueError, match="must be positive"):
        MultiStepConfig(outputs=0)
    config = MultiStepConfig(epochs=30)
    assert config.with_training(2).epochs == 2 and config.with_training(None) is config
