"""Where the course keeps its data, its lessons and what it builds.

Every path is derived from this file's location, so the lessons work from any
working directory. ``LSTM_COURSE_BUILD`` moves the build folder elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
DATA_DIR: Path = REPO_ROOT / "data"
NOTEBOOK_DIR: Path = REPO_ROOT / "notebooks"
BUILD_DIR: Path = Path(os.environ.get("LSTM_COURSE_BUILD", REPO_ROOT / "build"))
