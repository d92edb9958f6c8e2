"""Dependencies: the declared minimums carry the known security fixes, and what is installed meets them."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
# authlib 1.6.9: JWS/JWE fixes; flask 3.1.3 and werkzeug 3.1: session and path-handling fixes.
MINIMUMS = {"authlib": "1.6.9", "flask": "3.1.3", "werkzeug": "3.1"}


def _declared() -> dict[str, Requirement]:
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    return {Requirement(line).name.lower(): Requirement(line) for line in project["dependencies"]}


@pytest.mark.parametrize(("name", "minimum"), sorted(MINIMUMS.items()))
def test_declared_minimum_carries_the_fixes(name, minimum):
    requirement = _declared()[name]
    floors = [Version(spec.version) for spec in requirement.specifier if spec.operator in (">=", "==", "~=")]
    assert floors and min(floors) >= Version(minimum), f"{name}: declare >={minimum}, found {requirement}"
    assert not requirement.specifier.contains(str(Version(minimum).release[0]) + ".0")


@pytest.mark.parametrize(("name", "minimum"), sorted(MINIMUMS.items()))
def test_installed_version_meets_the_minimum(name, minimum):
    assert Version(version(name)) >= Version(minimum)
