"""Helpers for the lstm-course lessons.

Each module holds one thing a lesson teaches or repeats:

- :mod:`lstm_helpers.data`      loading and validating the price files
- :mod:`lstm_helpers.windows`   the report's scaling and 60-day windows
- :mod:`lstm_helpers.baselines` persistence, simple and exponential moving averages
- :mod:`lstm_helpers.metrics`   forecast metrics and tests
- :mod:`lstm_helpers.numpy_lstm` the LSTM cell in NumPy, forward and backward
- :mod:`lstm_helpers.course`    the papermill runner behind ``make course``

Modules that need TensorFlow import it themselves, so ``import lstm_helpers``
stays fast.
"""

from lstm_helpers.paths import BUILD_DIR, DATA_DIR, NOTEBOOK_DIR, REPO_ROOT
from lstm_helpers.source import show_source

__all__ = ["BUILD_DIR", "DATA_DIR", "NOTEBOOK_DIR", "REPO_ROOT", "show_source"]
__version__ = "0.1.0"
