"""Input checks shared by the scoring modules: :mod:`lstm_helpers.evaluation.metrics`,
:mod:`lstm_helpers.evaluation.significance`, :mod:`lstm_helpers.evaluation.direction`
and :mod:`lstm_helpers.evaluation.scaled_errors` (not the learners' exercise checks,
which are :mod:`lstm_helpers.checks`).

Forecasts, actual values and scores must be finite 1-D arrays of equal length;
two pandas Series must share their index. A failed check raises a
:class:`ValueError` that names the argument at fault.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike


def _as_vector(values: ArrayLike, name: str) -> np.ndarray:
    """``values`` as a 1-D float array with no NaN/inf, or a ValueError naming
    ``name``."""
    try:
        x = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must hold numbers ({err})") from err
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{name} is empty")
    bad = ~np.isfinite(x)
    if bad.any():
        raise ValueError(
            f"{name} has {int(bad.sum())} NaN or infinite value(s), the first at "
            "position "
            f"{int(np.flatnonzero(bad)[0])}; drop those days before scoring (e.g. with "
            "dropna())"
        )
    return x


def _vectors(**named: ArrayLike) -> list[np.ndarray]:
    """Check several named inputs and that they line up; return them as float arrays.

    Raises a ValueError if any is not a finite 1-D array, if their lengths
    differ, or if two of them are pandas Series with different indexes.
    """
    arrays = [_as_vector(values, name) for name, values in named.items()]
    lengths = {name: len(x) for name, x in zip(named, arrays, strict=True)}
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"length mismatch: {shown} values")
    indexed = [(name, v.index) for name, v in named.items() if isinstance(v, pd.Series)]
    for name, index in indexed[1:]:
        first_name, first_index = indexed[0]
        if not index.equals(first_index):
            raise ValueError(
                f"{name} and {first_name} are Series with different indexes; align "
                "them "
                "(e.g. pick the rows of one DataFrame) so that each value is compared "
                "with the same day"
            )
    return arrays


def _check_whole(value: int, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)
