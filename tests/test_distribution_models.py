import numpy as np
import pytest
from sklearn.metrics import mean_pinball_loss

from lstm_helpers.models.distribution_models import (
    KINDS,
    LEVELS,
    MIN_SCALE,
    DistributionConfig,
    gaussian_nll,
    pinball_loss,
)
from lstm_helpers.tf_quiet import keras


@pytest.mark.parametrize("kind", KINDS)
def test_every_model_gives_its_numbers_per_horizon(kind):
    config = DistributionConfig(kind=kind, units=3, horizons=2)
    model = config.build(window=6)
    out = model.predict(np.zeros((4, 6, 1), dtype="float32"), verbose=0)
    assert out.shape == (4, config.outputs)
    assert config.outputs == (2 * len(LEVELS) if kind == "quantile" else 4)


def test_the_quantiles_never_cross_and_the_scale_stays_positive():
    rng = np.random.default_rng(0)
    x = rng.normal(0, 5, (50, 6, 1)).astype("float32")
    keras.utils.set_random_seed(1)
    q = DistributionConfig(kind="quantile", units=4, horizons=3).build(window=6)
    layers = q.layers[-2]  # the Dense layer under the ordering
    w, b = layers.get_weights()
    layers.set_weights([rng.normal(0, 3, w.shape), rng.normal(0, 3, b.shape)])
    out = q.predict(x, verbose=0).reshape(50, 3, len(LEVELS))
    assert (np.diff(out, axis=-1) >= 0).all()
    g = DistributionConfig(kind="gaussian", units=4, horizons=3).build(window=6)
    dense = g.layers[-2]
    w, b = dense.get_weights()
    dense.set_weights([rng.normal(0, 3, w.shape), rng.normal(0, 3, b.shape) - 20])
    scale = g.predict(x, verbose=0)[:, 3:]
    assert (scale >= MIN_SCALE * 0.999).all()


def test_the_pinball_loss_is_sklearns_averaged_over_horizons_and_levels():
    rng = np.random.default_rng(2)
    y = rng.normal(size=(40, 3)).astype("float32")
    f = rng.normal(size=(40, 3, len(LEVELS))).astype("float32")
    got = float(np.mean(pinball_loss(3, LEVELS)(y, f.reshape(40, -1))))
    want = np.mean(
        [
            mean_pinball_loss(y[:, k], f[:, k, j], alpha=q)
            for k in range(3)
            for j, q in enumerate(LEVELS)
        ]
    )
    assert got == pytest.approx(want, rel=1e-5)
    # planted: the levels reversed give another loss
    flipped = float(np.mean(pinball_loss(3, LEVELS[::-1])(y, f.reshape(40, -1))))
    assert abs(flipped - want) > 1e-3


def test_the_gaussian_loss_is_the_negative_log_likelihood():
    from scipy.stats import norm

    rng = np.random.default_rng(3)
    y = rng.normal(size=(30, 2)).astype("float32")
    mean = rng.normal(size=(30, 2)).astype("float32")
    sd = rng.uniform(0.5, 2, (30, 2)).astype("float32")
    got = np.asarray(gaussian_nll(2)(y, np.concatenate([mean, sd], axis=1)))
    want = -norm.logpdf(y, mean, sd).mean(axis=1) - 0.5 * np.log(2 * np.pi)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_bad_settings_are_refused_and_epochs_can_change():
    with pytest.raises(ValueError, match="kind must be one of"):
        DistributionConfig(kind="mixture")
    with pytest.raises(ValueError, match="must be positive"):
        DistributionConfig(horizons=0)
    with pytest.raises(ValueError, match="levels must increase"):
        DistributionConfig(levels=(0.9, 0.1))
    with pytest.raises(ValueError, match="levels must increase"):
        DistributionConfig(levels=(0.5, 1.0))
    config = DistributionConfig(epochs=30)
    assert config.with_training(2).epochs == 2 and config.with_training(None) is config
