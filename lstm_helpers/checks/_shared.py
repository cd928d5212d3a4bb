"""What every check shares: the result of a check, the learner's answer taken safely,
and the comparisons."""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

PASSED, NOT_DONE, FAILED = "passed", "not done yet", "failed"
MARKS = {PASSED: "✔", NOT_DONE: "…", FAILED: "✘"}


@dataclass(frozen=True, repr=False)
class Result:
    """The outcome of one check: ``status`` is "passed", "not done yet" or "failed"."""

    exercise: str
    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == PASSED

    def __repr__(self) -> str:
        return f"{MARKS[self.status]} {self.exercise}: {self.status} — {self.message}"

    __str__ = __repr__


class _NotDone(Exception):
    pass


class Failed(Exception):
    pass


def exercise_check(title: str) -> Callable:
    """Turn a check body (which returns the pass message or raises) into a check
    returning a Result."""

    def wrap(body: Callable[..., str]) -> Callable[..., Result]:
        @functools.wraps(body)
        def check(*args: Any, **kwargs: Any) -> Result:
            try:
                return Result(title, PASSED, body(*args, **kwargs))
            except _NotDone as why:
                return Result(title, NOT_DONE, str(why))
            except Failed as why:
                return Result(title, FAILED, str(why))
            # an answer of a shape no check foresaw: still a line, never a traceback
            except Exception as err:
                return Result(
                    title,
                    FAILED,
                    "the check could not use your answer "
                    f"({type(err).__name__}: {err})",
                )

        return check

    return wrap


# --------------------------------------------------------------------------
# What every check shares
# --------------------------------------------------------------------------


def answered(value: Any, name: str) -> Any:
    """The learner's value, or "not done yet" while it is still the placeholder."""
    if value is None or value is Ellipsis:
        raise _NotDone(f"{name} is still None: give your answer in the cell above")
    return value


def call_answer(fn: Any, name: str, *args: Any) -> Any:
    """Call the learner's function; "not done" for the stub, "failed" (with the error)
    for a crash or no result."""
    answered(fn, name)
    if not callable(fn):
        raise Failed(f"{name} must be a function, got {type(fn).__name__}")
    try:
        out = fn(*args)
    except NotImplementedError:
        raise _NotDone(
            f"{name} still raises NotImplementedError: write its body in the cell above"
        ) from None
    except Exception as err:  # the learner's bug, reported instead of raised
        raise Failed(f"{name} raised {type(err).__name__}: {err}") from None
    if out is None:
        raise Failed(f"{name} returned None: did you forget to `return` the result?")
    return out


def position_of(k: int, shape: tuple[int, ...], axes: tuple[str, ...] = ()) -> str:
    """A flat index as a learner reads it: ``(2, 1)``, ``(4,)``, or ``""`` for a scalar.

    With ``axes``, each index is also said in the exercise's own terms: ``axes=("path",
    "day +")`` gives ``path 5, day 6 (5, 5)`` (a name ending in ``+`` counts from 1, as
    days ahead do).
    """
    if not shape:
        return ""
    index = [int(i) for i in np.unravel_index(k, shape)]
    plain = "(" + ", ".join(map(str, index)) + ("," if len(shape) == 1 else "") + ")"
    if not axes:
        return plain
    named = ", ".join(
        f"{a.rstrip(' +')} {i + 1 if a.endswith('+') else i}"
        for a, i in zip(axes, index, strict=False)
    )
    return f"{named} {plain}"


def typed_as_printed(raw: Any, want: float) -> bool:
    """True when ``raw`` is a number typed with at least four significant digits that
    equals ``want`` rounded to them (``5.058`` for 5.05803): a value copied from a
    printed table is a right answer at its precision."""
    if (
        isinstance(raw, bool)
        or not isinstance(raw, int | float)
        or not np.isfinite(want)
        or want == 0
    ):
        return False
    mantissa = f"{raw!r}".lower().split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    digits = len(mantissa.rstrip("0")) if "." in f"{raw!r}" else len(mantissa)
    if digits < 4:
        return False
    # the place of the last digit typed
    last = 10.0 ** (np.floor(np.log10(abs(want))) - digits + 1)
    return abs(raw - want) <= 0.5 * last * (1 + 1e-9)


