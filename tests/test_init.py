"""Tests of lstm_helpers/__init__.py: its docstring is the package's map, and names every module."""

import pkgutil
import re

import lstm_helpers


def test_the_docstring_names_every_module_and_no_other():
    modules = {name for _, name, _ in pkgutil.iter_modules(lstm_helpers.__path__)}
    named = set(re.findall(r":mod:`lstm_helpers\.(\w+)`", lstm_helpers.__doc__))
    assert modules - named == set(), "modules missing from the list"
    assert named - modules == set(), "the list names modules that do not exist"
