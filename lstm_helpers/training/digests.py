"""What a cache key is made of, and what is recorded beside it.

A training job's key (:func:`job_key`) hashes a JSON description of everything
that determines its result (:func:`job_info`): the configuration, the seed,
digests of the arrays (:func:`array_digest`), the versions of the packages
that compute a model (:func:`versions`) and the digest of the code of its model
family (:func:`family_code`): the shared training path (the module that defines
:class:`~lstm_helpers.training.jobs.TrainJob`) and the module that defines the
configuration's type, found from the type itself. Editing the module of one
configuration type re-keys the models of that type and no other; moving or
renaming a module re-keys nothing (:func:`code_digest` leaves out where the
course's own imports come from). What those modules import from the rest of the
course is not digested: ``tests/test_digests.py`` lists each such name with the
reason it cannot change a trained model unkeyed (a default value that lands in a
keyed field, Keras's gate order pinned by a test, ...), and fails on any other.

Where a result was produced, Python, platform, CPU or GPU and TensorFlow's
threads (:func:`environment`), is not in the key, since it does not change the
result on one machine (see :data:`KEY_PACKAGES`); it is stored with the entry
and shown when a lesson loads it (:func:`describe_environment`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import platform
import sys
from dataclasses import asdict
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

KEY_PACKAGES = ("tensorflow", "keras", "numpy")
"""The packages whose versions are part of a key: they compute the model. Named by
import name, so TensorFlow counts by its version whichever distribution installed it
(``tensorflow``, ``tensorflow-cpu``, the macOS or CUDA builds). scikit-learn scales the
arrays before training, and those arrays are keyed by their bytes, so its version is
recorded with an entry but not keyed. Python is not keyed either: the cell lesson's
LSTM(16) (50 epochs) and the report's default model (3 epochs, dropout) trained
bit-identically under Python 3.11.7 and 3.12.1 with the same pins."""

RECORDED_DISTRIBUTIONS = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-macos",
    "keras",
    "numpy",
    "scikit-learn",
    "pandas",
)
"""The distributions whose versions :func:`environment` records with every trained
entry."""


def versions() -> dict[str, str]:
    """The versions of :data:`KEY_PACKAGES`, by import name (what a key holds)."""
    # TensorFlow without its C++ start-up lines
    from lstm_helpers.tf_quiet import keras, tf

    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
    }


def environment() -> dict[str, Any]:
    """Where a result is produced: Python, platform, CPU or GPU, and the installed
    package versions.

    Stored with every trained entry (not part of its key), and shown where a lesson
    loads results produced elsewhere (:func:`describe_environment`).
    """
    from lstm_helpers.tf_quiet import tf

    gpus = tf.config.list_physical_devices("GPU")
    packages = {}
    for name in RECORDED_DISTRIBUTIONS:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            continue
    return {
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "device": f"GPU ({len(gpus)})" if gpus else "CPU",
        "threads": {
            "intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op": tf.config.threading.get_inter_op_parallelism_threads(),
        },
        "packages": packages,
    }


def describe_environment(env: dict[str, Any] | None) -> str:
    """One line for a recorded :func:`environment`: ``Linux x86_64, Python 3.11.7, CPU,
    TensorFlow 2.21.0``."""
    if not env:
        return "an unrecorded environment"
    packages = env.get("packages", {})
    tf_version = next(
        (
            packages[n]
            for n in ("tensorflow", "tensorflow-cpu", "tensorflow-macos")
            if n in packages
        ),
        None,
    )
    parts = [
        env.get("platform", "?"),
        f"Python {env.get('python', '?')}",
        env.get("device", "?"),
    ]
    if tf_version:
        parts.append(f"TensorFlow {tf_version}")
    return ", ".join(parts)


def array_digest(*arrays: np.ndarray | None) -> str:
    """SHA-256 of the arrays' shapes, dtypes and bytes (``None`` counts as an array of
    its own)."""
    h = hashlib.sha256()
    for a in arrays:
        if a is None:
            h.update(b"None;")
            continue
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype};".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _strip_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(
                node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
            )
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return tree


_PACKAGE = __name__.split(".")[0]


class _Imports(ast.NodeTransformer):
    """Takes every import statement out of a tree and collects what it binds, in a
    canonical form.

    An import of the course's own package is reduced to the names it binds (where the
    module lives is not what the code computes: moving it leaves the digest alone, while
    the code of the modules that compute a result is digested separately); any other
    import keeps its module.
    """

    def __init__(self) -> None:
        self.bound: set[tuple[str, str, str]] = set()

    def _own(self, module: str, level: int) -> bool:
        return level > 0 or module == _PACKAGE or module.startswith(_PACKAGE + ".")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            module = "<course>" if self._own(alias.name, 0) else alias.name
            self.bound.add((module, "", alias.asname or alias.name.split(".")[0]))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        source = "<course>" if self._own(module, node.level) else module
        for alias in node.names:
            self.bound.add((source, alias.name, alias.asname or alias.name))

    def generic_visit(self, node: ast.AST) -> ast.AST:
        super().generic_visit(node)
        if getattr(node, "body", None) == [] and not isinstance(node, ast.Module):
            node.body = [ast.Pass()]  # a block whose only statement was an import
        return node


def _canonical(node: Any) -> str:
    """A tree as text that the same code gives under every Python the course supports.

    ``ast.dump`` is not that: Python 3.12 added fields (``type_params``) that
    it prints as ``[]``, 3.13 stopped printing empty fields, and 3.12's
    f-string parser (PEP 701) leaves empty text pieces in some f-strings.
    Here a field that is None or an empty list is left out, so is an empty
    piece of an f-string, and positions are never shown.
    """
    if isinstance(node, ast.JoinedStr):
        node = ast.JoinedStr(
            values=[
                v
                for v in node.values
                if not (isinstance(v, ast.Constant) and v.value == "")
            ]
        )
    if isinstance(node, ast.AST):
        fields = [
            f"{name}={_canonical(value)}"
            for name, value in ast.iter_fields(node)
            if value is not None and not (isinstance(value, list) and not value)
        ]
        return f"{type(node).__name__}({','.join(fields)})"
    if isinstance(node, list):
        return "[" + ",".join(_canonical(item) for item in node) + "]"
    return repr(node)


def code_digest(*modules: ModuleType) -> str:
    """SHA-256 of what the modules' code computes, ignoring comments, docstrings, layout
    and imports' places.

    Any change to what the code does (a statement, a constant, a default, a
    name imported from another package) changes the digest. Rewording a
    docstring or a comment does not, nor does reordering import lines, moving
    an import, or moving or renaming a module (its name and where the course's
    own imports come from are not digested). The same code gives the same
    digest under Python 3.11, 3.12 and 3.13.
    """
    h = hashlib.sha256()
    for module in modules:
        source = Path(module.__file__).read_text()  # type: ignore[arg-type]
        imports = _Imports()
        tree = imports.visit(_strip_docstrings(ast.parse(source)))
        h.update(_canonical(tree).encode())
        h.update(json.dumps(sorted(imports.bound)).encode())
    return h.hexdigest()


def make_key(info: dict[str, Any]) -> str:
    """The cache key of a JSON-serialisable description (24 hex digits of its
    SHA-256)."""
    text = json.dumps(info, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _module_of(obj: Any) -> ModuleType:
    name = type(obj).__module__
    module = sys.modules.get(name)
    if module is None or not getattr(module, "__file__", None):
        raise ValueError(
            f"{type(obj).__name__} is defined in {name!r}, which "
            "has no source file: a configuration "
            "type must be defined in a module, so that its code can be "
            "part of the cache key"
        )
    return module


def family_code(job: Any) -> str:
    """The digest of a job's model family: the shared training path and its
    configuration's module.

    Parameters
    ----------
    job : TrainJob
        Its type's module is the shared training path
        (:mod:`lstm_helpers.training.jobs`); its configuration's type's module
        builds the model (for example :mod:`lstm_helpers.models.report_model`).
    """
    return code_digest(_module_of(job), _module_of(job.config))


def job_info(job: Any) -> dict[str, Any]:
    """Everything that determines a training job's output: what its cache key hashes.

    Parameters
    ----------
    job : TrainJob

    Returns
    -------
    dict
        ``config`` (its type's name and every field), ``seed``, ``data`` (a
        digest of every array), ``keep_weights``, ``versions`` (:func:`versions`)
        and ``code`` (:func:`family_code`).
    """
    return {
        "config": {"type": type(job.config).__name__, **asdict(job.config)},
        "seed": int(job.seed),
        "data": array_digest(job.X, job.y, job.X_predict, job.X_val, job.y_val),
        "keep_weights": bool(job.keep_weights),
        "versions": versions(),
        "code": family_code(job),
    }


def job_key(job: Any) -> str:
    """The cache key of a training job (the hash of :func:`job_info`)."""
    return make_key(job_info(job))
