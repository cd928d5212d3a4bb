"""Networks that early stopping kept at epoch 1: how often, and whether training them
longer helps.

Early stopping keeps the weights of the epoch with the lowest loss on the
validation year. When that is epoch 1, the network "barely trained". That is
a problem only if another way of training finds a lower validation loss.
:func:`published_stops` counts, per model family, the published runs that kept
epoch 1; :data:`SETTINGS` are what a practitioner tries next (more patience; a
ten times smaller learning rate with more patience); :func:`study` trains them
on the same windows and compares the validation loss with the published
setting's, with the published setting's under the next seed (how far chance
alone moves it) and with :func:`constant_loss`, the loss of a forecast that
knows only the training targets' mean. :func:`verdicts` adopts a setting only
where it lowers the validation loss by more than another seed does: the test
year plays no part in the choice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.models.multi_step_models import MultiStepConfig
from lstm_helpers.models.report_model import ModelConfig
from lstm_helpers.training import cache
from lstm_helpers.training.jobs import TrainJob
from lstm_helpers.training.scheduler import train_many

RMSPROP_RATE = 1e-3
"""RMSprop's default learning rate in Keras, the one the comparison's networks train
with."""


def with_learning_rate(config: Any, rate: float) -> Any:
    """``config`` trained with learning rate ``rate``; every other field unchanged.

    A :class:`~lstm_helpers.models.multi_step_models.MultiStepConfig` has a
    ``learning_rate`` field. A :class:`~lstm_helpers.models.report_model.ModelConfig`
    names its optimizer; it becomes the optimizer's Keras config,
    ``{"class_name": "rmsprop", "config": {"learning_rate": rate}}``, which
    Keras's ``compile`` reads as it reads the name (written in the lower case
    Keras uses, so that ``compile`` leaves it as it is). Only that field
    changes, so only these models get new cache keys.
    """
    if rate <= 0:
        raise ValueError(f"a learning rate must be positive, got {rate}")
    if isinstance(config, MultiStepConfig):
        return replace(config, learning_rate=float(rate))
    if isinstance(config, ModelConfig):
        if config.optimizer != "rmsprop":
            raise ValueError(
                f"{config.name}: with_learning_rate knows RMSprop "
                f"only, got {config.optimizer!r}"
            )
        return replace(
            config,
            optimizer={
                "class_name": "rmsprop",
                "config": {"learning_rate": float(rate)},
            },
        )
    raise ValueError(
        f"with_learning_rate: unknown configuration type {type(config).__name__}"
    )


def _rate(config: Any) -> float:
    return float(getattr(config, "learning_rate", RMSPROP_RATE))


STUDY_PATIENCE = 15
"""The patience of both of the study's settings (no lesson's model uses it):
:func:`published_stops` leaves such runs out, so that it counts what the lessons
trained."""

SETTINGS: dict[str, Callable[[Any], Any]] = {
    "published": lambda config: config,
    "patience 15": lambda config: replace(config, patience=STUDY_PATIENCE),
    "rate / 10, patience 15": lambda config: replace(
        with_learning_rate(config, _rate(config) / 10), patience=STUDY_PATIENCE
    ),
}
"""Setting -> how it changes a configuration. ``published`` is the configuration the
lessons use."""


NEXT_SEED = "published, next seed"
"""The study's setting that repeats the published one with the next seed (its noise)."""


def kept_epoch(val_loss: list[float]) -> int:
    """The epoch (from 1) whose weights early stopping kept: the one with the lowest
    validation loss."""
    if len(val_loss) == 0:
        raise ValueError("kept_epoch needs the validation loss of at least one epoch")
    return int(np.argmin(val_loss)) + 1


def constant_loss(job: TrainJob) -> float:
    """The validation loss of a forecast that is the training targets' mean (per
    output), in the model's units.

    Mean squared error, as Keras computes the validation loss: a network whose
    loss is near this learned no more than the mean (for a return: the drift).
    """
    if job.X_val is None or job.y_val is None:
        raise ValueError(f"{job.label or 'job'}: constant_loss needs validation data")
    y, y_val = np.asarray(job.y, dtype=float), np.asarray(job.y_val, dtype=float)
    return float(np.mean((y_val - y.mean(axis=0)) ** 2))


def published_stops(root: Path | None = None) -> pd.DataFrame:
    """Per model family, how many stored runs of the standard profile kept epoch 1
    (runs with early stopping, not the study's own).

    Parameters
    ----------
    root : Path, optional
        A folder of entries; default the published results
        (:func:`lstm_helpers.training.cache.results_dir`).

    Returns
    -------
    DataFrame
        Indexed by family (the configuration's name), columns ``runs``,
        ``kept epoch 1``, ``share`` and ``median epoch kept``.
    """
    root = root or cache.results_dir()
    kept: dict[str, list[int]] = {}
    for key in cache.published_keys(root, "standard"):  # not the quick profile's
        entry = cache.load(key, root, remove_damaged=False)
        if entry is None or not entry[1].get("val_loss"):
            continue
        config = entry[1]["info"]["config"]
        # this study's own runs: not what the lessons trained
        if config.get("patience") == STUDY_PATIENCE:
            continue
        kept.setdefault(config["name"], []).append(kept_epoch(entry[1]["val_loss"]))
    rows = [
        {
            "family": name,
            "runs": len(k),
            "kept epoch 1": sum(e == 1 for e in k),
            "share": sum(e == 1 for e in k) / len(k),
            "median epoch kept": float(np.median(k)),
        }
        for name, k in kept.items()
    ]
    if not rows:
        raise ValueError(f"no stored runs with early stopping in {root}")
    return pd.DataFrame(rows).set_index("family").sort_values("share", ascending=False)


