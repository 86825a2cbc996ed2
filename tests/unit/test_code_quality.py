"""The build tooling and the tests stay ruff clean (ruff.toml); the package stays mypy clean (pyproject.toml)."""

import re
import subprocess
import sys
import tomllib

from tests.support import REPO


def test_ruff_reports_nothing():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "scripts", "tests", "slides/py"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_reports_nothing_on_the_package():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "scripts/slidesite" in tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mypy"]["files"]


def test_every_declared_dependency_is_pinned_in_requirements_txt():
    """requirements.txt is the lock: each dependency pyproject.toml declares has an exact version there."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (REPO / "requirements.txt").read_text().splitlines() if "==" in line
    }
    names = [re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower().replace("_", "-") for d in declared]
    assert [n for n in names if n not in pinned] == []
