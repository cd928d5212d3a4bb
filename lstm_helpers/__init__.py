"""Helpers for the lstm-course lessons.

Each module holds one thing a lesson teaches or repeats:

- :mod:`lstm_helpers.data`         loading and validating the price files
- :mod:`lstm_helpers.windows`      the report's scaling and 60-day windows, and the level-free variants
- :mod:`lstm_helpers.baselines`    persistence, simple and exponential moving averages
- :mod:`lstm_helpers.metrics`      forecast metrics and the lagged correlation
- :mod:`lstm_helpers.significance` the Diebold-Mariano test and paired comparisons
- :mod:`lstm_helpers.numpy_lstm`   the LSTM (and plain RNN) cell in NumPy, forward and backward (a package)
- :mod:`lstm_helpers.diagrams`     the RNN and LSTM cell diagrams of lesson 02
- :mod:`lstm_helpers.gate_model`   lesson 02's small Keras LSTM, its weights cached
- :mod:`lstm_helpers.gate_analysis` calm and volatile windows, and the gates over them
- :mod:`lstm_helpers.gradient_paths` lesson 03's two gradient-path products
- :mod:`lstm_helpers.keras_models` the report's stacked Keras model, seeded, parallel and cached training
- :mod:`lstm_helpers.experiments`  lesson 05's comparison of models x stocks x seeds
- :mod:`lstm_helpers.literature`   lesson 06: Castilla's network, the classifier, walk-forward
- :mod:`lstm_helpers.cache`        the on-disk result cache under ``build/``
- :mod:`lstm_helpers.profiles`     the quick / standard / full settings of every lesson
- :mod:`lstm_helpers.plots`        plots drawn more than once
- :mod:`lstm_helpers.course`       the papermill runner behind ``make course``

Modules that need TensorFlow import it themselves (through
:mod:`lstm_helpers.tf_quiet`), so ``import lstm_helpers`` stays fast.
"""

from lstm_helpers.paths import BUILD_DIR, DATA_DIR, NOTEBOOK_DIR, REPO_ROOT
from lstm_helpers.source import show_source

__all__ = ["BUILD_DIR", "DATA_DIR", "NOTEBOOK_DIR", "REPO_ROOT", "show_source"]
__version__ = "0.1.0"
