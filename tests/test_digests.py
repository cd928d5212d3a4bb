"""Tests of lstm_helpers.training.digests: what a key is made of (code, arrays,
versions) and the recorded environment."""

import ast
import dataclasses
import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from lstm_helpers.training import cache, digests


def _module(tmp_path, name, source):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    return types.SimpleNamespace(__name__="m", __file__=str(path))


def test_code_digest_follows_the_code_not_its_comments(tmp_path):
    base = _module(
        tmp_path, "a", 'def f(x):\n    """Doc."""\n    return x + 1  # one\n'
    )
    reworded = _module(
        tmp_path,
        "b",
        'def f(x):\n    """Other words."""\n\n    return x + 1  # comment\n',
    )
    changed = _module(tmp_path, "c", 'def f(x):\n    """Doc."""\n    return x + 2\n')
    assert digests.code_digest(base) == digests.code_digest(reworded)
    assert digests.code_digest(base) != digests.code_digest(changed)


MODULE = """from __future__ import annotations

import numpy as np
from lstm_helpers.data.windows import scale
from lstm_helpers.training import cache


def f(x):
    \"\"\"Doc.\"\"\"
    return np.sum(scale(x)) + 1
"""


def test_code_digest_survives_moved_modules_and_reordered_imports(tmp_path):
    base = _module(tmp_path, "a", MODULE)
    order = (
        "import numpy as np\nfrom lstm_helpers.data.windows "
        "import scale\nfrom lstm_helpers.training import "
        "cache\n"
    )
    assert order in MODULE  # the replacements below change the text
    reordered = _module(
        tmp_path,
        "b",
        MODULE.replace(
            order,
            "from lstm_helpers.training import cache\nimport numpy "
            "as np\nfrom lstm_helpers.windows import scale\n",
        ),
    )
    assert open(reordered.__file__).read() != MODULE
    moved = _module(
        tmp_path,
        "c",
        MODULE.replace(
            "from lstm_helpers.data.windows import scale",
            "from lstm_helpers.scaling.minmax import scale",
        ),
    )
    relative = _module(
        tmp_path,
        "d",
        MODULE.replace(
            "from lstm_helpers.data.windows import scale", "from .windows import scale"
        ),
    )
    inside = _module(
        tmp_path,
        "e",
        MODULE.replace("import numpy as np\n", "").replace(
            '    """Doc."""\n', '    """Doc."""\n    import numpy as np\n\n'
        ),
    )
    renamed = types.SimpleNamespace(
        __name__="lstm_helpers.somewhere.else_", __file__=base.__file__
    )
    found = {
        digests.code_digest(m)
        for m in (base, reordered, moved, relative, inside, renamed)
    }
    assert len(found) == 1


@pytest.mark.parametrize(
    "change",
    [
        ("+ 1", "+ 2"),  # a constant
        ("np.sum", "np.mean"),  # a call
        ("import numpy as np", "import jax.numpy as np"),  # another package computes it
        (
            "from lstm_helpers.data.windows import scale",
            "from lstm_helpers.data.windows import scale_other as scale",
        ),
    ],
    ids=["constant", "call", "other-package", "other-function"],
)
def test_code_digest_changes_with_what_the_code_computes(tmp_path, change):
    base = _module(tmp_path, "a", MODULE)
    changed = _module(tmp_path, "b", MODULE.replace(*change))
    assert changed.__file__ != base.__file__ and MODULE.replace(*change) != MODULE
    assert digests.code_digest(base) != digests.code_digest(changed)


def test_the_key_versions_are_the_computing_packages_by_import_name():
    found = digests.versions()
    # no Python, no distribution name
    assert set(found) == {"tensorflow", "keras", "numpy"}
    from lstm_helpers.tf_quiet import tf

    assert found["tensorflow"] == tf.__version__


def test_environment_is_recorded_and_described():
    env = digests.environment()
    assert env["python"].count(".") == 2 and (
        env["device"] == "CPU" or env["device"].startswith("GPU")
    )
    assert "numpy" in env["packages"]
    line = digests.describe_environment(
        {
            "python": "3.11.7",
            "platform": "Linux x86_64",
            "device": "CPU",
            "packages": {"tensorflow-cpu": "2.21.0", "numpy": "2.4.6"},
        }
    )
    assert line == "Linux x86_64, Python 3.11.7, CPU, TensorFlow 2.21.0"
    assert digests.describe_environment({}) == "an unrecorded environment"


