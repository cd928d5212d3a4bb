"""Helpers for the lstm-course lessons, one layer per subpackage.

The layers, lowest first; a module imports only from its own layer and the
layers above it in this list (``tests/test_init.py`` checks both that and that
this list names every subpackage and top-level module):

- :mod:`lstm_helpers.paths`, :mod:`lstm_helpers.source`, :mod:`lstm_helpers.tf_quiet`:
  where the course keeps its files, ``show_source``, TensorFlow imported quietly
- :mod:`lstm_helpers.data`        price files, tickers, the split, the windows
- :mod:`lstm_helpers.evaluation`  baselines, benchmarks, metrics, significance,
  direction, bands
- :mod:`lstm_helpers.numpy_lstm`  the LSTM (and plain RNN) cell in NumPy, forward and
  backward
- :mod:`lstm_helpers.models`      the Keras networks, one configuration type per module
- :mod:`lstm_helpers.training`    one cached path for every model: jobs, the key, the
  cache, the scheduler
- :mod:`lstm_helpers.lessons`     the code behind each lesson's experiment, its pictures
  and tables
- :mod:`lstm_helpers.checks`      the exercises' automatic checks (one module per
  lesson)
- :mod:`lstm_helpers.course`      running, publishing, copying, grading and building the
  course

Each subpackage's ``__init__`` lists its modules. Modules that need TensorFlow
import it themselves (through :mod:`lstm_helpers.tf_quiet`), so ``import
lstm_helpers`` stays fast.
"""

from lstm_helpers.paths import BUILD_DIR, DATA_DIR, NOTEBOOK_DIR, REPO_ROOT
from lstm_helpers.source import show_source

__all__ = ["BUILD_DIR", "DATA_DIR", "NOTEBOOK_DIR", "REPO_ROOT", "show_source"]
__version__ = "0.1.0"

LAYERS = (
    "paths source tf_quiet",
    "data",
    "evaluation",
    "numpy_lstm",
    "models",
    "training",
    "lessons",
    "checks",
    "course",
)
"""The layers, lowest first (names of subpackages or top-level modules): a module may
import from its own layer and the ones before it, never from a later one."""
