"""The build tooling and the tests stay ruff clean (ruff.toml)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ruff_reports_nothing():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "scripts", "tests", "slides/py", "theme/livecode/py"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
