"""The gallery decks as a person sees them in Chromium: theme colours, boxes, fonts, page numbers, 4:3."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from slidesite.marp import themes

from tests.support.server import OfflineGuard, StaticServer, offline_context, static_server

from .helpers import REPO, font_loaded, open_pages, slide_is_drawn, style

ROOT = REPO

MARP = ROOT / "node_modules" / ".bin" / "marp"
GALLERIES = ("gallery-honwaka", "gallery-01dracula")
STEELBLUE = "rgb(70, 130, 180)"
# One <section> per slide: background-image slides add extra layers marked with this attribute.
SLIDES = 'section:not([data-marpit-advanced-background="background"], [data-marpit-advanced-background="pseudo"])'



FOUR_THREE = """---
marp: true
theme: {theme}
size: 4:3
paginate: true
---

<!-- _header: 4:3 のスライド -->

## 4:3 でも同じ見た目
"""


def build_gallery_site(site_dir: Path, work_dir: Path) -> None:
    """Compile the gallery decks as the build does: site/slides/<deck>/index.html + fonts + images."""
    themes.install_fonts(site_dir, ROOT / "node_modules")
    theme_css = themes.themes_for_marp(work_dir / "themes", themes.FONT_URL_BASE)
    in_dir, out_dir = work_dir / "decks", work_dir / "html"
    in_dir.mkdir()
    for deck in GALLERIES:
        shutil.copy(ROOT / "slides" / f"{deck}.md", in_dir)
    for theme in ("honwaka", "01dracula"):
        (in_dir / f"four-three-{theme}.md").write_text(FOUR_THREE.format(theme=theme), encoding="utf-8")
    subprocess.run(
        [str(MARP), "--no-stdin", "--html", "-I", str(in_dir), "-o", str(out_dir), "--theme-set", *map(str, theme_css)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    for deck in (*GALLERIES, "four-three-honwaka", "four-three-01dracula"):
        deck_dir = site_dir / "slides" / deck
        deck_dir.mkdir(parents=True, exist_ok=True)
        shutil.move(out_dir / f"{deck}.html", deck_dir / "index.html")
        if deck in GALLERIES:
            shutil.copytree(ROOT / "slides" / "img" / deck, deck_dir / "img" / deck, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def gallery_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    if not MARP.exists():
        pytest.fail("marp-cli missing: run `npm ci`")
    site_dir = tmp_path_factory.mktemp("site")
    build_gallery_site(site_dir, tmp_path_factory.mktemp("work"))
    with static_server(site_dir) as site:
        yield site


@pytest.fixture(scope="module")
def deck_context(browser: Browser) -> Iterator[tuple[BrowserContext, OfflineGuard]]:
    """Every request outside 127.0.0.1 aborted (and failing at teardown); the local ones remembered."""
    with offline_context(browser, viewport={"width": 1280, "height": 720}) as guarded:
        yield guarded


@pytest.fixture(scope="module")
def deck_pages(gallery_site: StaticServer, deck_context: tuple[BrowserContext, OfflineGuard]) -> dict[str, Page]:
    """One open page per gallery deck."""
    return open_pages(deck_context[0], {deck: f"{gallery_site.url}/slides/{deck}/" for deck in GALLERIES})


def test_no_request_leaves_the_machine(deck_pages: dict[str, Page], deck_context: tuple[BrowserContext, OfflineGuard]) -> None:
    assert deck_pages
    assert deck_context[1].blocked == []


def test_honwaka_header_is_steelblue_with_dotted_rule(deck_pages: dict[str, Page]) -> None:
    page = deck_pages["gallery-honwaka"]
    header = "section:not(.lead) header"
    assert style(page, header, "color") == STEELBLUE
    assert style(page, header, "font-weight") == "700"
    assert style(page, header, "border-bottom-style") == "dotted"
    assert style(page, header, "border-bottom-width") == "5px"
    assert style(page, header, "top") == "30px"


def test_honwaka_lead_slide(deck_pages: dict[str, Page]) -> None:
    page = deck_pages["gallery-honwaka"]
    assert style(page, "section.lead h1", "color") == STEELBLUE
    assert style(page, "section.lead h1", "font-weight") == "400"
    assert style(page, "section.lead h1 strong", "font-weight") == "700"
    assert style(page, "section.lead p", "text-align") == "right"


@pytest.mark.parametrize(
    ("selector", "background"),
    [
        (".def", "rgb(224, 242, 241)"),
        (".thm", "rgba(174, 249, 174, 0.243)"),
        (".proof", "rgba(249, 174, 213, 0.196)"),
    ],
)
def test_honwaka_boxes(deck_pages: dict[str, Page], selector: str, background: str) -> None:
    page = deck_pages["gallery-honwaka"]
    assert style(page, selector, "background-color") == background
    assert style(page, selector, "border-top-left-radius") == "30px"
    assert style(page, selector, "border-top-color") == "rgb(204, 204, 204)"


def test_honwaka_box_followed_by_content_has_bottom_margin(deck_pages: dict[str, Page]) -> None:
    assert style(deck_pages["gallery-honwaka"], ".thm", "margin-bottom") == "20px"


def test_honwaka_labels_and_inline_classes(deck_pages: dict[str, Page]) -> None:
    page = deck_pages["gallery-honwaka"]
    assert style(page, ".section", "position") == "absolute"
    assert style(page, ".section", "color") == STEELBLUE
    assert style(page, ".cite", "position") == "absolute"
    assert style(page, ".cite", "border-top-color") == "rgb(127, 127, 127)"
    assert style(page, ".red", "color") == "rgb(255, 0, 0)"
    assert style(page, ".dot-text", "text-emphasis-style") in ("circle", "filled circle")
    assert style(page, ".dot-text", "text-emphasis-color") == "rgb(255, 152, 0)"
    assert "rgba(255, 165, 0, 0.6)" in style(page, ".lined", "background-image")
    assert style(page, ".orangelined", "background-image") == style(page, ".lined", "background-image")
    assert style(page, ".columns", "display") == "grid"


def test_honwaka_code_cell_variables(deck_pages: dict[str, Page]) -> None:
    page = deck_pages["gallery-honwaka"]
    assert style(page, "section", "--lc-accent").strip() == "#4682b4"
    assert "JetBrains Mono" in style(page, "section", "--lc-code-font")
    assert "JetBrains Mono" in style(page, ":is(pre, marp-pre)", "font-family")


def test_dracula_palette(deck_pages: dict[str, Page]) -> None:
    page = deck_pages["gallery-01dracula"]
    assert style(page, "section", "background-color") == "rgb(40, 42, 54)"
    assert style(page, "section", "color") == "rgb(248, 248, 242)"
    assert style(page, "section:not(.title) h2", "color") == "rgb(255, 121, 198)"
    assert style(page, "p > code", "color") == "rgb(80, 250, 123)"
    assert style(page, "th", "color") == "rgb(241, 250, 140)"
    assert style(page, "blockquote", "color") == "rgb(255, 184, 108)"
    assert style(page, "footer", "color") == "rgb(98, 114, 164)"
    assert style(page, "section.title", "text-align") == "center"
    assert style(page, "section", "--lc-bg").strip() == "#282a36"


@pytest.mark.parametrize("deck", GALLERIES)
def test_long_code_shrinks_to_fit_the_slide(deck_pages: dict[str, Page], deck: str) -> None:
    page = deck_pages[deck]
    heights = page.eval_on_selector_all(
        "marp-pre",
        "els => els.map(e => e.getBoundingClientRect().height / e.closest('svg').getBoundingClientRect().height)",
    )
    assert heights, "code blocks were not upgraded to auto-scaling <marp-pre>"
    assert max(heights) < 0.85


@pytest.mark.parametrize("theme", ["honwaka", "01dracula"])
def test_four_three_size(gallery_site: StaticServer, browser: Browser, theme: str) -> None:
    with offline_context(browser, viewport={"width": 960, "height": 720}) as (context, _):
        page = context.new_page()
        page.goto(f"{gallery_site.url}/slides/four-three-{theme}/", wait_until="load")
        page.add_style_tag(content=".bespoke-marp-osc { display: none !important; }")  # the on-screen controls
        assert (style(page, "section", "width"), style(page, "section", "height")) == ("960px", "720px")
        assert slide_is_drawn(page, f"four-three-{theme}")


@pytest.mark.parametrize("deck", GALLERIES)
def test_page_numbers(deck_pages: dict[str, Page], deck: str) -> None:
    page = deck_pages[deck]
    numbered = page.eval_on_selector_all(SLIDES + "[data-marpit-pagination]", "els => els.length")
    total = page.eval_on_selector_all(SLIDES, "els => els.length")
    assert numbered >= total - 1 >= 8  # the 01dracula title slide turns it off
    content = style(page, "section[data-marpit-pagination]", "content", "::after")
    assert content not in ("", "none", "normal")


@pytest.mark.parametrize(
    ("deck", "family", "package"),
    [
        ("gallery-honwaka", "M PLUS 1p", "m-plus-1p"),
        ("gallery-honwaka", "JetBrains Mono", "jetbrains-mono"),
        ("gallery-01dracula", "IBM Plex Sans JP", "ibm-plex-sans-jp"),
        ("gallery-01dracula", "IBM Plex Mono", "ibm-plex-mono"),
    ],
)
def test_fonts_come_from_the_site(
    deck_pages: dict[str, Page], deck_context: tuple[BrowserContext, OfflineGuard], deck: str, family: str, package: str
) -> None:
    page = deck_pages[deck]
    assert font_loaded(page, family), f"no face of {family} loaded"
    assert any(f"/assets/fonts/{package}/" in url for url in deck_context[1].local)


@pytest.mark.parametrize("deck", GALLERIES)
def test_every_slide_draws_something(deck_pages: dict[str, Page], gallery_site: StaticServer, deck: str) -> None:
    """Each slide's screenshot (kept in tests/artifacts/ for a person to look at) is more than one colour."""
    page = deck_pages[deck]
    count = page.eval_on_selector_all(SLIDES, "els => els.length")
    assert count >= 9
    blank = []
    for number in range(1, count + 1):
        page.goto(f"{gallery_site.url}/slides/{deck}/#{number}", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_timeout(150)
        if not slide_is_drawn(page, f"{deck}-{number:02d}"):
            blank.append(number)
    assert blank == []