def test_array_digest_and_make_key():
    a = np.arange(6.0)
    assert digests.array_digest(a) == digests.array_digest(a.copy())
    assert digests.array_digest(a) != digests.array_digest(a.reshape(2, 3))
    assert digests.array_digest(a) != digests.array_digest(a.astype("float32"))
    assert digests.array_digest(a, None) != digests.array_digest(None, a)
    assert digests.make_key({"a": 1, "b": 2}) == digests.make_key({"b": 2, "a": 1})
    assert digests.make_key({"a": 1}) != digests.make_key({"a": 2})


def test_the_canonical_form_ignores_what_python_versions_print_differently():
    tree = ast.parse('def f(x):\n    return f"{x:.3f} days"\n')
    with_empty = ast.parse('def f(x):\n    return f"{x:.3f} days"\n')
    function = with_empty.body[0]
    function.type_params = []  # Python 3.12 adds this field, empty
    joined = function.body[0].value
    # 3.12's parser leaves such empty pieces
    joined.values = [ast.Constant(""), *joined.values]
    assert digests._canonical(tree) == digests._canonical(with_empty)
    changed = ast.parse('def f(x):\n    return f"{x:.2f} days"\n')
    assert digests._canonical(tree) != digests._canonical(changed)


DIGEST_ALL = """
import json, pathlib, sys, types
from lstm_helpers.training import cache, digests
root = pathlib.Path(digests.__file__).parents[1]  # the package
print(json.dumps({str(p.relative_to(root)): digests.code_digest(types.SimpleNamespace(__name__=p.stem, __file__=str(p)))
                  for p in sorted(root.rglob("*.py"))}))
"""


def test_every_module_digests_the_same_under_a_second_python(second_python):
    here = subprocess.run(
        [sys.executable, "-c", DIGEST_ALL], capture_output=True, text=True, check=True
    )
    there = subprocess.run(
        [second_python, "-c", DIGEST_ALL], capture_output=True, text=True, check=True
    )
    a, b = json.loads(here.stdout), json.loads(there.stdout)
    assert len(a) > 40 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []


# --------------------------------------------------------------------------
# The key per model family, measured on the published index
# --------------------------------------------------------------------------

PACKAGE_DIR = Path(digests.__file__).resolve().parents[1]


def published_index() -> list[tuple[str, dict]]:
    """(key, info) of every published entry, read from its metadata alone."""
    out = []
    for path in sorted(cache.results_dir().glob("*.npz")):
        with np.load(path, allow_pickle=False) as npz:
            meta = json.loads(npz["__meta__"].tobytes().decode())
        out.append((path.stem, meta["info"]))
    return out


def configuration_types() -> dict[str, type]:
    """Every configuration type of the package (a dataclass that builds a model), by
    name."""
    found = {}
    for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="lstm_helpers."):
        if (
            ".course" in info.name
            or ".checks" in info.name
            or info.name.endswith("__main__")
        ):
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and dataclasses.is_dataclass(value)
                and callable(getattr(value, "build", None))
            ):
                found[value.__name__] = value
    return found


