"""Tests of lstm_helpers.digests: what a key is made of (code, arrays, versions) and the recorded environment."""

import ast
import json
import subprocess
import sys
import types

import numpy as np
import pytest

from lstm_helpers import digests


def _module(tmp_path, name, source):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    return types.SimpleNamespace(__name__="m", __file__=str(path))


def test_code_digest_follows_the_code_not_its_comments(tmp_path):
    base = _module(tmp_path, "a", 'def f(x):\n    """Doc."""\n    return x + 1  # one\n')
    reworded = _module(tmp_path, "b", 'def f(x):\n    """Other words."""\n\n    return x + 1  # comment\n')
    changed = _module(tmp_path, "c", 'def f(x):\n    """Doc."""\n    return x + 2\n')
    assert digests.code_digest(base) == digests.code_digest(reworded)
    assert digests.code_digest(base) != digests.code_digest(changed)


MODULE = """from __future__ import annotations

import numpy as np
from lstm_helpers.windows import scale
from lstm_helpers import cache


def f(x):
    \"\"\"Doc.\"\"\"
    return np.sum(scale(x)) + 1
"""


def test_code_digest_survives_moved_modules_and_reordered_imports(tmp_path):
    base = _module(tmp_path, "a", MODULE)
    reordered = _module(tmp_path, "b", MODULE.replace(
        "import numpy as np\nfrom lstm_helpers.windows import scale\nfrom lstm_helpers import cache\n",
        "from lstm_helpers import cache\nimport numpy as np\nfrom lstm_helpers.windows import scale\n"))
    moved = _module(tmp_path, "c", MODULE.replace("from lstm_helpers.windows import scale",
                                                  "from lstm_helpers.scaling.minmax import scale"))
    relative = _module(tmp_path, "d", MODULE.replace("from lstm_helpers.windows import scale",
                                                     "from .windows import scale"))
    inside = _module(tmp_path, "e", MODULE.replace("import numpy as np\n", "").replace(
        '    \"\"\"Doc.\"\"\"\n', '    \"\"\"Doc.\"\"\"\n    import numpy as np\n\n'))
    renamed = types.SimpleNamespace(__name__="lstm_helpers.somewhere.else_", __file__=base.__file__)
    found = {digests.code_digest(m) for m in (base, reordered, moved, relative, inside, renamed)}
    assert len(found) == 1


@pytest.mark.parametrize("change", [
    ("+ 1", "+ 2"),  # a constant
    ("np.sum", "np.mean"),  # a call
    ("import numpy as np", "import jax.numpy as np"),  # another package computes it
    ("from lstm_helpers.windows import scale", "from lstm_helpers.windows import scale_other as scale"),
], ids=["constant", "call", "other-package", "other-function"])
def test_code_digest_changes_with_what_the_code_computes(tmp_path, change):
    base = _module(tmp_path, "a", MODULE)
    changed = _module(tmp_path, "b", MODULE.replace(*change))
    assert changed.__file__ != base.__file__ and MODULE.replace(*change) != MODULE
    assert digests.code_digest(base) != digests.code_digest(changed)


def test_the_key_versions_are_the_computing_packages_by_import_name():
    found = digests.versions()
    assert set(found) == {"tensorflow", "keras", "numpy"}  # no Python, no distribution name
    from lstm_helpers.tf_quiet import tf

    assert found["tensorflow"] == tf.__version__


def test_environment_is_recorded_and_described():
    env = digests.environment()
    assert env["python"].count(".") == 2 and (env["device"] == "CPU" or env["device"].startswith("GPU"))
    assert "numpy" in env["packages"]
    line = digests.describe_environment({"python": "3.11.7", "platform": "Linux x86_64", "device": "CPU",
                                       "packages": {"tensorflow-cpu": "2.21.0", "numpy": "2.4.6"}})
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
    joined.values = [ast.Constant(""), *joined.values]  # 3.12's parser leaves such empty pieces
    assert digests._canonical(tree) == digests._canonical(with_empty)
    changed = ast.parse('def f(x):\n    return f"{x:.2f} days"\n')
    assert digests._canonical(tree) != digests._canonical(changed)


DIGEST_ALL = """
import json, pathlib, sys, types
from lstm_helpers import digests
root = pathlib.Path(digests.__file__).parent
print(json.dumps({str(p.relative_to(root)): digests.code_digest(types.SimpleNamespace(__name__=p.stem, __file__=str(p)))
                  for p in sorted(root.rglob("*.py"))}))
"""


def test_every_module_digests_the_same_under_a_second_python(second_python):
    here = subprocess.run([sys.executable, "-c", DIGEST_ALL], capture_output=True, text=True, check=True)
    there = subprocess.run([second_python, "-c", DIGEST_ALL], capture_output=True, text=True, check=True)
    a, b = json.loads(here.stdout), json.loads(there.stdout)
    assert len(a) > 40 and a.keys() == b.keys()
    assert [name for name in a if a[name] != b[name]] == []
