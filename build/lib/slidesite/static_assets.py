"""Vendored browser files the site ships: site CSS/JS from theme/site and MathJax."""

from __future__ import annotations

from pathlib import Path

from .errors import SetupError
from .files import mirror
from .paths import SITE_CSS_DIR

# sre/mathmaps: the speech rules the accessibility menu loads when a reader turns them on.
MATHJAX_PARTS = (
    "tex-mml-chtml.js",
    "input/tex/extensions/**/*",
    "output/chtml/fonts/woff-v2/*",
    "ui/*",
    "a11y/*",
    "sre/mathmaps/*",
)


def install_site_assets(site_dir: Path, node_modules: Path) -> None:
    """theme/site/* → assets/site/, MathJax (from node_modules) → assets/mathjax/."""
    mirror(SITE_CSS_DIR, site_dir / "assets" / "site")
    mathjax = node_modules / "mathjax" / "es5"
    if not mathjax.exists():
        raise SetupError("MathJax is not installed: run `npm ci`")
    for part in MATHJAX_PARTS:
        mirror(mathjax, site_dir / "assets" / "mathjax", part)
