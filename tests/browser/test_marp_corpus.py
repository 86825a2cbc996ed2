"""What a reader sees of the Marp feature corpus (tests/marp_corpus.py) and of the site's own decks:
every text readable in both colour schemes, pictures in headings drawn, KaTeX formulas once, on pages,
slides and PDFs, nothing from off the site. One page load per page; screenshots in tests/artifacts/.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.support.marp_corpus import FEATURES, built_corpus_site, make_corpus_project
from tests.support.project import run_build
from tests.support.server import static_server

from .contrast import NO_TRANSITIONS, low_contrast, set_scheme
from .helpers import ARTIFACTS, font_loaded, screenshot, slide_is_drawn

SCHEMES = ("default", "slate")
DARK_SCREENSHOTS = {"colors", "dark-title", "katex", "header-footer"}  # where the dark scheme changes colours


@pytest.fixture(scope="session")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = built_corpus_site(tmp_path_factory.mktemp("corpus-browser"))
    with static_server(site) as server:
        yield server.url + "/"


def wait_for_cells(page: Page) -> None:
    """Live cells upgraded to editors (their text is what the contrast check must see)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.livecode-cell')].every(c => c.querySelector('.livecode .cm-content'))",
        timeout=60_000,
    )


def unreadable(page: Page) -> list[str]:
    """Texts below MIN_CONTRAST, in each scheme (the page is left in the light one)."""
    found = []
    for scheme in SCHEMES:
        set_scheme(page, scheme)
        found += [f"{scheme}: {t}" for t in low_contrast(page)]
    set_scheme(page, "default")
    return found


# Every page of the site in both schemes: tests/browser/test_accessibility.py (axe's colour-contrast at AA,
# stricter than the 3 : 1 this issue asked for, on every generated page and deck).


def test_cells_follow_the_palette_toggle(site_url: str, page: Page):
    """A reader who switches to dark mode keeps readable code: the cells' token colours follow at once."""
    page.goto(f"{site_url}lectures/02-gradient-descent/", wait_until="load")
    wait_for_cells(page)
    page.add_style_tag(content=NO_TRANSITIONS)
    schemes = "() => [...new Set([...document.querySelectorAll('.livecode')].map(c => c.dataset.scheme))]"
    assert page.evaluate(schemes) == ["light"]
    page.get_by_title("ダークモードに切り替え").click()
    page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
    assert page.evaluate(schemes) == ["dark"]
    assert not [t for t in low_contrast(page) if ".cm-" in t.path or "livecode" in t.path]
    page.locator(".livecode").first.scroll_into_view_if_needed()
    screenshot(page, "cells-after-palette-toggle")
    page.get_by_title("ライトモードに切り替え").click()
    assert page.evaluate(schemes) == ["light"]


@pytest.mark.parametrize("name", FEATURES)
def test_corpus_page_reads_and_shows_its_pictures(corpus_url: str, page: Page, name: str):
    page.goto(f"{corpus_url}lectures/{name}/", wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    problems = unreadable(page)
    assert not problems, "\n".join(problems)
    broken = page.evaluate(
        "() => [...document.querySelectorAll('article img')].filter(i => !(i.complete && i.naturalWidth > 0))"
        ".map(i => i.getAttribute('src'))")
    assert not broken, broken
    # Headings show what Marp rendered; their plain text is there for search only, never drawn.
    assert page.locator("article h2 .slide-heading-text").evaluate_all(
        "els => els.every(e => !e.checkVisibility())")
    section = page.locator("article h2").nth(1 if page.locator("article h2").count() > 1 else 0)
    section.scroll_into_view_if_needed()
    screenshot(page, f"corpus-page-{name}")
    if name in DARK_SCREENSHOTS:
        set_scheme(page, "slate")
        screenshot(page, f"corpus-page-{name}-slate")


def test_a_picture_in_a_heading_is_drawn_at_its_slide_size(corpus_url: str, page: Page):
    page.goto(f"{corpus_url}lectures/heading-pictures/", wait_until="load")
    icon = page.locator("h3#python-を使います slide-heading img")
    box = icon.bounding_box()
    assert box and box["height"] == pytest.approx(45, abs=1)  # h:60 on a 720-high slide, at the page's scale
    assert page.locator("h3#python-を使います").inner_text().strip().startswith("Python を使います")


def test_katex_formulas_read_once_on_the_page_and_the_slides(corpus_url: str, page: Page):
    page.goto(f"{corpus_url}lectures/katex/", wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    sizes = page.locator(".katex-mathml").evaluate_all("els => els.map(e => e.getBoundingClientRect().width)")
    assert len(sizes) >= 4 and max(sizes) <= 1  # KaTeX's MathML copy: for screen readers only
    assert page.evaluate("() => document.querySelector('article .slide-body .katex-html').offsetWidth") > 20
    assert font_loaded(page, "KaTeX_Main") and font_loaded(page, "KaTeX_Math")
    page.locator("article .katex-display").first.scroll_into_view_if_needed()
    screenshot(page, "corpus-katex-page")

    page.goto(f"{corpus_url}slides/katex/", wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    assert font_loaded(page, "KaTeX_Main")
    hidden = page.locator("section .katex-mathml").evaluate_all(
        "els => els.every(e => e.getBoundingClientRect().width <= 1)")
    assert hidden
    screenshot(page, "corpus-katex-slide")


@pytest.mark.parametrize("name", ["heading-pictures", "backgrounds", "dark-title", "colors", "size-4x3",
                                  "theme-gaia", "svg-media"])
def test_corpus_slides_draw(corpus_url: str, page: Page, name: str):
    page.goto(f"{corpus_url}slides/{name}/", wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    for number in (1, 2):
        page.goto(f"{corpus_url}slides/{name}/#{number}")
        page.wait_for_timeout(150)
        assert slide_is_drawn(page, f"corpus-slide-{name}-{number}"), f"{name} slide {number} is blank"


def test_pdfs_embed_katex_and_gaia_fonts_from_the_site(tmp_path: Path):
    """PDF export reads KaTeX's fonts and gaia's Lato from the local copies (no CDN): the PDFs embed them."""
    root = make_corpus_project(tmp_path / "p")
    for deck in (root / "slides").glob("*.md"):
        if deck.stem not in ("katex", "theme-gaia"):
            deck.unlink()
    done = run_build(root, "--pdf")
    assert done.returncode == 0, done.stderr
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, families in (("katex", ("KaTeX_Main", "KaTeX_Math")), ("theme-gaia", ("Lato",))):
        pdf = root / "site" / "slides" / name / f"{name}.pdf"
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert all(family in fonts for family in families), fonts
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                        str(ARTIFACTS / f"corpus-pdf-{name}")], check=True)
