"""Which days train and which days test: the report's split, or one chosen from the
data.

The report trains on 2006-2016 and tests on 2017. Its rule, said generally, is
"test on the last full calendar year of the data, train on everything before
it", and that is the default here: for the bundled files (2006-01-03 to
2017-12-29) it gives exactly the report's split, for a file from 2010 to 2015
it tests on 2015, for one that runs to last week it tests on last year.
:func:`choose_split` applies it (or the years a learner gives) and checks that
both parts are long enough before anything trains. :func:`range_table` measures
how far each ticker's test period leaves its training range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

MIN_TRAIN_DAYS = 250
"""Fewest training days beyond the first window: about a year of trading days."""


@dataclass(frozen=True)
class Split:
    """A chronological split, each bound a year (``"2016"``) or a day
    (``"2016-06-30"``), inclusive.

    Attributes
    ----------
    train_end : str
        Last period of training.
    test_start, test_end : str
        First and last period of the test.
    how : str
        Why these periods (for the line a lesson prints).
    """

    train_end: str
    test_start: str
    test_end: str
    how: str = "given"

    def describe(self) -> str:
        """One line for a lesson: ``train ..2016, test 2017..2017 (the last full
        calendar year in the data)``."""
        return (
            f"train ..{self.train_end}, test "
            f"{self.test_start}..{self.test_end} ({self.how})"
        )

    @property
    def test_year(self) -> int:
        """The calendar year the test starts in."""
        return pd.Timestamp(self.test_start).year

    @property
    def train_year(self) -> int:
        """The calendar year training ends in (where early stopping takes its validation
        slice)."""
        return pd.Timestamp(_last_day(self.train_end)).year

    def is_report(self) -> bool:
        """True for the report's own split (train ..2016, test 2017), where its numbers
        can be compared."""
        return self.windows() == REPORT_SPLIT.windows()

    def windows(self) -> dict[str, str]:
        """The keyword arguments of :func:`lstm_helpers.data.windows.report_windows` and
        ``variant_windows``."""
        return {
            "train_end": self.train_end,
            "test_start": self.test_start,
            "test_end": self.test_end,
        }


REPORT_SPLIT = Split("2016", "2017", "2017", how="the report's split")
"""The report's split: train on everything to 2016, test on 2017. The one place these
years are written; every default of the package that means "the report's split" reads it
from here."""


def full_years(index: pd.DatetimeIndex) -> list[int]:
    """Calendar years the data covers from their first week to their last fortnight."""
    years = []
    for year in sorted(set(index.year)):
        days = index[index.year == year]
        if days.min() <= pd.Timestamp(f"{year}-01-07") and days.max() >= pd.Timestamp(
            f"{year}-12-17"
        ):
            years.append(year)
    return years


def _before(period: str) -> str:
    """The period just before ``period``: the previous year for a year, the previous day
    for a day."""
    if len(period) == 4 and period.isdigit():
        return str(int(period) - 1)
    return str((pd.Timestamp(period) - pd.Timedelta(days=1)).date())


def choose_split(
    frames: Mapping[str, pd.DataFrame | pd.Series],
    train_end: str | int | None = None,
    test_start: str | int | None = None,
    test_end: str | int | None = None,
    window: int = 60,
    min_train_days: int = MIN_TRAIN_DAYS,
) -> Split:
    """The split every ticker of a lesson uses, checked against each ticker's data.

    Parameters
    ----------
    frames : mapping of str -> DataFrame or Series
        Ticker -> prices (date-indexed).
    train_end, test_start, test_end : str or int, optional
        What the learner asked for; ``None`` is decided from the data. With
        nothing given, the test is the last calendar year that every ticker
        covers fully and training is everything before it. ``test_end``
        defaults to ``test_start``; ``train_end`` to the period before ``test_start``;
        ``test_start`` to the year after ``train_end``.
    window : int, default 60
        Days per input window (training needs more days than that).
    min_train_days : int, default :data:`MIN_TRAIN_DAYS`
        Training days needed beyond the first window.

    Raises
    ------
    ValueError
        If a ticker has no test day, or fewer than ``window + min_train_days``
        training days; the message names the ticker, its dates and the split.
    """
    if not frames:
        raise ValueError("choose_split needs at least one ticker's prices")
    given = [None if v is None else str(v) for v in (train_end, test_start, test_end)]
    train_end, test_start, test_end = given
    how = "given"
    if test_start is None and train_end is not None:
        if not (len(train_end) == 4 and train_end.isdigit()):
            raise ValueError(f"train_end {train_end!r} is a day: give test_start too")
        test_start = str(int(train_end) + 1)
    if test_start is None:
        common = set.intersection(*(set(full_years(f.index)) for f in frames.values()))
        if not common:
            spans = "; ".join(
                f"{t} {f.index.min().date()}..{f.index.max().date()}"
                for t, f in frames.items()
            )
            raise ValueError(
                "no calendar year is fully covered by every ticker "
                f"({spans}); give test_start"
            )
        test_start = str(max(common))
        how = (
            "the last full calendar year in the data, everything before it for training"
        )
    test_end = test_end or test_start
    train_end = train_end or _before(test_start)
    split = Split(train_end, test_start, test_end, how)
    if split.is_report():
        split = Split(train_end, test_start, test_end, f"the report's split; {how}")
    for ticker, frame in frames.items():
        index = frame.index
        train_days = int((index <= pd.Timestamp(_last_day(train_end))).sum())
        test_days = int(
            (
                (index >= pd.Timestamp(test_start))
                & (index <= pd.Timestamp(_last_day(test_end)))
            ).sum()
        )
        span = f"{ticker} has data {index.min().date()}..{index.max().date()}"
        if pd.Timestamp(_last_day(train_end)) >= pd.Timestamp(test_start):
            raise ValueError(f"split {split.describe()}: training and test overlap")
        if test_days == 0:
            raise ValueError(
                f"split {split.describe()}: {span}, so its test period is empty"
            )
        if train_days < window + min_train_days:
            raise ValueError(
                f"split {split.describe()}: {span}, so only {train_days} training "
                "days; "
                f"the lessons need at least {window + min_train_days} (a {window}-day "
                "window "
                f"plus {min_train_days} days to learn from)"
            )
    return split


def _last_day(period: str) -> str:
    """The last day a period (a year ``YYYY``, a month ``YYYY-MM`` or a day)
    includes."""
    if len(period) == 4 and period.isdigit():
        return f"{period}-12-31"
    if len(period) == 7:
        return str((pd.Period(period, "M").end_time).date())
    return period


def range_table(
    prices: dict[str, pd.DataFrame],
    target: str = "High",
    train_end: str = REPORT_SPLIT.train_end,
    test_start: str = REPORT_SPLIT.test_start,
    test_end: str | None = REPORT_SPLIT.test_end,
) -> pd.DataFrame:
    """How far the test period leaves the training range, per ticker.

    A ``MinMaxScaler`` fit on the training years maps the training maximum to
    1. Test prices above it become targets above 1, which a network trained
    only on targets in [0, 1] has never produced. This table measures that.

    Parameters
    ----------
    prices : dict of str -> DataFrame
        Ticker -> price frame (as from :func:`lstm_helpers.data.tickers.load_tickers`).
    target : str, default "High"
        The column to look at.
    train_end, test_start, test_end : str
        The split, as in :func:`lstm_helpers.data.windows.report_windows`
        (``**split.windows()``).

    Returns
    -------
    DataFrame
        One row per ticker: training min and max, test min and max, the share
        of test days above the training max, the largest test price as a
        percentage above the training max, and the largest scaled test value.
    """
    rows = {}
    for ticker, frame in prices.items():
        series = frame[target]
        train = series.loc[:train_end].dropna()
        test = series.loc[test_start:test_end].dropna()
        lo, hi = train.min(), train.max()
        rows[ticker] = {
            "train_min": lo,
            "train_max": hi,
            "test_min": test.min(),
            "test_max": test.max(),
            "test_days_above_train_max_%": 100.0 * float((test > hi).mean()),
            "test_max_above_train_max_%": 100.0 * (test.max() / hi - 1.0),
            "largest_scaled_test_value": (test.max() - lo) / (hi - lo),
        }
    return pd.DataFrame.from_dict(rows, orient="index")
