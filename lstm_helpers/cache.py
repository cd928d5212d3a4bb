"""A small on-disk cache for trained models' results, under ``build/cache``.

A result is stored under a key: the SHA-256 of a JSON description of
everything that determines it (data digest, configuration, seed, package
versions). Change any of them and the key changes, so the model trains anew;
change none and a rerun loads the stored result.

Clear it with ``python -m lstm_helpers.cache clear`` (or ``make clean-cache``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from lstm_helpers.paths import BUILD_DIR

CACHE_ENV = "LSTM_COURSE_CACHE"


def cache_dir() -> Path:
    """The cache folder: ``$LSTM_COURSE_CACHE`` if set, else ``build/cache/models``.

    Read at every call, so worker processes and tests that set the variable agree.
    """
    return Path(os.environ.get(CACHE_ENV, BUILD_DIR / "cache" / "models"))


def versions() -> dict[str, str]:
    """Versions of the packages that change what a model learns."""
    found = {"python": sys.version.split()[0]}
    for name in ("numpy", "tensorflow", "tensorflow-cpu", "keras", "scikit-learn"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def array_digest(*arrays: np.ndarray) -> str:
    """SHA-256 of the arrays' shapes, dtypes and bytes."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def make_key(info: dict[str, Any]) -> str:
    """The cache key of a JSON-serialisable description."""
    text = json.dumps(info, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _folder(key: str, root: Path | None = None) -> Path:
    return (root or cache_dir()) / key


def load(key: str, root: Path | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
    """The arrays and metadata stored under ``key``, or None if there is no complete entry."""
    folder = _folder(key, root)
    arrays, meta = folder / "arrays.npz", folder / "meta.json"
    if not (arrays.exists() and meta.exists()):
        return None
    with np.load(arrays) as npz:
        loaded = {k: npz[k] for k in npz.files}
    return loaded, json.loads(meta.read_text())


def save(key: str, arrays: dict[str, np.ndarray], meta: dict[str, Any], root: Path | None = None) -> Path:
    """Store arrays and metadata under ``key``; written to a temporary folder, then moved into place."""
    folder = _folder(key, root)
    tmp = folder.with_name(f".{key}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.savez(tmp / "arrays.npz", **arrays)
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1, default=str))
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return folder


def clear(root: Path | None = None) -> int:
    """Delete every cached entry; returns how many there were."""
    root = root or cache_dir()
    if not root.exists():
        return 0
    count = sum(1 for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    shutil.rmtree(root)
    return count


def main(argv: list[str] | None = None) -> int:
    """``python -m lstm_helpers.cache clear|info``."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["clear"]:
        print(f"removed {clear()} cached result(s) from {cache_dir()}")
        return 0
    if args == ["info"]:
        folder = cache_dir()
        entries = [p for p in folder.glob("*") if p.is_dir()] if folder.exists() else []
        print(f"{len(entries)} cached result(s) in {folder}")
        return 0
    print("usage: python -m lstm_helpers.cache clear|info", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
