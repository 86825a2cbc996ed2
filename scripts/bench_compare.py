"""Side-by-side build times of this checkout and earlier revisions, runs interleaved.

Run: `.venv/bin/python scripts/bench_compare.py --rev c80468a --rev a011bd2 [--runs N]`
(scripts/test's setup first). Each revision is checked out into a temporary git worktree and
built in place with its own code, slides and docs (node_modules shared); the runs of all trees
alternate, so a change in the machine's load hits them alike. Prints medians and each tree's
ratio to this checkout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def checkout(rev: str, dest: Path) -> Path:
    git("worktree", "add", "--detach", str(dest), rev)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    if (ROOT / ".cache" / "runtime").is_dir():  # the runtime is keyed by its inputs: share this checkout's
        (dest / ".cache").mkdir()
        (dest / ".cache" / "runtime").symlink_to(ROOT / ".cache" / "runtime")
    return dest


def build(tree: Path) -> float:
    """One `scripts/build` of the tree with its own package (PYTHONPATH first on sys.path)."""
    env = dict(os.environ, PYTHONPATH=str(tree / "scripts"))
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "slidesite.build"], cwd=tree, env=env, capture_output=True,
                          text=True)
    if done.returncode != 0:
        raise SystemExit(f"{tree.name}: build failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def full_build(tree: Path) -> float:
    """A build with every cache emptied but the live-cell runtime's (Pyodide trimmed once: the same in every
    tree, kept in ~/.cache/slidesite before the single cache root, in .cache/runtime/ since)."""
    for name in ("build", "jinja"):
        shutil.rmtree(tree / ".cache" / name, ignore_errors=True)
    shutil.rmtree(tree / "site", ignore_errors=True)
    return build(tree)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rev", action="append", required=True, help="an earlier revision (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    head = git("rev-parse", "--short", "HEAD")
    with tempfile.TemporaryDirectory() as tmp:
        trees = {f"this checkout ({head})": checkout("HEAD", Path(tmp) / "head")}
        for rev in args.rev:
            trees[rev] = checkout(rev, Path(tmp) / rev.replace("/", "_"))
        try:
            times: dict[str, dict[str, list[float]]] = {name: {"full": [], "again": []} for name in trees}
            for _ in range(args.runs):
                for name, tree in trees.items():
                    times[name]["full"].append(full_build(tree))
            for _ in range(args.runs):
                for name, tree in trees.items():
                    times[name]["again"].append(build(tree))
        finally:
            for tree in trees.values():
                git("worktree", "remove", "--force", str(tree))
    base = next(iter(times.values()))
    print(f"| tree (median of {args.runs}, interleaved) | full build, empty cache | ratio "
          "| no-change rebuild | ratio |")
    print("|---|---|---|---|---|")
    for name, row in times.items():
        full, again = statistics.median(row["full"]), statistics.median(row["again"])
        print(f"| {name} | {full:.2f} s | {full / statistics.median(base['full']):.2f} | {again:.2f} s "
              f"| {again / statistics.median(base['again']):.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