def tree_copy(tmp_path: Path) -> Path:
    root = tmp_path / "lstm_helpers"
    shutil.copytree(PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def rename(root: Path, old: str, new: str) -> None:
    """Move module ``old`` to ``new`` (dotted, below the package) and fix every import
    of it."""
    src, dst = (
        root / (old.replace(".", "/") + ".py"),
        root / (new.replace(".", "/") + ".py"),
    )
    dst.parent.mkdir(parents=True, exist_ok=True)
    (dst.parent / "__init__.py").touch()
    src.rename(dst)
    for path in root.rglob("*.py"):
        text = path.read_text()
        fixed = text.replace(f"lstm_helpers.{old}", f"lstm_helpers.{new}")
        if fixed != text:
            path.write_text(fixed)


def defining_file(root: Path, class_name: str) -> Path:
    files = [
        p
        for p in root.rglob("*.py")
        if f"\nclass {class_name}(" in p.read_text()
        or f"\nclass {class_name}:" in p.read_text()
    ]
    assert len(files) == 1, (class_name, files)
    return files[0]


def family_codes(root: Path, type_names) -> dict[str, str]:
    """The family digest of every configuration type, computed from the files of a tree.

    The same digest :func:`digests.family_code` computes at run time from the
    modules that define ``TrainJob`` and the type (``test_family_code_*`` checks that).
    """
    jobs = types.SimpleNamespace(__file__=str(defining_file(root, "TrainJob")))
    return {
        name: digests.code_digest(
            jobs, types.SimpleNamespace(__file__=str(defining_file(root, name)))
        )
        for name in type_names
    }


def rekeyed(index, before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The published entries whose key changes when the family digests go from
    ``before`` to ``after``."""
    out = set()
    for key, info in index:
        old = digests.make_key({**info, "code": before[info["config"]["type"]]})
        new = digests.make_key({**info, "code": after[info["config"]["type"]]})
        if old != new:
            out.add(key)
    return out


@pytest.fixture(scope="module")
def index():
    found = published_index()
    if not found:
        pytest.skip("no published results")
    return found


@pytest.fixture(scope="module")
def config_types():
    return configuration_types()


def test_family_code_is_the_training_path_and_the_configurations_module(config_types):
    from lstm_helpers.training import jobs

    X = np.zeros((2, 3, 1), dtype="float32")
    for name, cls in config_types.items():
        job = jobs.TrainJob(cls.__new__(cls), X, X[:, 0, 0], X)
        module = sys.modules[cls.__module__]
        assert digests.family_code(job) == digests.code_digest(jobs, module), name
        assert digests.family_code(job) == family_codes(PACKAGE_DIR, [name])[name], name


def test_a_configuration_without_a_source_file_is_refused():
    # defined in types: no file
    Config = dataclasses.make_dataclass("Config", [("units", int, 1)])
    Config.__module__ = "__main__interactive"
    from lstm_helpers.training.jobs import TrainJob

    X = np.zeros((2, 3, 1), dtype="float32")
    with pytest.raises(ValueError, match="has no source file"):
        digests.job_key(TrainJob(Config(), X, X[:, 0, 0], X))


def test_every_published_entry_has_the_family_code_of_the_current_code(
    index, config_types
):
    """A published entry whose family code changed would train on a fresh clone: CI
    fails, locally a skip."""
    current = family_codes(PACKAGE_DIR, config_types)
    stale = [
        key
        for key, info in index
        if current.get(info["config"]["type"]) != info["code"]
    ]
    if stale:
        message = (
            f"{len(stale)} of {len(index)} published entries have "
            "an older family code: make publish"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_renaming_modules_rekeys_nothing(index, config_types, tmp_path):
    before = family_codes(PACKAGE_DIR, config_types)
    root = tree_copy(tmp_path)
    rename(root, "models.report_model", "models.keras_models")
    rename(root, "training.jobs", "training.fitting")
    rename(root, "training.digests", "training.keys")
    after = family_codes(root, config_types)
    assert (root / "models" / "keras_models.py").is_file() and not (
        root / "models" / "report_model.py"
    ).exists()
    assert rekeyed(index, before, after) == set()


def test_moving_modules_to_other_subpackages_rekeys_nothing(
    index, config_types, tmp_path
):
    before = family_codes(PACKAGE_DIR, config_types)
    root = tree_copy(tmp_path)
    for name in ("report_model", "stack_model", "gate_network", "multi_step_models"):
        rename(root, f"models.{name}", f"networks.{name}")
    rename(root, "lessons.memory_task", "tasks.memory_task")
    rename(root, "training.jobs", "jobs")
    assert rekeyed(index, before, family_codes(root, config_types)) == set()


def edit_builder(path: Path) -> None:
    """A one-line behaviour change in the first ``build`` method of a file."""
    text = path.read_text()
    start = text.index("    def build(self")
    body = text.index('"""', text.index('"""', start) + 3) + 3  # after the docstring
    path.write_text(
        text[:body] + "\n        window = int(window) + 0  # planted" + text[body:]
    )


@pytest.mark.parametrize("type_name", sorted(configuration_types()))
def test_editing_a_familys_builder_rekeys_that_family_and_nothing_else(
    index, config_types, tmp_path, type_name
):
    before = family_codes(PACKAGE_DIR, config_types)
    root = tree_copy(tmp_path)
    edit_builder(defining_file(root, type_name))
    after = family_codes(root, config_types)
    assert [name for name in config_types if before[name] != after[name]] == [type_name]
    changed = rekeyed(index, before, after)
    family = {key for key, info in index if info["config"]["type"] == type_name}
    assert changed == family


def test_editing_the_shared_training_path_rekeys_every_entry(
    index, config_types, tmp_path
):
    before = family_codes(PACKAGE_DIR, config_types)
    root = tree_copy(tmp_path)
    path = defining_file(root, "TrainJob")
    path.write_text(
        path.read_text().replace(
            "    set_seeds(job.seed)\n", "    set_seeds(job.seed + 0)\n"
        )
    )
    assert rekeyed(index, before, family_codes(root, config_types)) == {
        key for key, _ in index
    }


def test_a_planted_shared_module_would_be_caught(index, config_types, tmp_path):
    """The test can fail: were two families in one module (as before), editing one would
    re-key both."""
    before = family_codes(PACKAGE_DIR, config_types)
    root = tree_copy(tmp_path)
    report, stack = (
        defining_file(root, "ModelConfig"),
        defining_file(root, "StackConfig"),
    )
    report.write_text(
        report.read_text() + "\n\n" + stack.read_text().split("\n\n\n", 1)[1]
    )
    stack.unlink()  # StackConfig now lives beside ModelConfig
    edit_builder(defining_file(root, "ModelConfig"))
    changed = rekeyed(index, before, family_codes(root, config_types))
    family = {key for key, info in index if info["config"]["type"] == "ModelConfig"}
    stacks = {key for key, info in index if info["config"]["type"] == "StackConfig"}
    assert changed == family | stacks and (not stacks or changed != family)


COURSE_NAMES_A_FAMILY_MAY_IMPORT = {
    "keras": "Keras itself, through tf_quiet: keyed by its version",
    "tf": "TensorFlow itself, through tf_quiet: keyed by its version",
    "REPORT_SPLIT": "a default value only: the value lands in a "
    "configuration field, and the fields are keyed",
    "TrainingSettings": "with_training copies a configuration; what it changes "
    "is in the fields, which are keyed",
    "environment": "records where a model trained, after it trained; not "
    "keyed on purpose",
    "gate_block": "Keras's gate order, which builds the memory models' "
    "forget bias: pinned by the test below",
}
"""What the key's modules (the shared training path and every configuration's module)
import from the rest of the course, whose code the key does not digest, and why none of
it can change a trained model unkeyed."""


def _course_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (
            node.level or (node.module or "").startswith("lstm_helpers")
        ):
            names |= {alias.asname or alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            names |= {
                a.asname or a.name
                for a in node.names
                if a.name.startswith("lstm_helpers")
            }
    return names


def test_the_keys_modules_import_from_the_course_only_what_cannot_change_a_model_unkeyed(
    config_types,
):
    """A family module that imported other course code (a helper that builds part of a
    model) would escape the key: this test makes that a decision, written in
    COURSE_NAMES_A_FAMILY_MAY_IMPORT with its reason."""
    from lstm_helpers.training import jobs

    assert jobs.fit.__module__ == jobs.TrainJob.__module__, (
        "the key finds the training path from TrainJob's module"
    )
    for module in {
        sys.modules[jobs.__name__],
        *(sys.modules[c.__module__] for c in config_types.values()),
    }:
        extra = _course_names(Path(module.__file__)) - set(
            COURSE_NAMES_A_FAMILY_MAY_IMPORT
        )
        assert extra == set(), (
            f"{module.__name__} imports {sorted(extra)} from the "
            "course, outside its key"
        )


def test_a_planted_course_import_in_a_family_module_is_caught(tmp_path):
    planted = tmp_path / "report_model.py"
    planted.write_text(
        "from lstm_helpers.numpy_lstm.initializers import glorot_uniform\n"
    )
    assert _course_names(planted) - set(COURSE_NAMES_A_FAMILY_MAY_IMPORT) == {
        "glorot_uniform"
    }


def test_the_gate_order_a_memory_model_uses_is_pinned():
    """``gate_block`` places the memory models' forget bias and is not in their key: its
    behaviour is pinned to Keras's order (i, f, c, o), so a change to it fails here
    instead of leaving stale memory models."""
    from lstm_helpers.numpy_lstm.cell import GATES, gate_block

    assert GATES == ("i", "f", "c", "o")
    for units in (1, 3, 32):
        assert [gate_block(g, units) for g in GATES] == [
            slice(k * units, (k + 1) * units) for k in range(4)
        ]
