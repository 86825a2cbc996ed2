"""Build options: one typed object, read from mkdocs.yml `extra.slidesite` and the build command."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError

CDN_PYODIDE = "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/"


@dataclass(frozen=True)
class Options:
    root: Path
    pdf: bool = False
    pyodide_url: str | None = None  # None: self-hosted under assets/pyodide/
    pyodide_packages_from: str | None = None


def from_mkdocs(config_file: Path, extra: dict[str, object]) -> Options:
    """Options from mkdocs.yml plus the environment the build command sets."""
    section = extra.get("livecode") or {}
    if not isinstance(section, dict):
        raise BuildError(config_file, "extra.livecode must be a mapping")
    unknown = set(section) - {"pyodide"}
    if unknown:
        names = ", ".join(sorted(unknown))
        raise BuildError(config_file, f"unknown key(s) in extra.livecode: {names} (known: pyodide)")
    source = str(section.get("pyodide", "self-hosted"))
    if source == "self-hosted":
        url = None
    elif source == "cdn":
        url = CDN_PYODIDE
    elif source.startswith(("https://", "http://")):
        url = source if source.endswith("/") else source + "/"
    else:
        raise BuildError(config_file, f"extra.livecode.pyodide must be self-hosted, cdn or a URL, not {source!r}")
    return Options(
        root=config_file.resolve().parent,
        pdf=os.environ.get("SLIDESITE_PDF") == "1",
        pyodide_url=url,
        pyodide_packages_from=os.environ.get("SLIDESITE_PYODIDE_PACKAGES_FROM") or None,
    )
