"""The site offline after one visit: its service worker, and what a first Python download costs.

`install(site)` runs last in a build. It writes
- assets/livecode/download-sizes.json: the bytes the first Run downloads (the Python core, and per
  package what the runtime fetches with it), from the files in this site, for the cell to say
  before a phone or Data Saver downloads them (offline.js);
- sw.js at the site's root (its scope is the whole site) from theme/offline/sw.js, with this
  build's version (a hash of every file but Python's), the shell every page needs (precached),
  and the fingerprint of Python's files (their cache survives deploys that leave them alone).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .livecode_assets import CORE_FILES, EXTRAS, PACKAGES
from .paths import THEME_DIR

SW_SOURCE = THEME_DIR / "offline" / "sw.js"
SW_NAME = "sw.js"
SIZES = "assets/livecode/download-sizes.json"
PYTHON_DIR = "assets/pyodide"
# What every page needs to show and run offline (a visited page's own files are cached as it loads).
SHELL_GLOBS = (
    "index.html", "404.html", "search/search_index.json",
    "assets/javascripts/bundle.*.min.js", "assets/javascripts/workers/search.*.min.js",
    "assets/javascripts/lunr/min/lunr.stemmer.support.min.js", "assets/javascripts/lunr/min/lunr.ja.min.js",
    "assets/javascripts/lunr/min/lunr.multi.min.js", "assets/javascripts/lunr/tinyseg.js",
    "assets/stylesheets/*.css", "assets/site/*", "assets/livecode/*", "assets/fonts/*.css",
    "assets/mathjax/tex-mml-chtml.js",
)
# Files of the runtime fetched with the core and with each package (see speedups.js).
CORE_EXTRAS = ("snapshot.bin.gz",)
PACKAGE_EXTRAS = {"numpy": ("pyc-numpy.zip",), "matplotlib": ("pyc-matplotlib.zip", "fontlist.json",
                                                              "livecode-jp-gothic.ttf")}


def install(site: Path) -> dict[str, int]:
    """Write download-sizes.json and sw.js into site; return their sizes and the shell's, in bytes."""
    sizes = download_sizes(site)
    (site / SIZES).write_text(json.dumps(sizes), encoding="utf-8")
    shell = shell_files(site)
    text = (SW_SOURCE.read_text(encoding="utf-8")
            .replace("__VERSION__", site_version(site))
            .replace("__SHELL__", json.dumps(shell, indent=0).replace("\n", ""))
            .replace("__PYTHON_KEY__", python_key(site)))
    (site / SW_NAME).write_text(text, encoding="utf-8")
    return {"sw.js": len(text.encode()), "shell": sum((site / p).stat().st_size for p in shell)}


def shell_files(site: Path) -> list[str]:
    """The shell's files, relative to the site root, in a stable order."""
    found = {p.relative_to(site).as_posix() for pattern in SHELL_GLOBS for p in site.glob(pattern) if p.is_file()}
    return sorted(f for f in found if not f.endswith(".map") and f != SIZES)


def site_version(site: Path) -> str:
    """A hash of every file of the site but Python's (and this worker): a new deploy, a new version."""
    digest = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or rel == SW_NAME or rel.startswith(PYTHON_DIR + "/"):
            continue
        digest.update(rel.encode() + b"\0" + _content_hash(path))
    return digest.hexdigest()[:16]


# (path, inode, size, mtime) → sha256: `serve` rehashes only what changed.
_HASHES: dict[tuple[str, int, int, int], bytes] = {}


def _content_hash(path: Path) -> bytes:
    st = path.stat()
    key = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
    found = _HASHES.get(key)
    if found is None:
        found = _HASHES[key] = hashlib.sha256(path.read_bytes()).digest()
    return found


def python_key(site: Path) -> str:
    """Names the cache of Python's files: their names, sizes and Pyodide's lock (which has their hashes)."""
    folder = site / PYTHON_DIR
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(folder).as_posix()}\0{path.stat().st_size}\0".encode())
    lock = folder / "pyodide-lock.json"
    if lock.exists():
        digest.update(lock.read_bytes())
    return digest.hexdigest()[:16]


def download_sizes(site: Path) -> dict[str, object]:
    """What the first Python download fetches, as [path under assets/pyodide/, bytes] pairs: the core,
    each package's wheel, the packages each importable one pulls in, and the runtime's extras for it.

    Empty when Python comes from elsewhere (a CDN): the site cannot tell what that costs.
    """
    folder = site / PYTHON_DIR
    lock_path = folder / "pyodide-lock.json"
    if not lock_path.exists():
        return {}
    lock = json.loads(lock_path.read_text(encoding="utf-8"))["packages"]

    def entry(rel: str) -> list[object]:
        path = folder / rel
        return [rel, path.stat().st_size if path.is_file() else 0]

    def with_depends(name: str, seen: set[str]) -> set[str]:
        if name in seen or name not in lock:
            return seen
        seen.add(name)
        for dep in lock[name].get("depends", []):
            with_depends(dep, seen)
        return seen

    core = [entry(f) for f in (*CORE_FILES, "pyodide-lock.json")] + [entry(f"{EXTRAS}/{f}") for f in CORE_EXTRAS]
    return {
        "core": core,
        "packages": {name: entry(info["file_name"]) for name, info in lock.items()},
        # By package, so a page that imports numpy and matplotlib counts numpy once (offline.js).
        "depends": {name: sorted(with_depends(name, set())) for name in PACKAGES},
        "extras": {name: [entry(f"{EXTRAS}/{f}") for f in PACKAGE_EXTRAS.get(name, ())] for name in PACKAGES},
    }