def show(value: float) -> str:
    """A number with the digits needed to see a difference between two close values (or
    NaN, inf)."""
    return f"{value:.9g}"


def _refuse_text(value: Any, name: str, what: str) -> None:
    if isinstance(value, str | bytes):
        raise Failed(
            f"{name} must be {what}, got the text {value!r} (a "
            "str): compute the value, do not write it "
            "in quotes"
        )


def _refuse_coarse(value: Any, name: str, dtype: Any = None) -> None:
    """Refuse a float type coarser than float32 (float16): no tolerance can be both fair
    to it and strict."""
    dtype = dtype if dtype is not None else getattr(value, "dtype", None)
    if dtype is None and isinstance(value, list | tuple) and value:
        dtype = getattr(value[0], "dtype", None)
    if (
        dtype is not None
        and np.issubdtype(dtype, np.floating)
        and np.finfo(dtype).eps > np.finfo(np.float32).eps
    ):
        raise Failed(
            f"{name} is held in {np.dtype(dtype).name}, which "
            f"keeps about {np.finfo(dtype).precision} "
            "significant digits: too few to tell a right answer from a wrong "
            "one. Compute it in "
            "float32 or float64 (NumPy's default)"
        )


def as_number(value: Any, name: str) -> float:
    """The learner's number: a real, finite number (NumPy scalars and 0-d arrays of
    float32 or float64)."""
    value = answered(value, name)
    _refuse_text(value, name, "a number")
    _refuse_coarse(value, name)
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise Failed(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not np.isfinite(value):
        raise Failed(f"{name} must be a finite number, got {value}")
    return float(value)


def as_array(value: Any, name: str, finite: bool = False) -> np.ndarray:
    """The learner's array as float64; with ``finite``, refuse NaN and inf and say where
    they are."""
    if value is None:
        raise Failed(f"{name} is None: did you forget to `return` or to fill it in?")
    _refuse_text(value, name, "an array of numbers")
    _refuse_coarse(value, name)
    try:
        out = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise Failed(f"{name} must be an array of numbers ({err})") from None
    if finite and not np.isfinite(out).all():
        k = int(np.flatnonzero(~np.isfinite(out))[0])
        raise Failed(
            f"{name} has {int((~np.isfinite(out)).sum())} value(s) "
            "that are not finite numbers, the first "
            f"{show(out.flat[k])} at position {position_of(k, out.shape)}"
        )
    return out


def _coarse_eps(answer: Any) -> float:
    """The machine epsilon of the answer's float type when it is coarser than float64
    (float32: 1.2e-7), else 0.

    A list or tuple counts by the type NumPy gives it. A type coarser than float32
    (float16 keeps about three digits) is refused: a tolerance wide enough for it would
    let wrong answers pass.
    """
    dtype = getattr(answer, "dtype", None)
    if dtype is None and isinstance(answer, list | tuple) and answer:
        dtype = np.asarray(answer).dtype
    if (
        dtype is not None
        and np.issubdtype(dtype, np.floating)
        and np.finfo(dtype).eps > np.finfo(float).eps
    ):
        _refuse_coarse(answer, "the answer", dtype)
        return float(np.finfo(dtype).eps)
    return 0.0


def rtol_for(raw: Any, rtol: float) -> float:
    """``rtol`` widened for a learner's number held in a lower-precision float (float32:
    about 7 digits)."""
    return max(rtol, 100 * _coarse_eps(raw))


def tolerances(
    got: Any, expected: np.ndarray, rtol: float, atol: float
) -> tuple[float, float]:
    """``rtol, atol`` widened to what the learner's float type can hold; ``atol`` scaled
    by ``expected``'s size."""
    eps = _coarse_eps(got)
    if not eps:
        return rtol, atol
    scale = float(np.nanmax(np.abs(expected))) if np.isfinite(expected).any() else 1.0
    return max(rtol, 100 * eps), max(atol, 100 * eps * scale)


def expect_same(
    got: Any,
    expected: np.ndarray,
    name: str,
    mistakes: Mapping[str, Any] | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    axes: tuple[str, ...] = (),
) -> None:
    """Fail unless ``got`` equals ``expected`` within a tolerance fit for ``got``'s
    float type.

    The message names the entry that broke the tolerance most (by its position, in the
    exercise's own terms when ``axes`` names them, with both values to nine significant
    digits), a value that is NaN or inf where a number was expected, and any typical
    mistake the answer matches.
    """
    rtol, atol = tolerances(got, np.asarray(expected, dtype=float), rtol, atol)
    got = as_array(got, name)
    expected = np.asarray(expected, dtype=float)
    hint = ""
    for description, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=float)
        if wrong.shape == got.shape and np.allclose(
            got, wrong, rtol=rtol, atol=atol, equal_nan=True
        ):
            hint = f" Your values match a typical mistake: {description}."
            break
    if got.shape != expected.shape:
        raise Failed(f"{name} has shape {got.shape}, expected {expected.shape}.{hint}")
    odd = (
        (np.isnan(got) != np.isnan(expected))
        | (np.isinf(got) != np.isinf(expected))
        | (np.isinf(got) & np.isinf(expected) & (np.sign(got) != np.sign(expected)))
    )
    if odd.any():
        k = int(np.flatnonzero(odd)[0])
        raise Failed(
            f"{name}: position {position_of(k, got.shape, axes)} "
            f"is {show(got.flat[k])}, expected "
            f"{show(expected.flat[k])}.{hint}"
        )
    finite = np.isfinite(expected)
    # an infinite expected value (equal, as checked above) is left out: inf - inf
    with np.errstate(invalid="ignore"):
        excess = np.where(
            finite,
            np.abs(got - np.where(finite, expected, 0.0))
            - (atol + rtol * np.abs(expected)),
            -1.0,
        )
    if (excess > 0).any():
        k = int(np.argmax(excess))
        where = (
            f" at {position_of(k, got.shape, axes)}"
            if axes
            else f" at position {position_of(k, got.shape)}"
            if got.ndim
            else ""
        )
        raise Failed(
            f"{name} differs from the reference{where}: yours "
            f"{show(got.flat[k])}, expected "
            f"{show(expected.flat[k])} (difference "
            f"{abs(got.flat[k] - expected.flat[k]):.3g}).{hint}"
        )


def random_walk(
    n: int, seed: int, start: str = "2014-01-01", name: str = "High"
) -> pd.Series:
    """A seeded geometric random walk on business days: the checks' fixed input."""
    rng = np.random.default_rng(seed)
    days = pd.bdate_range(start, periods=n)
    return pd.Series(
        50 * np.exp(np.cumsum(rng.normal(0.0004, 0.015, n))), index=days, name=name
    )


def as_mapping(value: Any, name: str, at_least: int = 1) -> dict:
    value = answered(value, name)
    # a Series indexed by ticker says the same as a dict
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping):
        raise Failed(f"{name} must be a dict, got {type(value).__name__}")
    if len(value) < at_least:
        raise Failed(
            f"{name} has {len(value)} "
            f"entr{'y' if len(value) == 1 else 'ies'}; "
            f"the exercise asks for at least {at_least}"
        )
    return dict(value)


def guess_line(guess: Any, measured: float) -> str:
    if guess is None or isinstance(guess, bool) or not isinstance(guess, numbers.Real):
        return ""
    return f" Your guess was {guess:.4g}; the measured value is {measured:.4g}."
