"""Helpers for the lstm-course lessons.

Each module holds one thing a lesson teaches or repeats (``tests/test_init.py``
checks that this list names every module):

Data and splits
- :mod:`lstm_helpers.data`          loading and validating one price file
- :mod:`lstm_helpers.tickers`       finding and loading tickers in a data folder
- :mod:`lstm_helpers.periods`       which days train and which test (the report's split, or one from the data)
- :mod:`lstm_helpers.windows`       the report's scaling and 60-day windows, and the level-free variants
- :mod:`lstm_helpers.ohlc_windows`  windows of the Open, High, Low and Close

Forecasts without a network, and how to score them
- :mod:`lstm_helpers.baselines`     persistence, simple and exponential moving averages
- :mod:`lstm_helpers.benchmarks`    drift, the AR on returns, the target from the Close: the one list of benchmarks
- :mod:`lstm_helpers.metrics`       forecast metrics and the lagged correlation
- :mod:`lstm_helpers.scaled_errors` MASE and the ratio to persistence
- :mod:`lstm_helpers.significance`  the Diebold-Mariano test and paired comparisons
- :mod:`lstm_helpers.direction`     direction calls against a constant answer, with a binomial test
- :mod:`lstm_helpers.input_checks`  the argument checks the scoring modules share

The cell, in NumPy and in Keras
- :mod:`lstm_helpers.numpy_lstm`    the LSTM (and plain RNN) cell in NumPy, forward and backward (a package)
- :mod:`lstm_helpers.diagrams`      the RNN and LSTM cell diagrams of the cell lesson
- :mod:`lstm_helpers.gate_model`    the cell lesson's small Keras LSTM, its weights cached
- :mod:`lstm_helpers.gate_analysis` calm and volatile windows, and the gates over them
- :mod:`lstm_helpers.gradient_paths` the learning lesson's two gradient-path products
- :mod:`lstm_helpers.memory_task`   the memory lesson's adding problem and its RNN / LSTM / GRU
- :mod:`lstm_helpers.memory_experiment` the memory lesson's runs, and the look inside the trained cells

Training, once, cached
- :mod:`lstm_helpers.models`        the report's Keras networks, each a configuration that builds its model
- :mod:`lstm_helpers.training`      one seeded training run, and the key of everything that determines it
- :mod:`lstm_helpers.scheduler`     the one cached, parallel path every model goes through
- :mod:`lstm_helpers.cache`         the store of results: the local cache and the published results
- :mod:`lstm_helpers.digests`       what a key is made of, and the environment recorded beside a result
- :mod:`lstm_helpers.forecasting`   a model's forecasts of the test days, in dollars
- :mod:`lstm_helpers.tf_quiet`      TensorFlow and Keras imported without their start-up lines

The lessons' comparisons
- :mod:`lstm_helpers.experiments`   the experiments lesson's models x stocks x seeds
- :mod:`lstm_helpers.literature`    the report's other literature designs (Castilla's network, the classifier)
- :mod:`lstm_helpers.report_account` the readings of the report's code, trained and scored against its table
- :mod:`lstm_helpers.walkforward`   walk-forward evaluation

Many days ahead
- :mod:`lstm_helpers.multi_step`    windows for horizons 1..H, the four strategies, scores by horizon
- :mod:`lstm_helpers.multi_step_models` the multi-step networks (one LSTM with 1 or H outputs, an encoder-decoder)
- :mod:`lstm_helpers.prediction_bands` random-walk and empirical bands, their coverage and width

Running, publishing and teaching the course
- :mod:`lstm_helpers.profiles`      the quick / standard / full settings of every lesson
- :mod:`lstm_helpers.runner`        executing the lessons with papermill
- :mod:`lstm_helpers.course`        the command line behind ``make course``
- :mod:`lstm_helpers.publishing`    publishing a standard run: the results and the notebooks
- :mod:`lstm_helpers.checks`        the exercises' automatic checks (a package: one module per lesson)
- :mod:`lstm_helpers.grading`       grading a class: every learner copy run, its checks tabulated
- :mod:`lstm_helpers.exercise_copies` the learner copies of the lessons
- :mod:`lstm_helpers.book`          the course as a website: the book's sources assembled, Sphinx run
- :mod:`lstm_helpers.plots`         plots drawn more than once
- :mod:`lstm_helpers.source`        ``show_source``: the package's code shown in a lesson
- :mod:`lstm_helpers.paths`         where the course keeps its data, lessons and builds

Modules that need TensorFlow import it themselves (through
:mod:`lstm_helpers.tf_quiet`), so ``import lstm_helpers`` stays fast.
"""

from lstm_helpers.paths import BUILD_DIR, DATA_DIR, NOTEBOOK_DIR, REPO_ROOT
from lstm_helpers.source import show_source

__all__ = ["BUILD_DIR", "DATA_DIR", "NOTEBOOK_DIR", "REPO_ROOT", "show_source"]
__version__ = "0.1.0"
