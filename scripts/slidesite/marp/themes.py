"""Marp themes (honwaka, 01dracula), site CSS and the self-hosted web fonts they use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..files import place
from ..paths import THEME_DIR
from .emoji import install_twemoji

# How build-time cell outputs look before the runtime takes over (or without it: PDF, no JS).
CELL_OUTPUT_CSS: Path = THEME_DIR / "site" / "cell-output.css"

# Theme CSS refers to fonts through this base: right for site/slides/<deck>/index.html.
FONT_URL_BASE = "../../assets/fonts"
MARP_BUILTIN_THEMES = frozenset({"default", "gaia", "uncover"})

_THEME_NAME = re.compile(r"@theme\s+([\w-]+)")
_FONTSOURCE_SRC = re.compile(r"src:\s*url\(\./files/(?P<file>[^)]+\.woff2)\)\s*format\('woff2'\)[^;]*;")


@dataclass(frozen=True)
class FontPackage:
    """One @fontsource package and the fontsource CSS files (weights/styles) we ship."""

    name: str
    styles: tuple[str, ...]  # fontsource CSS stems, e.g. "400", "400-italic"


FONT_PACKAGES: tuple[FontPackage, ...] = (
    FontPackage("m-plus-1p", ("400", "700")),
    FontPackage("jetbrains-mono", ("400", "700")),
    FontPackage("ibm-plex-sans", ("400", "400-italic", "700")),
    FontPackage("ibm-plex-sans-jp", ("400", "700")),
    FontPackage("ibm-plex-mono", ("400", "700")),
    # Marp's built-in gaia theme imports these from a font CDN; marp.config.mjs points it here instead.
    FontPackage("lato", ("400", "900")),
    FontPackage("roboto-mono", ("400", "700")),
)


def theme_files(own: Path | None = None) -> list[Path]:
    """The Marp theme CSS files decks may use, in a stable order: the shipped ones and a project's own
    (own: its theme/ folder), where a file whose `@theme` name is a shipped one's replaces it."""
    by_name = {theme_name(path): path for path in sorted(THEME_DIR.glob("*.css"))}
    if own is not None and own.is_dir() and own.resolve() != THEME_DIR.resolve():
        by_name.update({theme_name(path): path for path in sorted(own.glob("*.css"))})
    return [by_name[name] for name in sorted(by_name)]


def theme_name(css_file: Path) -> str:
    """The name a deck uses in `theme:`, read from the file's `@theme` comment."""
    match = _THEME_NAME.search(css_file.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{css_file}: no `@theme <name>` comment")
    return match.group(1)


def known_themes(own: Path | None = None) -> set[str]:
    """Every theme name a deck may use: ours, the project's own (see theme_files) and Marp's built-in ones."""
    return {theme_name(path) for path in theme_files(own)} | MARP_BUILTIN_THEMES


def themes_for_marp(out_dir: Path, fonts_url: str, own: Path | None = None) -> list[Path]:
    """Write the theme CSS for marp-cli `--theme-set` with fonts loaded from `fonts_url`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.css"):  # a project theme that was removed or renamed
        stale.unlink()
    written = []
    for source in theme_files(own):
        css = source.read_text(encoding="utf-8").replace(FONT_URL_BASE, fonts_url.rstrip("/"))
        target = out_dir / f"{theme_name(source)}.css"
        _write_if_changed(target, css)
        written.append(target)
    return written


def cell_output_style() -> str:
    """CELL_OUTPUT_CSS as a deck-wide <style> block, appended to a deck's Markdown for marp-cli."""
    css = CELL_OUTPUT_CSS.read_text(encoding="utf-8")
    return f"\n\n<style>\n{css.strip()}\n</style>\n"


def install_fonts(site_dir: Path, node_modules: Path) -> None:
    """Put the web fonts of node_modules/@fontsource into site_dir/assets/fonts: <package>.css, <package>/*.woff2.

    The emoji pictures the site's pages and decks use go along (site_dir/assets/twemoji/svg/).
    Each <package>.css keeps fontsource's unicode-range subsets (woff2 only), so a
    browser downloads only the subsets a page uses. Unchanged files are left alone.
    """
    fonts_dir = site_dir / "assets" / "fonts"
    for package in FONT_PACKAGES:
        source_dir = node_modules / "@fontsource" / package.name
        if not source_dir.is_dir():
            raise FileNotFoundError(f"{source_dir} is missing: run `npm ci`")
        css_parts = []
        for style in package.styles:
            css = (source_dir / f"{style}.css").read_text(encoding="utf-8")
            for file_name in _FONTSOURCE_SRC.findall(css):
                place(source_dir / "files" / file_name, fonts_dir / package.name / file_name)
            css_parts.append(_FONTSOURCE_SRC.sub(rf"src: url({package.name}/\g<file>) format('woff2');", css))
        _write_if_changed(fonts_dir / f"{package.name}.css", "\n".join(css_parts))
    install_twemoji(site_dir, node_modules, only_used=True)


def _write_if_changed(path: Path, text: str) -> None:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
