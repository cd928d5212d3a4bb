"""The course's run profiles: how much each lesson trains.

Every lesson declares its papermill parameters in its ``parameters`` cell with
``None`` meaning "the profile decides", then calls :func:`settings` to fill
them in. The profile itself comes from the ``profile`` parameter, which
defaults to the ``LSTM_COURSE_PROFILE`` environment variable (the test suite
sets it to ``quick``) or else ``standard``.

- ``quick``: a first look and the CI run. Cheap tables keep every ticker;
  only training shrinks (a few epochs, the first ticker, one seed, and the
  report's networks without XLA compilation, which pays back only over many epochs).
- ``standard``: the report's exact protocol; what the committed notebooks show.
- ``full``: several seeds and the evaluations that take hours.
"""

from __future__ import annotations

import os
from typing import Any

PROFILE_NAMES: tuple[str, ...] = ("quick", "standard", "full")
DEFAULT_PROFILE = "standard"
PROFILE_ENV = "LSTM_COURSE_PROFILE"

REPORT_TICKERS: list[str] = ["IBM", "AAPL", "AMZN", "HD"]
"""The four stocks of the report's experiments."""

# Settings shared by every lesson (each lesson declares them all in its parameters
# cell), then per lesson. ``None`` for a split bound means "chosen from the data"
# (lstm_helpers.data.periods).
_SHARED = {
    "tickers": REPORT_TICKERS,
    "data_dir": None,
    "target": "High",
    "train_end": None,
    "test_start": None,
    "test_end": None,
}
_COMMON: dict[str, dict[str, Any]] = {
    p: dict(_SHARED) for p in ("quick", "standard", "full")
}

# The memory lesson: the adding problem at several delays T, a plain RNN, an LSTM and a
# GRU of about the same number of parameters (lstm_helpers.lessons.memory_task). Quick:
# two delays, a few epochs, one seed.
_MEMORY: dict[str, dict[str, Any]] = {
    p: {
        "delays": delays,
        "seeds": seeds,
        "epochs": epochs,
        "n_train": 5000,
        "n_test": 1000,
        "batch_size": 64,
        "lr": 3e-3,
        "forget_biases": [0.0, 5.0],
        "bias_delay": 100 if p != "quick" else 60,
        "workers": None,
    }
    for p, delays, seeds, epochs in (
        ("quick", [10, 60], [0], 3),
        ("standard", [10, 30, 60, 100], [0, 1], 30),
        ("full", [10, 30, 60, 100, 200], [0, 1, 2, 3, 4], 30),
    )
}

_GATES_SHARED = (
    "delays",
    "seeds",
    "epochs",
    "n_train",
    "n_test",
    "batch_size",
    "lr",
    "workers",
)

# The gates-today lesson: the memory lesson's adding problem (the same delays, seeds
# and training, so its plain RNN, LSTM and GRU are its stored models) plus minGRU,
# minLSTM and a small Transformer, and selective copying for all six
# (lstm_helpers.lessons.gates_today). Quick: short sequences, few epochs, one seed.
_GATES: dict[str, dict[str, Any]] = {
    p: {
        **{k: v for k, v in _MEMORY[p].items() if k in _GATES_SHARED},
        "copy_lengths": lengths,
        "copy_epochs": 2 if p == "quick" else 20,
        "copy_n_train": 1000 if p == "quick" else 5000,
        "copy_k": 4,
        "copy_vocab": 8,
        "inference_lengths": [100, 1000, 10000],
        "jit_compile": p != "quick",
    }
    for p, lengths in (
        ("quick", [20]),
        ("standard", [25, 50, 100]),
        ("full", [25, 50, 100, 200]),
    )
}

# The experiments lesson's comparison (train_tickers None: resolved from tickers by
# resolve_tickers below); the information lesson and the report's-table appendix load
# the same runs (the same settings, so the same keys).
_EXPERIMENTS: dict[str, dict[str, Any]] = {
    "quick": {
        "train_tickers": None,
        "seeds": [0],
        "epochs_default": 2,
        "epochs_improved": 1,
        "max_epochs_variants": 1,
        "account_seeds": [0],
        "account_file_model": False,
        "account_models": ["LSTM default"],
        "workers": None,
        "jit_compile": False,
    },
    "standard": {
        "train_tickers": None,
        "seeds": [0, 1],
        "epochs_default": 50,
        "epochs_improved": 20,
        "max_epochs_variants": 30,
        "account_seeds": [0, 1, 2],
        "account_file_model": True,
        "account_models": ["LSTM default", "LSTM improved"],
        "workers": None,
        "jit_compile": True,
    },
    "full": {
        "train_tickers": None,
        "seeds": [0, 1, 2, 3, 4],
        "epochs_default": 50,
        "epochs_improved": 20,
        "max_epochs_variants": 30,
        "account_seeds": [0, 1, 2, 3, 4],
        "account_file_model": True,
        "account_models": ["LSTM default", "LSTM improved"],
        "workers": None,
        "jit_compile": True,
    },
}