def study(
    jobs: dict[tuple[str, str], TrainJob],
    settings: dict[str, Callable[[Any], Any]] | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Train every job under every setting; one row per (stock, family, setting).

    Parameters
    ----------
    jobs : dict of (stock, family) -> TrainJob
        The published jobs (with validation data), e.g. from
        :func:`lstm_helpers.training.forecasting.train_job`.
    settings : dict, optional
        Default :data:`SETTINGS`; must include ``"published"``. Every job is also
        trained in the published setting with the next seed (setting
        :data:`NEXT_SEED`): how far another seed moves the validation loss is the
        yardstick a setting's gain must clear (:func:`verdicts`).
    workers : int, optional
        As in :func:`lstm_helpers.training.scheduler.train_many`.

    Returns
    -------
    DataFrame
        Columns ``stock``, ``family``, ``setting``, ``epochs`` (trained),
        ``kept`` (the epoch kept), ``val_loss`` (its validation loss),
        ``vs_published`` (that loss over the published setting's),
        ``vs_constant`` (over :func:`constant_loss`), ``seconds``.
    """
    settings = SETTINGS if settings is None else settings
    if "published" not in settings:
        raise ValueError("study: the settings must include 'published', the reference")
    labels, todo = [], []
    for (stock, family), job in jobs.items():
        if not job.config.early_stopping:
            raise ValueError(
                f"{stock} {family}: the study compares runs with early stopping"
            )
        for name, change in settings.items():
            labels.append((stock, family, name))
            todo.append(
                replace(job, config=change(job.config), label=f"{job.label} ({name})")
            )
        # the published setting again, the next seed: the noise
        labels.append((stock, family, NEXT_SEED))
        todo.append(replace(job, seed=job.seed + 1, label=f"{job.label} ({NEXT_SEED})"))
    results = train_many(todo, workers=workers, log_every=0)
    rows = []
    for (stock, family, name), job, result in zip(labels, todo, results, strict=True):
        rows.append(
            {
                "stock": stock,
                "family": family,
                "setting": name,
                "epochs": len(result.loss),
                "kept": kept_epoch(result.val_loss),
                "val_loss": min(result.val_loss),
                "constant": constant_loss(job),
                "seconds": result.seconds,
            }
        )
    out = pd.DataFrame(rows)
    reference = out[out["setting"] == "published"].set_index(["stock", "family"])[
        "val_loss"
    ]
    out["vs_published"] = (
        out["val_loss"]
        / reference.loc[list(zip(out["stock"], out["family"], strict=True))].to_numpy()
    )
    out["vs_constant"] = out["val_loss"] / out.pop("constant")
    return out


def verdicts(rows: pd.DataFrame) -> pd.DataFrame:
    """Per family and setting: stocks where it lowered the validation loss, its mean
    ratio, epochs kept.

    The noise is how far the published setting's validation loss moves with the
    next seed (:data:`NEXT_SEED`): the mean of ``|ratio - 1|`` over the stocks.
    A setting is adopted for a family only when it lowers the validation loss on
    more than half the stocks *and* its mean ratio is below ``1 - noise``: a
    gain no larger than another seed's change is not a better way to train.
    """
    noise = (
        rows[rows["setting"] == NEXT_SEED]
        .groupby("family", sort=False)["vs_published"]
        .apply(lambda r: float(np.mean(np.abs(r - 1.0))))
    )
    other = rows[~rows["setting"].isin(["published", NEXT_SEED])]
    table = other.groupby(["family", "setting"], sort=False).agg(
        stocks=("stock", "size"),
        lower_on=("vs_published", lambda r: int((r < 1).sum())),
        mean_ratio=("vs_published", "mean"),
        kept_1=("kept", lambda k: int((k == 1).sum())),
        median_kept=("kept", "median"),
    )
    table["seed noise"] = [
        noise.get(family, np.nan) for family, _setting in table.index
    ]
    table["adopt"] = (table["lower_on"] > table["stocks"] / 2) & (
        table["mean_ratio"] < 1 - table["seed noise"]
    )
    table = table.rename(index=SHORT, level="setting")
    return table.rename(
        columns={
            "lower_on": "lower on",
            "mean_ratio": "mean ratio",
            "kept_1": "kept 1",
            "median_kept": "median kept",
            "seed noise": "noise",
        }
    )


SHORT = {
    "published": "published",
    "patience 15": "patience 15",
    "rate / 10, patience 15": "rate/10, p15",
    NEXT_SEED: "next seed",
}
"""The settings' names in the study's tables (narrow enough for a book's column)."""


def study_tables(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`study`'s rows as two tables, one line per family and stock, one column per
    setting.

    Returns
    -------
    epochs : DataFrame
        ``kept / trained``: the epoch early stopping kept, over the epochs trained.
    losses : DataFrame
        The validation loss as a ratio: for ``published``, over :func:`constant_loss`'s
        (near 1: the network learned no more than the mean); for the other settings,
        over the published setting's (below 1: that setting found a lower loss).
    """
    epochs, losses = {}, {}
    for setting, part in rows.groupby("setting", sort=False):
        part = part.set_index(["family", "stock"])
        name = SHORT.get(setting, setting)
        epochs[name] = part["kept"].astype(str) + " / " + part["epochs"].astype(str)
        losses[name] = part[
            "vs_constant" if setting == "published" else "vs_published"
        ].round(3)
    losses = pd.DataFrame(losses).rename(columns={"published": "published / constant"})
    return pd.DataFrame(epochs), losses
