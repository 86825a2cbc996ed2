"""Run marp-cli once for a batch of decks (HTML or PDF)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from ..chromium import find_chromium
from ..errors import BuildError, SetupError
from ..paths import MARP_CONFIG, MARP_WORKER, Project


def marp_command(project: Project) -> Path:
    """The project's marp-cli, or a SetupError that says how to install it."""
    path = project.node_modules / ".bin" / "marp"
    if not path.exists():
        raise SetupError("marp-cli is not installed: run `npm ci` (scripts/serve and scripts/test run it for you)")
    return path


def browser_path() -> str:
    found = find_chromium()
    if not found:
        raise SetupError("PDF export needs Chromium: run `apt-get install -y chromium` (scripts/test installs it)")
    return found


class MarpWorker:
    """A marp-cli kept running between builds (scripts/serve), fed one argv per line."""

    def __init__(self, project: Project) -> None:
        marp_command(project)
        self.project = project
        # marp_worker.cjs loads marp-cli from the node_modules of its working folder.
        self.proc = subprocess.Popen(
            ["node", str(MARP_WORKER)], cwd=project.node_modules.parent, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
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

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def run_marp(
    project: Project, src_dir: Path, out_dir: Path, themes: list[Path], *, pdf: bool = False,
    worker: MarpWorker | None = None, twemoji_base: str | None = None, katex_fonts: str | None = None,
    fonts_url: str | None = None,
) -> None:
    """Convert every `<deck>/index.md` under src_dir into out_dir, in one marp-cli process.

    HTML conversions go to `worker` (a marp-cli kept running by `serve`) when it is given and alive.
    twemoji_base, katex_fonts, fonts_url: where the emoji pictures, KaTeX's fonts and the site's web fonts are
    (marp.config.mjs); by default the site's, seen from a deck.
    """
    args = [
        str(marp_command(project)), "--no-stdin", "--config-file", str(MARP_CONFIG), "--html",
        "--parallel", str(max(2, os.cpu_count() or 2)),
        "--theme-set", *map(str, themes),
        "--input-dir", str(src_dir), "--output", str(out_dir),
    ]
    env = dict(os.environ)
    if twemoji_base:
        env["SLIDESITE_TWEMOJI_BASE"] = twemoji_base
    if katex_fonts:
        env["SLIDESITE_KATEX_FONTS"] = katex_fonts
    if fonts_url:
        env["SLIDESITE_FONTS_URL"] = fonts_url
    if pdf:
        args += ["--pdf", "--allow-local-files", "--browser-path", browser_path(), "--browser-timeout", "120"]
        # Chromium refuses to run as root without --no-sandbox; marp-cli passes this through.
        env["CHROME_NO_SANDBOX"] = "1"
    if worker is not None and not pdf and worker.project == project and worker.alive():
        code, log = worker.run(args[1:])
    else:
        done = subprocess.run(args, cwd=project.root, env=env, capture_output=True, text=True)
        code, log = done.returncode, done.stderr or done.stdout
    if code != 0:
        detail = log.strip().splitlines()
        errors = [line for line in detail if "[  ERROR ]" in line or "Error" in line] or detail[-3:]
        raise BuildError(src_dir, "marp-cli failed: " + " | ".join(e.strip() for e in errors))
