"""The store of trained models' results: one file per key, written atomically.

A result (named arrays plus JSON metadata) is stored under a key, the SHA-256
of a JSON description of everything that determines it (see
:func:`lstm_helpers.training.digests.job_info`). Two places are searched, in order:

1. the local cache, ``build/cache/models`` or ``$LSTM_COURSE_CACHE``, which
   every training run writes to;
2. the published results committed with the course, ``results/models`` or
   ``$LSTM_COURSE_RESULTS``, read-only (``make publish`` refreshes them).

``$LSTM_COURSE_RETRAIN=1`` makes every lookup miss, so everything trains anew.
The runner's ``--retrain`` sets it to the run's start time instead (seconds since
the epoch): then a local entry written since that time counts (a model retrained by
an earlier lesson of the same run is not trained twice), and nothing older does.
``$LSTM_COURSE_PUBLISHED_ONLY=1`` searches the
published results alone (how ``make publish`` and the tests check that the
committed notebooks are what the published results give).

Every entry is a single ``KEY.npz`` file. It is written to a temporary file in
the same folder and renamed into place with :func:`os.replace`, which is atomic:
a reader sees the old entry, the new one or none, never half of one, and two
processes saving the same key at once both succeed (the last rename wins; both
wrote a complete result). An entry that cannot be read (a killed run, a full
disk, a file edited by hand) is reported with one :class:`CacheWarning`,
removed and treated as missing, so its model is retrained. Temporary files of
crashed writes are removed when they are older than :data:`STALE_SECONDS`.

Clear the local cache with ``python -m lstm_helpers.training.cache clear`` (``make
clean-cache``).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import time
import uuid
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from lstm_helpers.paths import BUILD_DIR, REPO_ROOT

CACHE_ENV = "LSTM_COURSE_CACHE"
RESULTS_ENV = "LSTM_COURSE_RESULTS"
RETRAIN_ENV = "LSTM_COURSE_RETRAIN"
PUBLISHED_ONLY_ENV = "LSTM_COURSE_PUBLISHED_ONLY"
STALE_SECONDS = 600.0
"""A temporary file older than this is a leftover of a crashed write (a write takes
milliseconds)."""

_META = "__meta__"
_SUFFIX = ".npz"


class CacheWarning(UserWarning):
    """A cache entry was damaged and has been removed (its model will be retrained)."""


def cache_dir() -> Path:
    """The local cache folder: ``$LSTM_COURSE_CACHE`` if set, else
    ``build/cache/models``.

    Read at every call, so worker processes and tests that set the variable agree.
    """
    return Path(os.environ.get(CACHE_ENV, BUILD_DIR / "cache" / "models"))


PROFILES_NAME = "profiles.json"
"""Beside the published entries: which profile's run used each key (``make publish``
writes it). A count over "the published runs" reads the standard run's keys from it."""


def published_keys(root: Path | None = None, profile: str = "standard") -> list[str]:
    """The keys of the published entries that ``profile``'s run used; every stored key
    where no :data:`PROFILES_NAME` says so."""
    root = root or results_dir()
    listed = root / PROFILES_NAME
    if not listed.exists():
        return keys(root)
    stored = set(keys(root))
    return [
        k
        for k in json.loads(listed.read_text(encoding="utf-8"))[profile]
        if k in stored
    ]


def results_dir() -> Path:
    """The published results: ``$LSTM_COURSE_RESULTS`` if set, else ``results/models``
    in the repository."""
    return Path(os.environ.get(RESULTS_ENV, REPO_ROOT / "results" / "models"))


def retraining() -> bool:
    """True when ``$LSTM_COURSE_RETRAIN`` asks to ignore the stored results (all, or
    those older than a time)."""
    return os.environ.get(RETRAIN_ENV, "") not in ("", "0")


def retrained_since() -> float | None:
    """The start of the retraining run (seconds since the epoch) when
    ``$LSTM_COURSE_RETRAIN`` holds one."""
    value = os.environ.get(RETRAIN_ENV, "")
    try:
        since = float(value)
    except ValueError:
        return None
    return since if since > 1e9 else None  # "1" asks to ignore everything


def published_only() -> bool:
    """True when ``$LSTM_COURSE_PUBLISHED_ONLY`` asks to use the published results and
    nothing else."""
    return os.environ.get(PUBLISHED_ONLY_ENV, "") not in ("", "0")


# --------------------------------------------------------------------------
# Reading and writing entries
# --------------------------------------------------------------------------