_LESSONS: dict[str, dict[str, dict[str, Any]]] = {
    "data": {p: {} for p in PROFILE_NAMES},
    "baselines": {p: {"window": 100, "decay": 0.5} for p in PROFILE_NAMES},
    # lstm_cell: the small Keras LSTM whose gates are drawn; learning: the NumPy LSTM
    # trained with Adam. Lessons about one stock (lstm_cell, learning, keras_model) take
    # the first ticker.
    "lstm_cell": {
        p: {
            "units": 16,
            "epochs": 3 if p == "quick" else 50,
            "batch_size": 32,
            "seed": 0,
        }
        for p in PROFILE_NAMES
    },
    "learning": {
        p: {
            "units": 16,
            "epochs": 3 if p == "quick" else 50,
            "batch_size": 32,
            "lr": 1e-3,
            "seed": 0,
        }
        for p in PROFILE_NAMES
    },
    "memory": _MEMORY,
    "gates_today": _GATES,
    "keras_model": {
        "quick": {
            "epochs_default": 2,
            "batch_default": 32,
            "epochs_improved": 1,
            "batch_improved": 12,
            "seed": 0,
            "jit_compile": False,
        },
        "standard": {
            "epochs_default": 50,
            "batch_default": 32,
            "epochs_improved": 20,
            "batch_improved": 12,
            "seed": 0,
            "jit_compile": True,
        },
        "full": {
            "epochs_default": 50,
            "batch_default": 32,
            "epochs_improved": 20,
            "batch_improved": 12,
            "seed": 0,
            "jit_compile": True,
        },
    },
    # train_tickers / wf_tickers None: resolved from tickers by resolve_tickers below.
    "experiments": {
        p: {k: v for k, v in settings.items() if not k.startswith("account_")}
        for p, settings in _EXPERIMENTS.items()
    },
    # information: the experiments lesson's comparison again (cached) and the LSTMs
    # given the OHLC prices.
    "information": {
        p: {k: v for k, v in settings.items() if not k.startswith("account_")}
        for p, settings in _EXPERIMENTS.items()
    },
    # multi_step: the strategies of lstm_helpers.lessons.multi_step on every ticker
    # (quick: the first), horizons 1..20; study_models: the models the early-stopping
    # study retrains (lstm_helpers.lessons.stopping).
    "multi_step": {
        p: {
            "train_tickers": None,
            "horizon": 20,
            "direct_horizons": direct,
            "units": 32,
            "epochs": epochs,
            "seeds": seeds,
            "coverages": [0.8, 0.95],
            "workers": None,
            "study_models": study,
        }
        for p, epochs, seeds, direct, study in (
            ("quick", 2, [0], [20], ["one-step"]),
            (
                "standard",
                30,
                [0, 1, 2],
                [5, 20],
                ["one-step", "multi-output", "encoder-decoder"],
            ),
            (
                "full",
                30,
                [0, 1, 2, 3, 4],
                [5, 20],
                ["one-step", "multi-output", "encoder-decoder"],
            ),
        )
    },
    # uncertainty: bands around persistence and the networks that forecast a
    # distribution (lstm_helpers.lessons.uncertainty) at three horizons; quick: the
    # first ticker, one seed, two epochs.
    "uncertainty": {
        p: {
            "train_tickers": None,
            "horizons": [1, 5, 20],
            "units": 32,
            "epochs": epochs,
            "seeds": seeds,
            "gamma": 0.005,
            "workers": None,
        }
        for p, epochs, seeds in (
            ("quick", 2, [0]),
            ("standard", 30, [0, 1, 2]),
            ("full", 30, [0, 1, 2, 3, 4]),
        )
    },
    # The walk-forward: the verdict's networks (log-return, OHLC, OHLC residual) on
    # every fold and stock.
    "literature_walkforward": {
        p: {
            "train_tickers": None,
            "wf_tickers": None,
            "fold_years": None,
            "folds": folds,
            "seeds": seeds,
            "wf_seeds": wf_seeds,
            "epochs_default": 2 if p == "quick" else 50,
            "max_epochs_variants": 1 if p == "quick" else 30,
            "split_fraction": 0.75,
            "workers": None,
            "jit_compile": p != "quick",
            # the early-stopping study (lstm_helpers.lessons.stopping) on the last fold;
            # quick: one network
            "study_models": ["LSTM log-return"]
            if p == "quick"
            else ["LSTM log-return", "LSTM OHLC", "LSTM OHLC residual"],
        }
        for p, folds, seeds, wf_seeds in (
            ("quick", 1, [0], [0]),
            ("standard", 3, [0], [0, 1]),
            ("full", 6, [0, 1, 2], [0, 1, 2]),
        )
    },
    # report_table (an appendix after the main path): the report's two models again
    # (cached), and the readings of its code, each trained and scored against its table
    # (lstm_helpers.lessons.report_account).
    "report_table": {
        p: {k: v for k, v in settings.items() if k != "max_epochs_variants"}
        for p, settings in _EXPERIMENTS.items()
    },
}

