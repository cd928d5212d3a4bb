"""Import TensorFlow and Keras without their C++ start-up lines on stderr.

TensorFlow prints a few informational lines from C++ when it loads (oneDNN,
CPU features) that no environment variable silences in this version, and
Jupyter captures them into the notebook. Importing this module first loads
TensorFlow with the process's stderr pointed at /dev/null for the duration
of the import only; Python exceptions still propagate. Later imports of
``tensorflow`` or ``keras`` anywhere are then silent. TensorFlow's Python
logger is set to show errors only.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _import_quietly() -> None:
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import keras  # noqa: F401
        import tensorflow  # noqa: F401

    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_quietly()

import keras  # noqa: E402 - already loaded above, now silent
import tensorflow as tf  # noqa: E402

__all__ = ["keras", "tf"]

# Python-side warnings such as "triggered tf.function retracing" (each training run
# builds its own model, so retracing is expected here) would otherwise land in the
# lessons too.
tf.get_logger().setLevel("ERROR")
