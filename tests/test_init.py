"""Tests of lstm_helpers/__init__.py: the package's map, its layers, and the README's
module table.

The package docstring names every subpackage and top-level module; each
subpackage's docstring names every module in it; imports run one way through
:data:`lstm_helpers.LAYERS` (no module imports from a later layer) and form no
circle; the README's module table lists every file with its current line count.
"""

import ast
import pkgutil
import re
from pathlib import Path

import pytest

import lstm_helpers

PACKAGE = Path(lstm_helpers.__file__).parent
README = PACKAGE.parent / "README.md"


def layer_of(module: str) -> int:
    """The index in LAYERS of a dotted module name inside the package
    (``lstm_helpers.data.windows`` -> 1)."""
    # the package's own __init__: it imports only paths and source
    if module == "lstm_helpers":
        return 0
    top = module.split(".")[1]
    for k, names in enumerate(lstm_helpers.LAYERS):
        if top in names.split():
            return k
    raise AssertionError(f"{module} is in no layer of lstm_helpers.LAYERS")


def package_modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def own_imports(path: Path, name: str) -> set[str]:
    """The course modules a file imports (at any depth: imports inside functions count),
    as dotted names."""
    modules = package_modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")[
                    : len(name.split(".")) - node.level + (path.name == "__init__.py")
                ]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if not module.startswith("lstm_helpers"):
                continue
            # "from lstm_helpers.course import profiles" imports a module
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                found.add(sub if sub in modules else module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("lstm_helpers")}
    return found - {"lstm_helpers"}


def test_the_docstring_names_every_subpackage_and_top_level_module_and_no_other():
    modules = {name for _, name, _ in pkgutil.iter_modules(lstm_helpers.__path__)}
    named = set(re.findall(r":mod:`lstm_helpers\.(\w+)`", lstm_helpers.__doc__))
    assert modules - named == set(), "modules missing from the list"
    assert named - modules == set(), "the list names modules that do not exist"
    assert {n for names in lstm_helpers.LAYERS for n in names.split()} == modules


@pytest.mark.parametrize(
    "sub", [m for _, m, is_pkg in pkgutil.iter_modules(lstm_helpers.__path__) if is_pkg]
)
def test_each_subpackage_docstring_names_its_modules(sub):
    package = __import__(f"lstm_helpers.{sub}", fromlist=["_"])
    every = {
        name
        for _, name, _ in pkgutil.iter_modules(package.__path__)
        if name != "__main__"
    }
    modules = every
    # their docstrings describe the public face; private modules start with _
    if sub in ("numpy_lstm", "checks"):
        modules = {m for m in modules if not m.startswith("_")}
    doc = package.__doc__ or ""
    named = set(re.findall(rf"lstm_helpers\.{sub}\.(\w+)`", doc)) | set(
        re.findall(r"``(\w+)\.py``", doc)
    )
    assert modules - named == set(), (
        f"lstm_helpers.{sub}'s docstring does not name {sorted(modules - named)}"
    )
    assert named - every == set(), (
        f"lstm_helpers.{sub}'s docstring names modules that do not exist: "
        f"{sorted(named - every)}"
    )


def test_imports_never_run_up_a_layer():
    upward = []
    for name, path in package_modules().items():
        for target in own_imports(path, name):
            if layer_of(target) > layer_of(name):
                upward.append(f"{name} imports {target}")
    assert upward == [], "imports from a higher layer:\n" + "\n".join(upward)


def test_a_planted_upward_import_is_found(tmp_path, monkeypatch):
    """The layer test can fail: a data module that imports the training layer is
    caught."""
    planted = tmp_path / "windows.py"
    planted.write_text("from lstm_helpers.training.cache import load\n")
    targets = own_imports(planted, "lstm_helpers.data.windows")
    assert targets == {"lstm_helpers.training.cache"}
    assert layer_of("lstm_helpers.training.cache") > layer_of(
        "lstm_helpers.data.windows"
    )


def test_no_import_circle():
    graph = {name: own_imports(path, name) for name, path in package_modules().items()}
    # a package's __init__ is not an edge target unless imported as such
    state: dict[str, int] = {}
    circle: list[str] = []

    def visit(node: str, stack: list[str]) -> bool:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                circle.extend(
                    [*stack[stack.index(nxt) :], node, nxt]
                    if nxt in stack
                    else [node, nxt]
                )
                return True
            if state.get(nxt) is None and visit(nxt, [*stack, node]):
                return True
        state[node] = 2
        return False

    for name in graph:
        if state.get(name) is None and visit(name, []):
            break
    assert circle == [], " -> ".join(circle)


def module_table() -> dict[str, tuple[int, str]]:
    """The README's module table: file -> (lines, description)."""
    rows = re.findall(
        r"^\| `(lstm_helpers/[^`]+\.py)` \| (\d+) \| (.*) \|$",
        README.read_text(),
        flags=re.M,
    )
    return {path: (int(lines), text) for path, lines, text in rows}


def test_the_readme_module_table_lists_every_file_with_its_line_count():
    table = module_table()
    files = {
        str(p.relative_to(PACKAGE.parent)): len(p.read_text().splitlines())
        for p in package_modules().values()
    }
    assert sorted(set(files) - set(table)) == [], (
        "files missing from the README's module table"
    )
    assert sorted(set(table) - set(files)) == [], (
        "the README's module table names files that do not exist"
    )
    drift = {f: (table[f][0], n) for f, n in files.items() if table[f][0] != n}
    assert drift == {}, "README line counts (table, file) drifted; update the table"


def test_the_readme_layer_table_counts_modules_and_lines():
    rows = re.findall(
        r"^\| (`[^|]+`) \| (\d+) \| (\d+) \| [^|]+ \|$", README.read_text(), flags=re.M
    )
    table = {label: (int(n), int(lines)) for label, n, lines in rows}
    found: dict[str, list[int]] = {}
    for name, path in package_modules().items():
        k = layer_of(name)
        label = (
            "`lstm_helpers/__init__.py`"
            if name == "lstm_helpers"
            else (
                ", ".join(f"`{n}`" for n in lstm_helpers.LAYERS[k].split())
                if " " in lstm_helpers.LAYERS[k]
                else f"`{lstm_helpers.LAYERS[k]}/`"
            )
        )
        counts = found.setdefault(label, [0, 0])
        counts[0] += 1
        counts[1] += len(path.read_text().splitlines())
    assert table == {label: tuple(c) for label, c in found.items()}, (
        "the README's layer table drifted from the files"
    )
