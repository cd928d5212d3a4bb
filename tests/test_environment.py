"""The pinned set lives in pyproject.toml only; environment.yml cannot drift from it."""

import re
import tomllib
from pathlib import Path

from packaging.markers import Marker

from lstm_helpers import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
ENV_LINES = (REPO_ROOT / "environment.yml").read_text().splitlines()
REQUIRED = [
    "jupyterlab",
    "numpy",
    "pandas",
    "matplotlib",
    "scikit-learn",
    "nbval",
    "papermill",
    "pytest",
]


def _entries() -> list[str]:
    """The items under ``dependencies:`` (conda packages and the pip section)."""
    start = ENV_LINES.index("dependencies:")
    body = [line.split("#")[0].strip() for line in ENV_LINES[start + 1 :]]
    return [line[2:].strip() for line in body if line.startswith("- ")]


def test_every_dependency_is_pinned_exactly():
    deps = PYPROJECT["project"]["dependencies"]
    extras = [
        d
        for group in PYPROJECT["project"]["optional-dependencies"].values()
        for d in group
    ]
    for dep in deps + extras:
        assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[0-9][^;, ]*(\s*;.*)?$", dep), (
            f"not an == pin: {dep}"
        )
    names = {re.split(r"[=\[;]", d)[0].strip().lower() for d in deps}
    for need in REQUIRED:
        assert need in names, need
    assert {"tensorflow", "tensorflow-cpu"} <= names


def test_tensorflow_markers_split_linux_x86_64_from_the_rest():
    deps = PYPROJECT["project"]["dependencies"]
    cpu = next(d for d in deps if d.startswith("tensorflow-cpu=="))
    full = next(d for d in deps if d.startswith("tensorflow=="))
    assert "sys_platform == 'linux' and platform_machine == 'x86_64'" in cpu
    assert "sys_platform != 'linux' or platform_machine != 'x86_64'" in full
    assert cpu.split("==")[1].split(";")[0] == full.split("==")[1].split(";")[0]
    assert PYPROJECT["project"]["optional-dependencies"]["gpu"] == [
        "tensorflow[and-cuda]==" + cpu.split("==")[1].split(";")[0].strip()
    ]


def test_environment_yml_installs_this_package_and_no_second_list():
    entries = _entries()
    conda = [e for e in entries if e not in ("pip:",) and not e.startswith("-e")]
    pip_part = [e for e in entries if e.startswith("-e")]
    # conda installs only python and pip; everything else comes from pyproject.toml.
    assert sorted(re.split(r"[=<>]", e)[0] for e in conda) == ["pip", "python"]
    assert pip_part, "environment.yml must pip-install this package"
    # this package: the repository root (environment.yml sits in it), editable, optional
    # extras
    assert len(pip_part) == 1 and re.fullmatch(r"-e \.(\[[\w,\- ]+\])?", pip_part[0]), (
        pip_part
    )
    extras = re.search(r"\[(.*)\]", pip_part[0])
    for extra in extras.group(1).split(",") if extras else []:
        assert extra.strip() in PYPROJECT["project"]["optional-dependencies"]


def test_environment_python_satisfies_requires_python():
    version = next(e for e in _entries() if e.startswith("python="))
    major, minor = (int(p) for p in version.split("=")[1].split(".")[:2])
    spec = PYPROJECT["project"]["requires-python"]
    low = re.search(r">=(\d+)\.(\d+)", spec).groups()
    high = re.search(r"<(\d+)\.(\d+)", spec).groups()
    assert (int(low[0]), int(low[1])) <= (major, minor) < (int(high[0]), int(high[1]))


def test_installed_versions_are_the_pins():
    from importlib.metadata import PackageNotFoundError, version

    for dep in PYPROJECT["project"]["dependencies"]:
        spec, _, marker = dep.partition(";")
        name, pinned = (s.strip() for s in spec.split("=="))
        if marker and not Marker(marker).evaluate():
            continue
        try:
            assert version(name) == pinned, name
        except PackageNotFoundError:  # pragma: no cover - reported as a failure
            raise AssertionError(f"{name} is pinned but not installed") from None


def test_readme_gives_the_two_commands():
    text = Path(REPO_ROOT / "README.md").read_text()
    first_screen = "\n".join(text.splitlines()[:40])
    assert "make course" in first_screen and "make test" in first_screen


def test_jupyterlab_asks_no_news_question_in_the_courses_environment():
    """``make setup`` turns JupyterLab's "get notified about official Jupyter news?"
    pop-up off in the course's environment (its plugin disabled at the sys-prefix level)."""
    import json
    import sys

    import pytest
    from conftest import strict

    config = Path(sys.prefix) / "etc" / "jupyter" / "labconfig" / "page_config.json"
    if not config.exists() and not strict():
        pytest.skip(
            f"{config}: not made here (an environment not made by `make setup`)"
        )
    disabled = json.loads(config.read_text()).get("disabledExtensions", {})
    assert disabled.get("@jupyterlab/apputils-extension:announcements") is True, (
        disabled
    )
