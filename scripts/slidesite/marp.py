"""Run marp-cli once for a batch of decks (HTML or PDF)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .errors import BuildError, SetupError

CHROMIUM = "/usr/bin/chromium"
MARP_CONFIG = Path(__file__).resolve().parents[1] / "marp.config.mjs"


def marp_command(root: Path) -> Path:
    """The project's marp-cli, or a SetupError that says how to install it."""
    path = root / "node_modules" / ".bin" / "marp"
    if not path.exists():
        raise SetupError("marp-cli is not installed: run `npm ci` (scripts/serve and scripts/test run it for you)")
    return path


def browser_path() -> str:
    found = os.environ.get("CHROME_PATH") or (CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"))
    if not found:
        raise SetupError("PDF export needs Chromium: run `apt-get install -y chromium` (scripts/test installs it)")
    return found


def run_marp(root: Path, src_dir: Path, out_dir: Path, themes: list[Path], *, pdf: bool = False) -> None:
    """Convert every `<deck>/index.md` under src_dir into out_dir, in one marp-cli process."""
    args = [
        str(marp_command(root)), "--no-stdin", "--config-file", str(MARP_CONFIG), "--html",
        "--parallel", str(max(2, os.cpu_count() or 2)),
        "--theme-set", *map(str, themes),
        "--input-dir", str(src_dir), "--output", str(out_dir),
    ]
    env = dict(os.environ)
    if pdf:
        args += ["--pdf", "--allow-local-files", "--browser-path", browser_path(), "--browser-timeout", "120"]
        # Chromium refuses to run as root without --no-sandbox; marp-cli passes this through.
        env["CHROME_NO_SANDBOX"] = "1"
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        errors = [line for line in detail if "[  ERROR ]" in line or "Error" in line] or detail[-3:]
        raise BuildError(src_dir, "marp-cli failed: " + " | ".join(e.strip() for e in errors))
