"""The plugin's settings in mkdocs.yml (`plugins: - slidesite: {…}`), typed and checked when loaded."""

from __future__ import annotations

from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from .livecode.assets import CDN_URL as CDN_PYODIDE


class PyodideSource(c.OptionallyRequired[str]):
    """`self-hosted` (copied into the site), `cdn` (jsDelivr) or the URL of a Pyodide 0.27.7 folder."""

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"expected self-hosted, cdn or a URL, not {value!r}")
        if value in ("self-hosted", "cdn"):
            return value
        if value.startswith(("https://", "http://")):
            return value if value.endswith("/") else value + "/"
        raise ValidationError(f"must be self-hosted, cdn or a URL, not {value!r}")


class SlideSiteConfig(base.Config):
    enabled = c.Type(bool, default=True)

    # The project's folders, relative to mkdocs.yml.
    slides_dir = c.Type(str, default="slides")
    cache_dir = c.Type(str, default=".cache")
    node_modules = c.Type(str, default="node_modules")

    # Output: `scripts/build --pdf` turns this on for one build.
    pdf = c.Type(bool, default=False)

    # Live cells.
    pyodide = PyodideSource(default="self-hosted")
    # A folder or URL holding the Pyodide package files (default: the PyPI download, see livecode/assets.py).
    pyodide_packages_from = c.Optional(c.Type(str))
    # `serve` reloads the page on every save, and starting Python (seconds of CPU) after each reload took
    # the cores the next rebuild needed: preload only once the author has stayed on the page this long.
    serve_preload_delay_ms = c.Type(int, default=5000)

    # The speed-ups that reach into MkDocs', Material's, watchdog's and Jinja's internals (serve/speedups.py);
    # each already turns itself off with a dependency version it was not tested with.
    speedups = c.Type(bool, default=True)

    @property
    def pyodide_url(self) -> str | None:
        """Where pages load Pyodide from; None when it is self-hosted under assets/pyodide/."""
        source: str = self.pyodide
        return None if source == "self-hosted" else CDN_PYODIDE if source == "cdn" else source


def moved_settings(extra: dict[str, Any]) -> list[str]:
    """Settings of the old MkDocs hook still in mkdocs.yml `extra`, each with where it moved."""
    moved = []
    section = extra.get("livecode")
    if isinstance(section, dict) and "pyodide" in section:
        moved.append("extra.livecode.pyodide moved to the plugin: `plugins: - slidesite: {pyodide: …}`")
    elif section is not None:
        moved.append("extra.livecode is no longer read: set the slidesite plugin's options instead")
    return moved
