"""The exercise checks of the memory lesson."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from lstm_helpers.checks._shared import (
    Failed,
    as_array,
    as_mapping,
    as_number,
    call_answer,
    exercise_check,
    expect_same,
    guess_line,
    rtol_for,
    show,
)
from lstm_helpers.lessons.memory_task import CONSTANT_MSE, adding_problem


@exercise_check("the answer without memory")
def constant_answer_mse(my_mse: Any, y_test: np.ndarray, guess: Any = None) -> str:
    """``my_mse``: the test MSE of always answering 1 on the adding problem's targets
    ``y_test``."""
    got = as_number(my_mse, "my_mse")
    y = np.asarray(y_test, dtype=float)
    want = float(np.mean((y - 1.0) ** 2))
    if abs(got - want) > max(1e-6, rtol_for(my_mse, 0.0) * want):
        hints = {
            "that is the mean absolute error; square the errors": np.mean(
                np.abs(y - 1.0)
            ),
            "that is the error of answering 0, not 1": np.mean(y**2),
            "the errors are averaged without squaring (positive "
            "and negative cancel)": np.mean(y - 1.0),
        }
        hint = next(
            (f" Hint: {h}." for h, v in hints.items() if abs(got - v) < 1e-6), ""
        )
        raise Failed(
            f"my_mse is {got:.4f}, expected {want:.4f} on the "
            f"{len(y)} test sequences.{hint}"
        )
    return (
        f"MSE {want:.4f} on {len(y)} sequences (in expectation "
        f"2/12 = {CONSTANT_MSE:.4f})."
        f"{guess_line(guess, want)}"
    )


@exercise_check("adding-problem targets")
def adding_targets(my_adding_targets: Any) -> str:
    """``my_adding_targets(X) -> y`` against the targets
    :func:`lstm_helpers.lessons.memory_task.adding_problem` draws."""
    X, y = adding_problem(50, 20, seed=7)
    got = call_answer(my_adding_targets, "my_adding_targets(X)", X.copy())
    first = np.array(
        [
            row[np.flatnonzero(marks)[0]]
            for row, marks in zip(X[:, :, 0], X[:, :, 1], strict=True)
        ]
    )
    mistakes = {
        "the sum of all values, not only the two marked ones": X[:, :, 0].sum(axis=1),
        "the sum of the markers, not of the marked values": X[:, :, 1].sum(axis=1),
        "only the first marked value; the target adds both": first,
    }
    expect_same(
        np.ravel(as_array(got, "my_adding_targets(X)")),
        y,
        "my_adding_targets(X)",
        mistakes,
        rtol=1e-5,
    )
    return "the targets of 50 seeded sequences (T = 20) match adding_problem's."


@exercise_check("longest delay solved")
def longest_solved(my_threshold: Any, my_longest: Any, runs: list) -> str:
    """An open experiment: per cell, the longest delay T whose mean test MSE (Keras's
    initialisation) is below ``my_threshold``."""
    threshold = as_number(my_threshold, "my_threshold")
    if not 0 < threshold < CONSTANT_MSE:
        raise Failed(
            "my_threshold must lie between 0 and the constant "
            f"answer's {CONSTANT_MSE:.4f}, got {threshold:g}"
        )
    answers = as_mapping(my_longest, "my_longest")
    mses: dict[str, dict[int, list[float]]] = {}
    for r in runs:
        # Keras's default initialisation; the bias sweep is another question
        if r.forget_bias is None:
            mses.setdefault(r.cell, {}).setdefault(int(r.delay), []).append(
                float(r.test_mse)
            )
    for cell, by_delay in mses.items():
        if cell not in answers:
            raise Failed(
                f"my_longest has no entry for {cell!r} (the cells are "
                f"{', '.join(mses)})"
            )
        solved = [T for T, values in by_delay.items() if np.mean(values) < threshold]
        want = max(solved) if solved else None
        if answers[cell] != want:
            raise Failed(
                f"my_longest[{cell!r}] is {answers[cell]!r}, expected "
                f"{want!r}: the longest T whose mean "
                f"test MSE over the seeds is below {threshold:g} (None if no "
                "T is). Mean MSE per T: "
                + ", ".join(
                    f"{T}: {np.mean(v):.4f}" for T, v in sorted(by_delay.items())
                )
            )
    shown = ", ".join(f"{cell} {T}" for cell, T in answers.items() if cell in mses)
    return f"below an MSE of {threshold:.4g}, the longest delays solved are: {shown}."


@exercise_check("clipping by global norm")
def global_norm_clip(my_clip: Any) -> str:
    """``my_clip(grads, max_norm) -> (clipped, norm)`` against
    :func:`lstm_helpers.numpy_lstm.clip_global_norm`."""
    from lstm_helpers.numpy_lstm import clip_global_norm

    rng = np.random.default_rng(21)
    grads = {
        "kernel": rng.normal(size=(2, 8)) * 3,
        "recurrent_kernel": rng.normal(size=(2, 8)),
        "bias": rng.normal(size=8),
    }
    lines = []
    # the first caps the gradient, the second leaves it alone
    for max_norm in (1.0, 100.0):
        where = f"my_clip(grads, {max_norm:g})"
        out = call_answer(
            my_clip, where, {k: v.copy() for k, v in grads.items()}, max_norm
        )
        if (
            not isinstance(out, tuple | list)
            or len(out) != 2
            or not isinstance(out[0], Mapping)
        ):
            raise Failed(
                f"{where} must return (clipped, norm): a dict of "
                "arrays and the norm before clipping"
            )
        want, norm = clip_global_norm(grads, max_norm)
        got_norm = as_number(out[1], f"the norm returned by {where}")
        if abs(got_norm - norm) > rtol_for(out[1], 1e-9) * norm:
            per_array = max(float(np.linalg.norm(g)) for g in grads.values())
            hint = (
                " That is one array's norm: the global norm is the "
                "square root of the sum of the squares of "
                "every array together."
                if abs(got_norm - per_array) < 1e-9 * per_array
                else " That is the norm after clipping: return the one before."
                if abs(got_norm - min(norm, max_norm)) < 1e-9 * max_norm
                else ""
            )
            raise Failed(
                f"{where} returns the norm {show(got_norm)}, expected "
                f"{show(norm)}.{hint}"
            )
        each = {
            k: g * min(1.0, max_norm / float(np.linalg.norm(g)))
            for k, g in grads.items()
        }
        always = {k: g * max_norm / norm for k, g in grads.items()}
        for key in grads:
            if key not in out[0]:
                raise Failed(f"{where}: the clipped gradient has no {key!r}")
            mistakes = {
                "each array is capped on its own (Keras's clipnorm); "
                "scale every array by the same factor, "
                "min(1, max_norm / global norm)": each[key],
                "the gradient is scaled even when its norm is below max_norm: "
                "the factor is "
                "min(1, max_norm / norm)": always[key],
                "the values are cut at ±max_norm (np.clip): that "
                "changes the step's direction": np.clip(
                    grads[key], -max_norm, max_norm
                ),
            }
            expect_same(out[0][key], want[key], f"{where}[{key!r}]", mistakes)
        lines.append(
            f"norm {norm:.3g} "
            f"{'clipped to' if norm > max_norm else 'left, under'} "
            f"{max_norm:g}"
        )
    return "; ".join(lines) + ": as clip_global_norm."
