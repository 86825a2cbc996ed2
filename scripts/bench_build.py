"""Benchmark the build: full build, no-change rebuild, batch vs per-deck marp, and edit → reload in serve.

Run: `PYTHONPATH=scripts .venv/bin/python scripts/bench_build.py [--runs N]` (scripts/test's setup first).
Prints medians of N runs; timings on a shared 2-core machine are noisy, so compare ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from slidesite import themes  # noqa: E402
from slidesite.deckbuild import _stage_sources, load_decks  # noqa: E402
from slidesite.marp import run_marp  # noqa: E402


def median_of(runs: int, step: Callable[[], float]) -> tuple[float, list[float]]:
    times = [step() for _ in range(runs)]
    return statistics.median(times), times


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def make_copy(dest: Path) -> Path:
    """A project copy sharing code and packages, with its own slides, docs and cache."""
    dest.mkdir(parents=True)
    for name in ("scripts", "theme", "node_modules"):
        (dest / name).symlink_to(ROOT / name)
    for name in ("slides", "docs"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def build(project: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
    subprocess.run([sys.executable, "-m", "slidesite.build", "--config", str(project / "mkdocs.yml")],
                   check=True, env=env, capture_output=True)


def bench_builds(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_copy(Path(tmp) / "p")

        def full() -> float:
            shutil.rmtree(project / ".cache", ignore_errors=True)
            shutil.rmtree(project / "site", ignore_errors=True)
            return timed(lambda: build(project))

        full_median, _ = median_of(runs, full)
        build(project)
        again_median, _ = median_of(runs, lambda: timed(lambda: build(project)))
    return {"full build": full_median, "no-change rebuild": again_median}


def bench_marp(runs: int) -> dict[str, float]:
    decks = load_decks(ROOT / "slides")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        theme_css = themes.themes_for_marp(cache / "themes", "../../assets/fonts")

        def batch() -> float:
            src = _stage_sources(cache, decks, "src")
            return timed(lambda: run_marp(ROOT, src, cache / "out", theme_css))

        def one_by_one() -> float:
            total = 0.0
            for deck in decks:
                src = _stage_sources(cache, [deck], "src")
                total += timed(lambda src=src: run_marp(ROOT, src, cache / "out", theme_css))
            return total

        results = {}
        for _ in range(runs):  # interleave the two so load changes hit both alike
            results.setdefault("batch", []).append(batch())
            results.setdefault("per-deck", []).append(one_by_one())
    b, p = statistics.median(results["batch"]), statistics.median(results["per-deck"])
    return {f"marp, {len(decks)} decks in one process": b, f"marp, one process per deck ({len(decks)})": p,
            "ratio batch / per-deck": b / p}


def bench_serve(runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        project = make_copy(Path(tmp) / "p")
        build(project)  # warm the deck cache as a lecturer's machine would have it
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=str(ROOT / "scripts"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deck = sorted((project / "slides").glob("0*.md"))[1]
            url = f"http://127.0.0.1:{port}/slides/{deck.stem}/"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page()
                for _ in range(120):
                    try:
                        page.goto(url)
                        break
                    except Exception:  # noqa: BLE001 - server still starting
                        time.sleep(0.5)
                # The deck page has no live-reload script; watch the textbook page, which reloads.
                page.goto(f"http://127.0.0.1:{port}/lectures/{deck.stem}/")
                times = []
                original = deck.read_text(encoding="utf-8")
                for i in range(runs):
                    marker = f"ベンチマーク{i}号"
                    time.sleep(1.5)
                    started = time.perf_counter()
                    deck.write_text(original + f"\n---\n\n<!-- _header: {marker} -->\n\n{marker}\n", encoding="utf-8")
                    shown = f"() => !!document.body && document.body.innerText.includes('{marker}')"
                    page.wait_for_function(shown, timeout=60000)
                    times.append(time.perf_counter() - started)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return {"serve: save deck → page reloaded": statistics.median(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["builds", "marp", "serve"])
    args = parser.parse_args()
    rows: dict[str, float] = {}
    if args.only in (None, "builds"):
        rows |= bench_builds(args.runs)
    if args.only in (None, "marp"):
        rows |= bench_marp(args.runs)
    if args.only in (None, "serve"):
        rows |= bench_serve(max(args.runs, 5))
    print(f"| measurement (median of {args.runs}+ runs) | value |\n|---|---|")
    for name, value in rows.items():
        unit = "" if name.startswith("ratio") else " s"
        print(f"| {name} | {value:.2f}{unit} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
