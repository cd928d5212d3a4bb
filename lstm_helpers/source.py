"""Show a helper's source inside a lesson, so the code taught is the code run."""

from __future__ import annotations

import inspect
from typing import Any


def show_source(obj: Any, start: str | None = None, end: str | None = None) -> None:
    """Print the source code of a function, class or module from the package, whole or
    in part.

    The lessons call this instead of copying code into a cell: what a learner
    reads is exactly what the package executes. With ``start`` (and ``end``)
    only the lines from the first one containing ``start`` to the first one
    after it containing ``end`` are printed, under the object's first line,
    so that a lesson can show the few lines that matter of a long function.

    Parameters
    ----------
    obj : function, class or module
        Anything :func:`inspect.getsource` accepts.
    start, end : str, optional
        Text of the first and of the last line to show.

    Raises
    ------
    ValueError
        If ``start`` or ``end`` is not found (the source changed: the lesson must
        follow).
    """
    source = inspect.getsource(obj)
    if start is None:
        print(source)
        return
    lines = source.splitlines()
    first = next((k for k, line in enumerate(lines) if start in line), None)
    if first is None:
        raise ValueError(
            f"{start!r} is not in the source of {getattr(obj, '__qualname__', obj)}"
        )
    last = len(lines) - 1
    if end is not None:
        last = next((k for k in range(first, len(lines)) if end in lines[k]), None)
        if last is None:
            raise ValueError(
                f"{end!r} does not follow {start!r} in the source of "
                f"{getattr(obj, '__qualname__', obj)}"
            )
    head = [lines[0], "    ..."] if first > 1 else lines[:first]
    tail = ["    ..."] if last < len(lines) - 1 else []
    print("\n".join([*head, *lines[first : last + 1], *tail]))
