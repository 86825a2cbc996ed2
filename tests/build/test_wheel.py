"""Use it in your own course: a wheel of this repository, installed (not editable) into a fresh venv,
builds a course repository that has only slides/, docs/, theme/, mkdocs.yml and our package.json +
package-lock.json — decks in both themes, a theme of the course's own, live cells, an exercise, build
outputs, PDFs — and a cell of the built site runs in the browser with the runner from the wheel."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from slidesite.paths import Project

from tests.support import REPO
from tests.support.server import offline_context, static_server

INTRO = """\
---
marp: true
theme: honwaka
title: はじめての講義
---

# はじめての講義

---

## 勾配降下法

![w:200](img/curve.svg)

```python run
x = 3.0
for _ in range(100):
    x -= 0.1 * 2 * x
print(f"x = {x:.4e}")
```

---

## 演習

```python exercise
def f_prime(x):
    return 0
```

```python solution
def f_prime(x):
    return 2 * x
```

```python check
f_prime(3.0)
```
"""

DARK = """\
---
marp: true
theme: 01dracula
---

# 暗いテーマ

---

## 図

```python run
import matplotlib.pyplot as plt
plt.plot([0, 1, 2], [0, 1, 4])
plt.title("二乗")
plt.show()
```
"""

# The course's own theme: a new one, used by a deck of its own.
OWN_THEME = """\
/* @theme kurs */
@import 'default';
section { background: #fdf6e3; }
section h1 { color: #b58900; }
"""

OWN = "---\nmarp: true\ntheme: kurs\n---\n\n# 独自テーマ\n"

MKDOCS = """\
site_name: 私の講義
theme:
  name: material
  language: ja
plugins:
  - search
  - slidesite
"""


def _run(cmd: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(cmd)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course repository built by slidesite installed from a wheel into its own venv."""
    work = tmp_path_factory.mktemp("wheel")
    # From a copy of what the wheel is made of, so setuptools' build/ folder lands there, not in the repository.
    source = work / "source"
    shutil.copytree(REPO / "scripts" / "slidesite", source / "scripts" / "slidesite", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "theme", source / "theme")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", str(work / "dist")], work)
    wheel = next((work / "dist").glob("slidesite-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    assert "slidesite/theme/honwaka.css" in names and "slidesite/livecode/runner.py" in names
    assert "slidesite/theme/livecode/src/worker.js" in names and "slidesite/marp/marp.config.mjs" in names
    _run([sys.executable, "-m", "venv", str(work / "venv")], work)
    python = work / "venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
          "-c", str(REPO / "requirements.txt"), str(wheel)], work)
    root = work / "course"
    (root / "slides" / "img").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "theme").mkdir()
    (root / "slides" / "01-intro.md").write_text(INTRO, encoding="utf-8")
    (root / "slides" / "02-dark.md").write_text(DARK, encoding="utf-8")
    (root / "slides" / "03-own.md").write_text(OWN, encoding="utf-8")
    shutil.copy(REPO / "slides" / "img" / "gallery-honwaka" / "curve.svg", root / "slides" / "img")
    (root / "theme" / "kurs.css").write_text(OWN_THEME, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# ホーム\n\n<!-- slidesite:lectures -->\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(REPO / name, root / name)
    _run(["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], root)
    # The runtime (bundle, Pyodide, font) is keyed by its inputs: share this repository's, built once.
    (root / ".cache").mkdir()
    shared = Project.at(REPO).runtime_cache
    shared.mkdir(parents=True, exist_ok=True)
    (root / ".cache" / "runtime").symlink_to(shared, target_is_directory=True)
    _run([str(python), "-m", "slidesite.build", "--pdf"], root, timeout=900)
    return root


@pytest.mark.slow
def test_the_wheel_builds_a_course_of_its_own(course: Path, browser: Browser) -> None:
    site = course / "site"
    # The package ran from the venv, not from this checkout.
    assert not any(str(REPO) in line for line in (site / "slides" / "01-intro" / "index.html").read_text().splitlines()
                   if "slidesite" in line and "file://" in line)
    for deck in ("01-intro", "02-dark", "03-own"):
        assert (site / "slides" / deck / "index.html").is_file()
        assert (site / "slides" / deck / f"{deck}.pdf").read_bytes()[:5] == b"%PDF-"
        assert (site / "lectures" / deck / "index.html").is_file()
    intro = (site / "lectures" / "01-intro" / "index.html").read_text(encoding="utf-8")
    assert "x = 6.1111e-10" in intro  # the build-time output
    exercise = re.search(r'<script type="application/json" class="livecode-exercise">(.*?)</script>', intro, re.S)
    assert exercise is not None and json.loads(exercise.group(1))["expected"][0]["values"] == [6.0]
    dark = (site / "lectures" / "02-dark" / "index.html").read_text(encoding="utf-8")
    figure = re.search(r'src="([^"]*assets/outputs/[0-9a-f]+\.png)"', dark)
    assert figure is not None
    own = (site / "slides" / "03-own" / "index.html").read_text(encoding="utf-8")
    assert "#fdf6e3" in own  # the course's own theme
    assert (site / "exercises" / "index.html").is_file()

    with static_server(site) as server, offline_context(browser, viewport={"width": 1280, "height": 900}) as (ctx, _):
        page = ctx.new_page()
        page.goto(server.url + "/lectures/01-intro/")
        cell = page.locator(".livecode").first
        cell.locator("[data-action=run]").click()
        output = cell.locator(".livecode-output")
        output.filter(has_text="x = 6.1111e-10").wait_for(timeout=120_000)
        assert "ビルド時" not in output.inner_text()