def entry_path(key: str, root: Path | None = None) -> Path:
    """The file that holds ``key`` in ``root`` (default: the local cache)."""
    return (root or cache_dir()) / f"{key}{_SUFFIX}"


def _read(path: Path, key: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    with path.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(arrays.pop(_META).tobytes().decode())
    if meta.get("key") != key:
        raise ValueError(f"the entry says it holds key {meta.get('key')!r}")
    return arrays, meta


def load(
    key: str, root: Path | None = None, remove_damaged: bool = True
) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The arrays and metadata stored under ``key`` in ``root``, or None.

    A damaged entry gives one :class:`CacheWarning` and None; with
    ``remove_damaged`` (the default) its file is deleted so that the model is
    trained and stored anew.
    """
    path = entry_path(key, root)
    if not path.is_file():
        return None
    try:
        return _read(path, key)
    except (
        OSError,
        ValueError,
        KeyError,
        EOFError,
        zipfile.BadZipFile,
        UnicodeDecodeError,
    ) as err:
        action = "removed; its model will be retrained" if remove_damaged else "ignored"
        warnings.warn(
            f"damaged cache entry {path} ({type(err).__name__}: {err}): {action}",
            CacheWarning,
            stacklevel=2,
        )
        if remove_damaged:
            path.unlink(missing_ok=True)
        return None


def lookup(key: str) -> tuple[dict[str, np.ndarray], dict[str, Any], str] | None:
    """Find ``key`` in the local cache, then in the published results.

    Returns
    -------
    (arrays, meta, source) or None
        ``source`` is ``"cache"`` or ``"published"``. While :func:`retraining`,
        only a local entry written since :func:`retrained_since` (else None);
        never ``"cache"`` while :func:`published_only`.
    """
    if retraining():
        since, path = retrained_since(), entry_path(key)
        if since is None or not path.is_file() or path.stat().st_mtime < since:
            return None
        found = load(key)
        return None if found is None else (*found, "cache")
    found = None if published_only() else load(key)
    if found is not None:
        return (*found, "cache")
    # never delete committed files
    found = load(key, results_dir(), remove_damaged=False)
    if found is not None:
        return (*found, "published")
    return None


def save(
    key: str,
    arrays: dict[str, np.ndarray],
    meta: dict[str, Any],
    root: Path | None = None,
) -> Path:
    """Store ``arrays`` and ``meta`` under ``key``, atomically.

    The entry is written to a uniquely named temporary file next to it, flushed
    to disk, then renamed over ``KEY.npz``; concurrent writers of one key never
    fail and never leave a partial entry.
    """
    if _META in arrays:
        raise ValueError(f"{_META!r} is reserved for the metadata")
    root = root or cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    clean_leftovers(root)
    final = entry_path(key, root)
    tmp = root / f".{key}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    payload = json.dumps({**meta, "key": key}, default=str).encode()
    buffer = io.BytesIO()
    np.savez(buffer, **arrays, **{_META: np.frombuffer(payload, dtype=np.uint8)})
    try:
        with tmp.open("wb") as fh:
            fh.write(buffer.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    return final


def clean_leftovers(root: Path | None = None, older_than: float = STALE_SECONDS) -> int:
    """Remove temporary files of crashed writes (older than ``older_than`` seconds);
    returns how many."""
    root = root or cache_dir()
    if not root.is_dir():
        return 0
    now, removed = time.time(), 0
    for tmp in root.glob(".*.tmp"):
        try:
            if now - tmp.stat().st_mtime > older_than:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:  # another process cleaned it first
            continue
    return removed


def keys(root: Path | None = None) -> list[str]:
    """The keys stored in ``root`` (default: the local cache), sorted."""
    root = root or cache_dir()
    return (
        sorted(p.name[: -len(_SUFFIX)] for p in root.glob(f"*{_SUFFIX}"))
        if root.is_dir()
        else []
    )


def clear(root: Path | None = None) -> int:
    """Delete the local cache folder; returns how many entries it held."""
    root = root or cache_dir()
    if not root.exists():
        return 0
    count = len(keys(root))
    shutil.rmtree(root)
    return count


def main(argv: list[str] | None = None) -> int:
    """``python -m lstm_helpers.training.cache clear|info``."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["clear"]:
        print(f"removed {clear()} cached result(s) from {cache_dir()}")
        return 0
    if args == ["info"]:
        print(f"{len(keys())} cached result(s) in {cache_dir()}")
        print(f"{len(keys(results_dir()))} published result(s) in {results_dir()}")
        return 0
    print("usage: python -m lstm_helpers.training.cache clear|info", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
