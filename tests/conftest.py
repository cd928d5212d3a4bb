"""Shared test setup.

The notebook checks (nbval) run every lesson in the ``quick`` profile: the
kernels nbval starts inherit this environment variable.
"""

import os

os.environ["LSTM_COURSE_PROFILE"] = "quick"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
