"""Tests of lstm_helpers.source: show_source prints the package's own code, whole or in
part."""

import pytest

from lstm_helpers.source import show_source


def sample(x):
    """Doc."""
    y = x + 1
    z = y * 2
    return z


def test_whole_and_part(capsys):
    show_source(sample)
    assert capsys.readouterr().out.startswith("def sample(x):")
    show_source(sample, start="y = x + 1", end="z = y * 2")
    assert capsys.readouterr().out.splitlines() == [
        "def sample(x):",
        "    ...",
        "    y = x + 1",
        "    z = y * 2",
        "    ...",
    ]
    with pytest.raises(ValueError, match="not in the source"):
        show_source(sample, start="w = 3")
    with pytest.raises(ValueError, match="does not follow"):
        show_source(sample, start="z = y", end="y = x")
