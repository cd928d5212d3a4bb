"""Tests of lstm_helpers.training.jobs: seeded fitting, early stopping, and what the
cache key covers."""

import shutil

import numpy as np
import pytest

from lstm_helpers.models import report_model as models
from lstm_helpers.models.report_model import ModelConfig
from lstm_helpers.training import jobs as training
from lstm_helpers.training.digests import job_key
from lstm_helpers.training.jobs import TrainJob, fit

TINY = ModelConfig(name="tiny", units=4, layers=2, dropout=0.2, epochs=2, batch_size=16)


@pytest.fixture
def job(random_walk_windows):
    d = random_walk_windows
    return TrainJob(TINY, d.X_train, d.y_train, d.X_test, seed=3, label="tiny")


def test_same_seed_gives_bit_identical_outputs(job):
    a, b = fit(job, log_every=0), fit(job, log_every=0)
    c = fit(TrainJob(job.config, job.X, job.y, job.X_predict, seed=4), log_every=0)
    assert np.array_equal(a.outputs, b.outputs) and a.loss == b.loss
    assert not np.array_equal(a.outputs, c.outputs)
    assert (
        a.outputs.shape == (len(job.X_predict),)
        and len(a.loss) == 2
        and a.val_loss == []
    )
    assert a.weights == []  # kept only when asked


def test_keep_weights_returns_keras_weights(job):
    out = fit(
        TrainJob(
            ModelConfig(units=3, layers=1, epochs=1),
            job.X,
            job.y,
            job.X_predict,
            keep_weights=True,
        ),
        0,
    )
    assert [w.shape for w in out.weights] == [(1, 12), (3, 12), (12,), (3, 1), (1,)]


def test_key_covers_configuration_seed_data_and_label_does_not(job):
    base = job_key(job)
    assert (
        job_key(TrainJob(TINY, job.X, job.y, job.X_predict, seed=3, label="other name"))
        == base
    )
    assert (
        job_key(
            TrainJob(TINY.with_training(epochs=3), job.X, job.y, job.X_predict, seed=3)
        )
        != base
    )
    assert job_key(TrainJob(TINY, job.X, job.y, job.X_predict, seed=4)) != base
    assert job_key(TrainJob(TINY, job.X, job.y * 1.01, job.X_predict, seed=3)) != base
    assert job_key(TrainJob(TINY, job.X, job.y, job.X_predict[:-1], seed=3)) != base
    assert (
        job_key(TrainJob(TINY, job.X, job.y, job.X_predict, seed=3, keep_weights=True))
        != base
    )


@pytest.mark.parametrize("module", [models, training], ids=["models", "training"])
def test_key_covers_the_code_that_builds_and_trains(job, module, tmp_path, monkeypatch):
    """Stale code: a changed statement in the model or training code changes every key;
    a docstring does not."""
    base = job_key(job)
    source = open(module.__file__).read()
    reworded = tmp_path / "reworded.py"
    reworded.write_text(source.replace('"""', '"""Reworded. ', 1))
    monkeypatch.setattr(module, "__file__", str(reworded))
    assert job_key(job) == base
    changed = tmp_path / "changed.py"
    shutil.copy(module.__file__, changed)
    changed.write_text(source + "\n_SOMETHING_NEW = 1\n")
    monkeypatch.setattr(module, "__file__", str(changed))
    assert job_key(job) != base


def test_early_stopping_uses_the_validation_data_and_stops(random_walk_windows):
    d = random_walk_windows
    cut = len(d.X_train) - 100
    config = ModelConfig(
        name="es",
        units=4,
        layers=1,
        epochs=40,
        batch_size=32,
        early_stopping=True,
        patience=2,
    )
    job = TrainJob(
        config,
        d.X_train[:cut],
        d.y_train[:cut],
        d.X_test,
        0,
        d.X_train[cut:],
        d.y_train[cut:],
    )
    out = fit(job, log_every=0)
    assert len(out.val_loss) == len(out.loss) < 40  # it stopped before the limit
    best = int(np.argmin(out.val_loss))
    # `patience` epochs without improvement
    assert best == len(out.val_loss) - 1 - config.patience
    with pytest.raises(ValueError, match="needs validation data"):
        fit(TrainJob(config, d.X_train, d.y_train, d.X_test), log_every=0)


def test_bad_shapes_are_refused(job):
    with pytest.raises(ValueError, match="one target each"):
        fit(TrainJob(TINY, job.X, job.y[:-1], job.X_predict), log_every=0)


# Trains one small model of the course's kind (a stacked LSTM with dropout, seeded) on a
# seeded random walk and prints its key and a digest of its outputs and losses.
TRAIN_SMALL = """
import hashlib, json, sys
import numpy as np
from lstm_helpers.models.report_model import ModelConfig
from lstm_helpers.training.jobs import TrainJob, fit
from lstm_helpers.training.digests import job_key
rng = np.random.default_rng(0)
walk = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 700)))
X = np.stack([walk[i:i + 30] for i in range(600)])[..., None] / 200
y = walk[30:630] / 200
job = TrainJob(ModelConfig(name="small", units=8, layers=2, dropout=0.2, epochs=3, batch_size=32),
               X[:500], y[:500], X[500:], seed=0)
out = fit(job, log_every=0)
print(json.dumps({"python": sys.version.split()[0], "key": job_key(job), "loss": out.loss,
                  "outputs": hashlib.sha256(np.ascontiguousarray(out.outputs).tobytes()).hexdigest()}))
"""


def test_python_is_not_in_the_key_because_a_second_python_trains_the_same_model(
    second_python,
):
    """The measurement behind leaving Python out of the key: same pins, another minor
    version, the same key and bit-identical outputs and losses."""
    import json
    import subprocess
    import sys

    runs = [
        json.loads(
            subprocess.run(
                [python, "-c", TRAIN_SMALL],
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        for python in (sys.executable, second_python)
    ]
    here, there = runs
    assert here["python"].rsplit(".", 1)[0] != there["python"].rsplit(".", 1)[0], runs
    assert here["key"] == there["key"]
    assert here["outputs"] == there["outputs"] and here["loss"] == there["loss"], runs
