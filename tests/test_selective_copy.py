import numpy as np
import pytest

from lstm_helpers.lessons.selective_copy import chance, copy_accuracy, selective_copy


def test_the_answer_is_the_marked_tokens_in_order():
    X, y = selective_copy(50, 40, 4, 6, seed=1)
    assert X.shape == (50, 40, 7) and y.shape == (50, 4) and X.dtype == np.float32
    assert (X[:, :, :6].sum(axis=-1) == 1).all()  # one token a step
    assert (X[:, :, 6].sum(axis=1) == 4).all()  # k marks a sequence
    for seq, answer in zip(X, y, strict=True):
        marked = np.flatnonzero(seq[:, 6])
        assert list(seq[marked, :6].argmax(axis=1)) == list(answer)
    # planted: the marked tokens read back to front are another answer
    assert (y[:, ::-1] != y).any()


def test_the_marks_fall_anywhere_and_the_seed_decides():
    X, _ = selective_copy(2000, 30, 3, 4, seed=2)
    where = X[:, :, 4].mean(axis=0)  # share of sequences marked at each step
    assert where.min() > 0.05 and where.max() < 0.15  # about 3 / 30 everywhere
    again, _ = selective_copy(2000, 30, 3, 4, seed=2)
    other, _ = selective_copy(2000, 30, 3, 4, seed=3)
    assert np.array_equal(X, again) and not np.array_equal(X, other)


def test_accuracy_and_chance():
    _, y = selective_copy(1000, 20, 5, 8, seed=4)
    perfect = np.eye(8)[y]
    assert copy_accuracy(perfect, y) == 1.0
    rng = np.random.default_rng(0)
    guess = rng.random((1000, 5, 8))
    assert abs(copy_accuracy(guess, y) - chance(8)) < 0.03
    with pytest.raises(ValueError, match="do not match"):
        copy_accuracy(perfect[:, :4], y)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="at least k"):
        selective_copy(5, 3, 4, 6)
    with pytest.raises(ValueError, match="vocab must be"):
        selective_copy(5, 10, 2, 1)
    with pytest.raises(ValueError, match="k must be"):
        selective_copy(5, 10, 0, 4)
