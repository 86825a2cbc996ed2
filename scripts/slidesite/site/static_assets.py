"""Vendored browser files the site ships: site CSS/JS from theme/site, MathJax and KaTeX's CSS and fonts."""

from __future__ import annotations

from pathlib import Path

from ..errors import SetupError
from ..files import mirror
from ..paths import SITE_CSS_DIR

# sre/mathmaps: the speech rules the accessibility menu loads when a reader turns them on.
MATHJAX_PARTS = (
    "tex-mml-chtml.js",
    "input/tex/extensions/**/*",
    "output/chtml/fonts/woff-v2/*",
    "ui/*",
    "a11y/*",
    "sre/mathmaps/*",
)


# Decks with `math: katex` are rendered by the KaTeX marp-core bundles (package.json pins the same version):
# its stylesheet for textbook pages, its fonts for pages, slides and PDFs (woff2: every browser that runs
# the site reads it, so the older formats the CSS also names are never fetched).
KATEX_FOLDER = "assets/katex"
KATEX_CSS = f"{KATEX_FOLDER}/katex.min.css"
KATEX_FONTS_FROM_DECK = f"../../{KATEX_FOLDER}/fonts/"


def install_katex(site_dir: Path, node_modules: Path) -> None:
    """KaTeX's stylesheet and woff2 fonts (from node_modules) → assets/katex/."""
    katex = node_modules / "katex" / "dist"
    if not katex.exists():
        raise SetupError("KaTeX is not installed: run `npm ci`")
    mirror(katex, site_dir / KATEX_FOLDER, "katex.min.css")
    mirror(katex, site_dir / KATEX_FOLDER, "fonts/*.woff2")


def install_site_assets(site_dir: Path, node_modules: Path) -> None:
    """theme/site/* → assets/site/, MathJax and KaTeX (from node_modules) → assets/mathjax/, assets/katex/."""
    mirror(SITE_CSS_DIR, site_dir / "assets" / "site")
    mathjax = node_modules / "mathjax" / "es5"
    if not mathjax.exists():
        raise SetupError("MathJax is not installed: run `npm ci`")
    for part in MATHJAX_PARTS:
        mirror(mathjax, site_dir / "assets" / "mathjax", part)
    install_katex(site_dir, node_modules)
