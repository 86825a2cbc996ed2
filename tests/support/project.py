"""A throwaway copy of the project layout, for build tests with decks of their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from slidesite.paths import Project

from tests.support import REPO

MINIMAL_DOCS = {"index.md": "# ホーム\n\n<!-- slidesite:lectures -->\n"}
MINIMAL_MKDOCS = """\
site_name: テスト
docs_dir: docs
theme:
  name: material
  language: ja
  font: false
plugins:
  - search:
      lang: ja
  - slidesite:
      pyodide: cdn
watch:
  - slides
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.arithmatex:
      generic: true
  - admonition
"""


def make_project(root: Path, decks: dict[str, str], *, node_modules: bool = True, mkdocs: str = MINIMAL_MKDOCS) -> Path:
    """Write decks (path under slides/ → text) into a fresh project (the slidesite package is installed)."""
    root.mkdir(parents=True, exist_ok=True)
    if node_modules:
        (root / "node_modules").symlink_to(REPO / "node_modules")
        # The live-cell runtime (bundle, Pyodide, font) is the same for every test project: built once.
        (root / ".cache").mkdir(exist_ok=True)
        shared = Project.at(REPO).runtime_cache
        shared.mkdir(parents=True, exist_ok=True)  # a fresh clone has none yet
        (root / ".cache" / "runtime").symlink_to(shared, target_is_directory=True)
    (root / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    (root / "slides").mkdir(exist_ok=True)
    for rel, text in MINIMAL_DOCS.items():
        (root / "docs" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / rel).write_text(text, encoding="utf-8")
    for rel, text in decks.items():
        path = root / "slides" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`scripts/build` for that project, as a user runs it (without the setup step)."""
    return subprocess.run(
        [sys.executable, "-m", "slidesite.build", "--config", str(root / "mkdocs.yml"), *args],
        cwd=root, capture_output=True, text=True, timeout=600,
    )


def deck(body: str, **meta: object) -> str:
    """A deck's text: front matter from meta (marp: true unless given) and the body."""
    meta = {"marp": True, "theme": "honwaka", **meta}
    lines = ["---"] + [f"{k}: {_yaml(v)}" for k, v in meta.items() if v is not None] + ["---", ""]
    return "\n".join(lines) + body.strip("\n") + "\n"


def _yaml(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


# One checked exercise (starter, solution, hint, checks), as an author writes it; tests build around it.
F_PRIME_EXERCISE = """\
```python exercise
def f_prime(x):
    return 0  # ここを書き換える
```

```python solution
def f_prime(x):
    return 2 * x
```

```python hint
x² を x で微分すると？
```

```python check
f_prime(3.0)
f_prime(-1.5)
```
"""
