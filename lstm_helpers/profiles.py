"""The course's run profiles: how much each lesson trains.

Every lesson declares its papermill parameters in its ``parameters`` cell with
``None`` meaning "the profile decides", then calls :func:`settings` to fill
them in. The profile itself comes from the ``profile`` parameter, which
defaults to the ``LSTM_COURSE_PROFILE`` environment variable (the test suite
sets it to ``quick``) or else ``standard``.

- ``quick``: a first look and the CI run. Cheap tables keep every ticker;
  only training shrinks (a few epochs, one ticker, one seed).
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

# Settings shared by every lesson, then per lesson. Later lessons add theirs.
_COMMON: dict[str, dict[str, Any]] = {
    "quick": {"tickers": REPORT_TICKERS, "data_dir": None},
    "standard": {"tickers": REPORT_TICKERS, "data_dir": None},
    "full": {"tickers": REPORT_TICKERS, "data_dir": None},
}

_LESSONS: dict[str, dict[str, dict[str, Any]]] = {
    "00": {p: {} for p in PROFILE_NAMES},
    "01": {p: {"window": 100, "decay": 0.5, "target": "High"} for p in PROFILE_NAMES},
    # 02: the small Keras LSTM whose gates are drawn; 03: the NumPy LSTM trained with Adam.
    "02": {p: {"ticker": "IBM", "units": 16, "epochs": 3 if p == "quick" else 50, "batch_size": 32, "seed": 0}
           for p in PROFILE_NAMES},
    "03": {p: {"ticker": "IBM", "units": 16, "epochs": 3 if p == "quick" else 50, "batch_size": 32,
               "lr": 1e-3, "seed": 0} for p in PROFILE_NAMES},
    "04": {
        "quick": {"ticker": "IBM", "epochs_default": 2, "batch_default": 32,
                  "epochs_improved": 1, "batch_improved": 12, "seed": 0},
        "standard": {"ticker": "IBM", "epochs_default": 50, "batch_default": 32,
                     "epochs_improved": 20, "batch_improved": 12, "seed": 0},
        "full": {"ticker": "IBM", "epochs_default": 50, "batch_default": 32,
                 "epochs_improved": 20, "batch_improved": 12, "seed": 0},
    },
    "05": {
        "quick": {"train_tickers": ["IBM"], "seeds": [0], "epochs_default": 2, "epochs_improved": 1,
                  "max_epochs_variants": 1, "workers": None, "target": "High"},
        "standard": {"train_tickers": REPORT_TICKERS, "seeds": [0, 1], "epochs_default": 50,
                     "epochs_improved": 20, "max_epochs_variants": 30, "workers": None, "target": "High"},
        "full": {"train_tickers": REPORT_TICKERS, "seeds": [0, 1, 2, 3, 4], "epochs_default": 50,
                 "epochs_improved": 20, "max_epochs_variants": 30, "workers": None, "target": "High"},
    },
    "06": {
        "quick": {"train_tickers": ["IBM"], "wf_tickers": ["IBM"], "fold_years": [2017], "seeds": [0],
                  "epochs_default": 2, "max_epochs_variants": 1, "best_variant": "LSTM log-return",
                  "split_fraction": 0.75, "workers": None, "target": "High"},
        "standard": {"train_tickers": REPORT_TICKERS, "wf_tickers": ["IBM", "AMZN"],
                     "fold_years": [2015, 2016, 2017], "seeds": [0], "epochs_default": 50,
                     "max_epochs_variants": 30, "best_variant": "LSTM log-return",
                     "split_fraction": 0.75, "workers": None, "target": "High"},
        "full": {"train_tickers": REPORT_TICKERS, "wf_tickers": REPORT_TICKERS,
                 "fold_years": [2013, 2014, 2015, 2016, 2017], "seeds": [0, 1, 2], "epochs_default": 50,
                 "max_epochs_variants": 30, "best_variant": "LSTM log-return",
                 "split_fraction": 0.75, "workers": None, "target": "High"},
    },
}


def default_profile() -> str:
    """The profile a lesson uses when none is given: ``$LSTM_COURSE_PROFILE`` or ``standard``."""
    name = os.environ.get(PROFILE_ENV, DEFAULT_PROFILE)
    return check_profile(name)


def check_profile(name: str) -> str:
    """Return ``name`` if it is a known profile, else raise ValueError listing them."""
    if name not in PROFILE_NAMES:
        raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}")
    return name


def settings(lesson: str, profile: str | None = None, **given: Any) -> dict[str, Any]:
    """The parameters of one lesson under one profile, with explicit values winning.

    Parameters
    ----------
    lesson : str
        Two-digit lesson number, e.g. ``"04"``.
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
        raise ValueError(f"no profile settings for lesson {lesson!r}; known: {', '.join(sorted(_LESSONS))}")
    merged: dict[str, Any] = {**_COMMON[profile], **_LESSONS[lesson][profile]}
    unknown = sorted(set(given) - set(merged))
    if unknown:
        raise ValueError(f"lesson {lesson} has no parameter(s) {', '.join(unknown)}")
    for key, value in given.items():
        if value is not None:
            merged[key] = value
    for key in [k for k in merged if k.endswith("tickers")]:  # tickers, train_tickers, wf_tickers
        if isinstance(merged[key], str):
            merged[key] = [t.strip().upper() for t in merged[key].split(",") if t.strip()]
    merged["profile"] = profile
    return merged
