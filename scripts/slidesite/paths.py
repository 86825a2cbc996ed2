"""Where files are: the package's own (beside this module) and a project's (beside its mkdocs.yml).

What the browser gets (Marp themes, site CSS, the live-cell runtime's JS and CSS) is package data
under `theme/`: in this repository a link to the top-level `theme/` folder, in a wheel a copy of it
(pyproject.toml). Everything else a build reads or writes belongs to the project being built and
is found from its mkdocs.yml (see `Project`).
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
MARP_CONFIG = PACKAGE_DIR / "marp" / "marp.config.mjs"
MARP_WORKER = PACKAGE_DIR / "marp" / "marp_worker.cjs"
THEME_DIR = PACKAGE_DIR / "theme"
SITE_CSS_DIR = THEME_DIR / "site"
LIVECODE_DIR = THEME_DIR / "livecode"
RUNNER_DIR = PACKAGE_DIR / "livecode"  # the Python runner: run at build and shipped to the browser


@functools.cache  # installed files do not change during a build (serve re-imports nothing either)
def package_version(*parts: str) -> str:
    """The package's version and a digest of its files (or of the given files and folders in it): what a
    cache key needs to know about the code that made an output, with nothing listed by hand."""
    digest = hashlib.sha256()
    for part in parts or (".",):
        top = PACKAGE_DIR / part
        files = [top] if top.is_file() else sorted(
            Path(folder) / name for folder, _, names in os.walk(top, followlinks=True) for name in names
            if not name.endswith((".pyc", ".pyo")))
        for path in files:
            digest.update(f"{path.relative_to(PACKAGE_DIR)}\0".encode() + path.read_bytes() + b"\0")
    return f"{version('slidesite')}+{digest.hexdigest()[:16]}"


@dataclass(frozen=True)
class Project:
    """The folders of the project being built, all absolute."""

    root: Path  # the folder of mkdocs.yml
    slides: Path
    cache: Path  # the one cache root (cache_dir, default .cache/): build/, jinja/, runtime/
    node_modules: Path  # marp-cli, esbuild, Pyodide, MathJax, fonts (`npm ci`)
    language: str = "en"  # the site's language (mkdocs.yml theme.language): decks without their own `lang`

    @classmethod
    def at(cls, root: Path, *, slides: str = "slides", cache: str = ".cache",
           node_modules: str = "node_modules", language: str = "en") -> Project:
        """A project whose folders are given relative to root (absolute paths are taken as they are)."""
        root = root.resolve()
        return cls(root, root / slides, root / cache, root / node_modules, language)

    @property
    def themes(self) -> Path:
        """The project's own Marp themes (theme/*.css): added to the shipped ones, or replacing one by name."""
        return self.root / "theme"

    @property
    def runtime_cache(self) -> Path:
        """The live-cell runtime built for the site: JS bundle, trimmed Pyodide, figure font."""
        return self.cache / "runtime"
