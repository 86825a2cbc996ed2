"""The package's shape: MkDocs stays at its edge, stages import only what comes before them, and the
runner shipped to the browser imports nothing from the build."""

from __future__ import annotations

import ast

from slidesite.paths import PACKAGE_DIR

# The MkDocs adapter: the only modules that may import MkDocs or Material (README, "Site generator").
ADAPTER = {"plugin.py", "config.py", "build.py", "serve/speedups.py", "serve/dev_server.py"}
# What the browser's worker writes into Pyodide as the package slidesite.livecode.
BROWSER_RUNNER = {"livecode/__init__.py", "livecode/runner.py", "livecode/check.py", "livecode/mpl_backend.py",
                  "livecode/figure_alt.py"}


def _modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        if not rel.startswith("theme/"):
            found[rel] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def _imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(level, module) of every import: level 0 is absolute."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            out.append((node.level, node.module or ""))
    return out


def test_only_the_adapter_imports_mkdocs() -> None:
    modules = _modules()
    assert ADAPTER <= set(modules)
    offenders = sorted(rel for rel, tree in modules.items() if rel not in ADAPTER
                       for level, name in _imports(tree)
                       if level == 0 and name.split(".")[0] in {"mkdocs", "material"})
    assert offenders == []


def test_the_browser_runner_imports_nothing_from_the_build() -> None:
    modules = _modules()
    for rel in BROWSER_RUNNER:
        for level, name in _imports(modules[rel]):
            # Only siblings (from .check import …) and the standard library or numpy/matplotlib.
            assert level in (0, 1), (rel, level, name)
            assert level == 1 or name.split(".")[0] != "slidesite", (rel, name)


def test_every_stage_is_a_folder_the_tree_shows() -> None:
    stages = {p.name for p in PACKAGE_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert stages == {"source", "run", "livecode", "marp", "textbook", "site", "serve"}
    flat = {p.name for p in PACKAGE_DIR.glob("*.py")}
    assert flat == {"__init__.py", "plugin.py", "config.py", "build.py", "paths.py", "errors.py", "files.py",
                    "chromium.py"}


def test_the_reading_stage_depends_on_no_later_stage() -> None:
    """source/ is where a deck is read: it needs nothing that runs, compiles or writes."""
    for rel, tree in _modules().items():
        if rel.startswith("source/"):
            later = [name for level, name in _imports(tree) if level == 2 and name.split(".")[0] != "source"
                     and name.split(".")[0] not in {"errors", "paths", "files"}]
            assert later == [], (rel, later)
