"""Where files are: the package's own (beside this module) and a project's (beside its mkdocs.yml).

The package is installed from a checkout (`pip install -e .`, see pyproject.toml): what the
browser gets (Marp themes, site CSS, the live-cell runtime) lives in the checkout's `theme/`,
next to the folder that holds the package. Everything else a build reads or writes belongs to
the project being built and is found from its mkdocs.yml (see `Project`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
MARP_CONFIG = PACKAGE_DIR / "marp.config.mjs"
MARP_WORKER = PACKAGE_DIR / "marp_worker.cjs"
# The checkout's theme/ (scripts/slidesite/ → scripts/ → the checkout).
THEME_DIR = PACKAGE_DIR.parent.parent / "theme"
SITE_CSS_DIR = THEME_DIR / "site"
LIVECODE_DIR = THEME_DIR / "livecode"
RUNNER_DIR = PACKAGE_DIR / "livecode"  # the Python runner: run at build and shipped to the browser


@dataclass(frozen=True)
class Project:
    """The folders of the project being built, all absolute."""

    root: Path  # the folder of mkdocs.yml
    slides: Path
    cache: Path  # build cache (.cache/): compiled decks, Jinja bytecode
    node_modules: Path  # marp-cli, esbuild, Pyodide, MathJax, fonts (`npm ci`)

    @classmethod
    def at(cls, root: Path, *, slides: str = "slides", cache: str = ".cache",
           node_modules: str = "node_modules") -> Project:
        """A project whose folders are given relative to root (absolute paths are taken as they are)."""
        root = root.resolve()
        return cls(root, root / slides, root / cache, root / node_modules)
