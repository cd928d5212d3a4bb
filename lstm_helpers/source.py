"""Show a helper's source inside a lesson, so the code taught is the code run."""

from __future__ import annotations

import inspect
from typing import Any


def show_source(obj: Any) -> None:
    """Print the source code of a function, class or module from the package.

    The lessons call this instead of copying code into a cell: what a learner
    reads is exactly what the package executes.

    Parameters
    ----------
    obj : function, class or module
        Anything :func:`inspect.getsource` accepts.
    """
    print(inspect.getsource(obj))