LESSON_NAMES: tuple[str, ...] = tuple(_LESSONS)
"""The lessons in course order, by name (a lesson's file is ``NN_name.ipynb``)."""


def resolve_tickers(profile: str, tickers: list[str], which: str) -> list[str]:
    """Which of ``tickers`` a comparison trains on when the learner did not say.

    ``train_tickers`` and ``wf_tickers``: all of them (quick: the first).
    """
    if which not in ("train_tickers", "wf_tickers"):
        raise ValueError(f"resolve_tickers: unknown kind {which!r}")
    return tickers[:1] if profile == "quick" else list(tickers)


def default_profile() -> str:
    """The profile a lesson uses when none is given: ``$LSTM_COURSE_PROFILE`` or
    ``standard``."""
    name = os.environ.get(PROFILE_ENV, DEFAULT_PROFILE)
    return check_profile(name)


def check_profile(name: str) -> str:
    """Return ``name`` if it is a known profile, else raise ValueError listing them."""
    if name not in PROFILE_NAMES:
        raise ValueError(
            f"unknown profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}"
        )
    return name


def settings(lesson: str, profile: str | None = None, **given: Any) -> dict[str, Any]:
    """The parameters of one lesson under one profile, with explicit values winning.

    Parameters
    ----------
    lesson : str
        The lesson's name, its file name without the number: ``"keras_model"`` for
        ``06_keras_model.ipynb`` (a name does not shift when a lesson is inserted).
    profile : str, optional
        ``quick``, ``standard`` or ``full``; default :func:`default_profile`.
    **given
        The lesson's papermill parameters. A value of ``None`` means "take the
        profile's"; anything else overrides it. Every ``*tickers`` parameter may
        be a list or a comma-separated string.

    Returns
    -------
    dict
        Every setting of the lesson, plus ``profile``.

    Raises
    ------
    ValueError
        For an unknown lesson, profile or parameter name.
    """
    profile = check_profile(profile) if profile is not None else default_profile()
    if lesson not in _LESSONS:
        raise ValueError(
            f"no profile settings for lesson {lesson!r}; known: "
            f"{', '.join(sorted(_LESSONS))}"
        )
    merged: dict[str, Any] = {**_COMMON[profile], **_LESSONS[lesson][profile]}
    unknown = sorted(set(given) - set(merged))
    if unknown:
        raise ValueError(f"lesson {lesson} has no parameter(s) {', '.join(unknown)}")
    for key, value in given.items():
        if value is not None:
            merged[key] = value
    # tickers, train_tickers, wf_tickers
    for key in [k for k in merged if k.endswith("tickers")]:
        if isinstance(merged[key], str):
            merged[key] = [
                t.strip().upper() for t in merged[key].split(",") if t.strip()
            ]
        elif merged[key] is not None:
            merged[key] = [str(t).strip().upper() for t in merged[key]]
    if not merged["tickers"]:
        raise ValueError("no tickers given")
    for key in ("train_tickers", "wf_tickers"):
        if key in merged and merged[key] is None:
            merged[key] = resolve_tickers(profile, merged["tickers"], key)
    merged["ticker"] = merged["tickers"][0]  # lessons about one stock take the first
    merged["profile"] = profile
    return merged
