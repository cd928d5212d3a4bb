"""Helpers for the lstm-course lessons.

Each module holds one thing a lesson teaches or repeats:

- :mod:`lstm_helpers.data`         loading and validating the price files
- :mod:`lstm_helpers.windows`      the report's scaling and 60-day windows, and the level-free variants
- :mod:`lstm_helpers.baselines`    persistence, simple and exponential moving averages
- :mod:`lstm_helpers.metrics`      forecast metrics and the lagged correlation
- :mod:`lstm_helpers.significance` the Diebold-Mariano test and paired comparisons
- :mod:`lstm_helpers.numpy_lstm`   the LSTM (and plain RNN) cell in NumPy, forward and backward (a package)
- :mod:`lstm_helpers.diagrams`     the RNN and LSTM cell diagrams of the cell lesson
- :mod:`lstm_helpers.gate_model`   the cell lesson's small Keras LSTM, its weights cached
- :mod:`lstm_helpers.gate_analysis` calm and volatile windows, and the gates over them
- :mod:`lstm_helpers.gradient_paths` the learning lesson's two gradient-path products
- :mod:`lstm_helpers.memory_task`  the memory lesson's adding problem and its RNN / LSTM / GRU
- :mod:`lstm_helpers.memory_experiment` the memory lesson's runs, and the look inside the trained cells
- :mod:`lstm_helpers.models`       the report's Keras networks, each a configuration that builds its model
- :mod:`lstm_helpers.training`, :mod:`lstm_helpers.scheduler` one seeded, cached, parallel training path
- :mod:`lstm_helpers.experiments`  the experiments lesson's comparison of models x stocks x seeds
- :mod:`lstm_helpers.literature`, :mod:`lstm_helpers.walkforward` the last lesson: Castilla's network,
  the classifier, walk-forward
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
