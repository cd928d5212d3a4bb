"""Shared test setup.

The notebook checks (nbval) run every lesson in the ``quick`` profile: the
kernels nbval starts inherit this environment variable.
"""

import os

import pytest

os.environ["LSTM_COURSE_PROFILE"] = "quick"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """A private, empty model cache for one test (worker processes see it too)."""
    from lstm_helpers import cache

    folder = tmp_path / "models"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder
