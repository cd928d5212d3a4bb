"""The selective-copying task: recall the marked tokens of a long sequence, in order.

Each step of a sequence carries a random token (one of ``vocab`` symbols) and a mark
(0 or 1). Exactly ``k`` steps are marked, at random places; the target, given after the
last step, is the marked tokens in the order they came. A model must decide, token by
token, what to keep (the marked ones) and what to let pass, and hold what it kept for
as long as the sequence runs: the kind of choice a gate that reads its input makes.
Gu and Dao (2023, "Mamba", arXiv:2312.00752) use a task of this kind to show why a
recurrence needs gates that depend on the input; the memory lesson's adding problem
asks for two values, this one for ``k`` in order.

:func:`selective_copy` makes the data; :func:`copy_accuracy` scores a model's
answers; :data:`chance` is what guessing scores.
"""

from __future__ import annotations

import numpy as np


def selective_copy(
    n: int, length: int, k: int, vocab: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of the selective-copying task.

    Parameters
    ----------
    n : int
        How many sequences.
    length : int
        Steps per sequence, at least ``k``.
    k : int
        Marked steps per sequence, at least 1.
    vocab : int
        Symbols a token is drawn from, at least 2.
    seed : int
        Seeds the tokens and the places of the marks.

    Returns
    -------
    X : ndarray, shape (n, length, vocab + 1), float32
        Each step: the token one-hot (``vocab`` columns), then the mark.
    y : ndarray, shape (n, k), int
        The marked tokens, in order.
    """
    for name, value, least in (("n", n, 1), ("k", k, 1), ("vocab", vocab, 2)):
        if int(value) != value or value < least:
            raise ValueError(f"{name} must be a whole number >= {least}, got {value}")
    if length < k:
        raise ValueError(f"length ({length}) must be at least k ({k})")
    rng = np.random.default_rng(seed)
    tokens = rng.integers(0, vocab, (n, length))
    places = np.sort(rng.random((n, length)).argsort(axis=1)[:, :k], axis=1)
    X = np.zeros((n, length, vocab + 1), dtype="float32")
    X[np.arange(n)[:, None], np.arange(length)[None, :], tokens] = 1.0
    X[np.arange(n)[:, None], places, vocab] = 1.0
    y = np.take_along_axis(tokens, places, axis=1)
    return X, y


def copy_accuracy(probabilities: np.ndarray, y: np.ndarray) -> float:
    """The share of recalled tokens that are right: ``probabilities`` (n, k, vocab), one
    distribution per marked token, against ``y`` (n, k)."""
    probabilities, y = np.asarray(probabilities), np.asarray(y)
    if probabilities.shape[:2] != y.shape:
        raise ValueError(
            f"probabilities {probabilities.shape} do not match the targets {y.shape}"
        )
    return float(np.mean(probabilities.argmax(axis=-1) == y))


def chance(vocab: int) -> float:
    """What guessing a token scores: ``1 / vocab``."""
    return 1.0 / vocab
