"""The exercise checks of the data lesson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from lstm_helpers.checks._shared import (
    Failed,
    answered,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    random_walk,
    rtol_for,
)
from lstm_helpers.data.periods import REPORT_SPLIT, range_table


@exercise_check("chronological split")
def date_split(my_split: Any) -> str:
    """``my_split(series, train_end, test_start, test_end) -> (train, test)`` against
    ``.loc`` by dates."""
    series = random_walk(1250, seed=11)
    report = (REPORT_SPLIT.train_end, REPORT_SPLIT.test_start, REPORT_SPLIT.test_end)
    for train_end, test_start, test_end in (report, ("2015", "2016", "2016")):
        where = f"my_split(series, {train_end!r}, {test_start!r}, {test_end!r})"
        out = call_answer(
            my_split, where, series.copy(), train_end, test_start, test_end
        )
        if not isinstance(out, tuple | list) or len(out) != 2:
            raise Failed(
                f"{where} must return two parts (train, test), got {type(out).__name__}"
            )
        for part_name, part in zip(("train", "test"), out, strict=True):
            if not isinstance(part, pd.Series | pd.DataFrame):
                raise Failed(
                    f"{where}: {part_name} must be a pandas Series, got "
                    f"{type(part).__name__}"
                )
            if not part.index.is_monotonic_increasing:
                raise Failed(
                    f"{where}: the {part_name} part is not in date order: "
                    "a shuffled split mixes "
                    "past and future, keep the days in time order"
                )
        train, test = out
        late = train.index[
            train.index > pd.Timestamp(train_end) + pd.offsets.YearEnd(0)
        ]
        if len(late):
            raise Failed(
                f"{where}: the training part holds {len(late)} day(s) "
                f"after {train_end} (the first "
                f"{late[0].date()}): test days leak into training"
            )
        expected_test = series.loc[test_start:test_end]
        if not test.index.equals(expected_test.index):
            extra = test.index.difference(expected_test.index)
            missing = expected_test.index.difference(test.index)
            raise Failed(
                f"{where}: the test part has {len(test)} days, "
                f"expected {len(expected_test)} "
                f"({test_start}..{test_end}); {len(extra)} extra (first "
                f"{extra[0].date() if len(extra) else '-'}), "
                f"{len(missing)} missing (first "
                f"{missing[0].date() if len(missing) else '-'})"
            )
        if not train.index.equals(series.loc[:train_end].index):
            raise Failed(
                f"{where}: the training part has {len(train)} days, expected "
                f"{len(series.loc[:train_end])} (every day up to the end of "
                f"{train_end})"
            )
        for part_name, part, want in (
            ("train", train, series.loc[:train_end]),
            ("test", test, expected_test),
        ):
            values = part.iloc[:, 0] if isinstance(part, pd.DataFrame) else part
            expect_same(
                values.to_numpy(),
                want.to_numpy(),
                f"{where}: the {part_name} part's prices",
            )
    return (
        "both splits match .loc by dates: training up to "
        "train_end, test from test_start to test_end."
    )


def _share_reference(
    prices: Mapping[str, pd.DataFrame], target: str, windows: Mapping[str, Any]
) -> pd.Series:
    return (
        range_table(prices, target=target, **windows)["test_days_above_train_max_%"]
        / 100.0
    )


def _compare_shares(my_share: Any, name: str, reference: pd.Series) -> None:
    shares = as_mapping(my_share, name)
    missing = sorted(set(reference.index) - set(shares))
    if missing:
        raise Failed(f"{name} has no value for {', '.join(missing)}")
    for ticker, want in reference.items():
        raw, got = shares[ticker], as_number(shares[ticker], f"{name}[{ticker!r}]")
        if not np.isfinite(want):
            raise Failed(
                f"{name}[{ticker!r}]: this split leaves {ticker} "
                "without the days to measure a share"
            )
        if abs(got - want) > max(1e-9, rtol_for(raw, 0.0) * want):
            hint = ""
            if abs(got - 100 * want) < 1e-6:
                hint = " You gave a percentage; give the fraction (between 0 and 1)."
            elif got == 0 and want > 0:
                hint = (
                    " Compare with the training days' maximum only, not "
                    "with the whole series'."
                )
            raise Failed(f"{name}[{ticker!r}] is {got:.4f}, expected {want:.4f}.{hint}")


@exercise_check("share of the test year above the training maximum")
def share_above_training_max(
    my_share: Any,
    prices: Mapping[str, pd.DataFrame],
    split: Any,
    target: str,
    guess: Any = None,
) -> str:
    """``my_share[ticker]``: the fraction of test days whose ``target`` exceeds the
    training maximum."""
    reference = _share_reference(prices, target, split.windows())
    _compare_shares(my_share, "my_share", reference)
    shown = ", ".join(f"{t} {v:.1%}" for t, v in reference.items())
    line = f" You guessed {guess!r}." if guess is not None else ""
    return f"the shares match range_table: {shown}.{line}"


@exercise_check("your own split")
def other_split(
    my_split_years: Any,
    my_other_share: Any,
    prices: Mapping[str, pd.DataFrame],
    target: str,
) -> str:
    """An open experiment: the share above the training maximum for a split the learner
    chooses."""
    years = answered(my_split_years, "my_split_years")
    if not isinstance(years, tuple | list) or len(years) != 3:
        raise Failed(
            "my_split_years must be three years (train_end, "
            "test_start, test_end), e.g. "
            "('2012', '2013', '2013')"
        )
    try:
        train_end, test_start, test_end = (int(str(y)) for y in years)
    except ValueError:
        raise Failed(
            f"my_split_years must hold years such as '2012'; got {years!r}"
        ) from None
    if not train_end < test_start <= test_end:
        raise Failed(
            f"my_split_years {years!r}: training must end before "
            "the test starts "
            "(train_end < test_start <= test_end)"
        )
    windows = {
        "train_end": str(train_end),
        "test_start": str(test_start),
        "test_end": str(test_end),
    }
    for ticker, frame in prices.items():
        days = frame[target].dropna().index
        if not len(days.intersection(frame.loc[: str(train_end)].index)):
            raise Failed(
                f"my_split_years {years!r}: {ticker} has no training "
                f"days up to {train_end} (its data "
                f"start on {days.min().date()}): choose years inside the "
                "data"
            )
        if not len(frame.loc[str(test_start) : str(test_end)]):
            raise Failed(
                f"my_split_years {years!r}: {ticker} has no test days "
                f"in {test_start}..{test_end} (its "
                f"data run {days.min().date()}..{days.max().date()}): choose "
                "years inside the data"
            )
    try:
        reference = _share_reference(prices, target, windows)
    except ValueError as err:
        raise Failed(f"my_split_years {years!r} does not fit the data: {err}") from None
    _compare_shares(my_other_share, "my_other_share", reference)
    shown = ", ".join(f"{t} {v:.1%}" for t, v in reference.items())
    return (
        f"train ..{train_end}, test {test_start}..{test_end}: "
        f"{shown}, as range_table measures."
    )
