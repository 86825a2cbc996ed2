"""The one Chromium of this machine (PDF export, tests, benchmarks) and the flags every headless run needs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DEBIAN_CHROMIUM = "/usr/bin/chromium"


def find_chromium() -> str | None:
    """$CHROME_PATH (another Chromium-based browser, e.g. on CI images), else Debian's, else one on PATH."""
    return (os.environ.get("CHROME_PATH") or (DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None)
            or shutil.which("chromium"))


CHROMIUM = find_chromium() or DEBIAN_CHROMIUM
# Without the background-networking flags Chromium keeps calling hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
