"""Run marp-cli once for a batch of decks (HTML or PDF)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from .errors import BuildError, SetupError

CHROMIUM = "/usr/bin/chromium"
MARP_CONFIG = Path(__file__).resolve().parents[1] / "marp.config.mjs"
WORKER = Path(__file__).resolve().parents[1] / "marp_worker.cjs"


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


class MarpWorker:
    """A marp-cli kept running between builds (scripts/serve), fed one argv per line."""

    def __init__(self, root: Path) -> None:
        marp_command(root)
        self.root = root
        self.proc = subprocess.Popen(
            ["node", str(WORKER)], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, bufsize=1,
        )

    def run(self, argv: list[str]) -> tuple[int, str]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(argv) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise SetupError("the marp-cli worker stopped; restart scripts/serve")
        result = json.loads(line)
        return int(result["code"]), str(result["log"])

    def alive(self) -> bool:
        return self.proc.poll() is None


_worker: MarpWorker | None = None


def use_worker(root: Path) -> None:
    """Keep one marp-cli process for later HTML builds (used by `serve`, where decks change often)."""
    global _worker
    if _worker is None or not _worker.alive() or _worker.root != root:
        _worker = MarpWorker(root)


def stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.proc.terminate()
        _worker = None


def run_marp(
    root: Path, src_dir: Path, out_dir: Path, themes: list[Path], *, pdf: bool = False, twemoji_base: str | None = None
) -> None:
    """Convert every `<deck>/index.md` under src_dir into out_dir, in one marp-cli process.

    twemoji_base: where the emoji pictures are (marp.config.mjs); by default the site's, seen from a deck.
    """
    args = [
        str(marp_command(root)), "--no-stdin", "--config-file", str(MARP_CONFIG), "--html",
        "--parallel", str(max(2, os.cpu_count() or 2)),
        "--theme-set", *map(str, themes),
        "--input-dir", str(src_dir), "--output", str(out_dir),
    ]
    env = dict(os.environ)
    if twemoji_base:
        env["SLIDESITE_TWEMOJI_BASE"] = twemoji_base
    if pdf:
        args += ["--pdf", "--allow-local-files", "--browser-path", browser_path(), "--browser-timeout", "120"]
        # Chromium refuses to run as root without --no-sandbox; marp-cli passes this through.
        env["CHROME_NO_SANDBOX"] = "1"
    if _worker is not None and not pdf and _worker.root == root and _worker.alive():
        code, log = _worker.run(args[1:])
    else:
        done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True)
        code, log = done.returncode, done.stderr or done.stdout
    if code != 0:
        detail = log.strip().splitlines()
        errors = [line for line in detail if "[  ERROR ]" in line or "Error" in line] or detail[-3:]
        raise BuildError(src_dir, "marp-cli failed: " + " | ".join(e.strip() for e in errors))
