"""What a student sees on the built site: lecture pages, embedded decks, search, dark mode, PDFs."""

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from slidesite.marp.compile import discover
from slidesite.source.deck import read_deck

from .helpers import REPO, screenshot

pytestmark = pytest.mark.browser
DECKS = [read_deck(p) for p in discover(REPO / "slides")]


def first_deck():
    return next(d for d in DECKS if d.lecture is not None)


def test_lecture_page_embeds_the_deck_and_arrow_key_moves_to_slide_2(page: Page, site_url: str):
    deck = first_deck()
    page.goto(f"{site_url}lectures/{deck.name}/")
    expect(page.locator("h1").first).to_contain_text(deck.title)
    frame_el = page.locator(".deck-embed iframe")
    expect(frame_el).to_be_visible()
    frame = page.frame_locator(".deck-embed iframe")
    expect(frame.locator("svg.bespoke-marp-active")).to_have_count(1)
    active = frame.locator("svg.bespoke-marp-active")
    expect(active).to_have_attribute("data-marpit-svg", "")
    deck_frame = next(f for f in page.frames if f.url.startswith(f"{site_url}slides/{deck.name}/"))
    assert deck_frame.evaluate("() => [...document.querySelectorAll('svg[data-marpit-svg]')].findIndex(s => s.classList.contains('bespoke-marp-active'))") == 0
    frame_el.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "f => f.contentWindow.location.hash === '#2'", arg=frame_el.element_handle(), timeout=5000
    )
    index = deck_frame.evaluate(
        "() => [...document.querySelectorAll('svg[data-marpit-svg]')].findIndex(s => s.classList.contains('bespoke-marp-active'))"
    )
    assert index == 1
    present = page.locator(".deck-actions a[data-action=present]")
    expect(present).to_have_attribute("href", re.compile(rf"(\.\./\.\./|{site_url})slides/{deck.name}/$"))
    screenshot(page, f"lecture-{deck.name}")


def test_present_button_opens_the_deck_in_its_own_window(page: Page, site_url: str):
    deck = first_deck()
    page.goto(f"{site_url}lectures/{deck.name}/")
    with page.context.expect_page() as popup_info:
        page.locator(".deck-actions a[data-action=present]").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url == f"{site_url}slides/{deck.name}/"
    expect(popup.locator("svg.bespoke-marp-active")).to_have_count(1)


def test_textbook_sections_link_to_their_slides(page: Page, site_url: str):
    deck = first_deck()
    page.goto(f"{site_url}lectures/{deck.name}/")
    links = page.locator("a.slide-link")
    assert links.count() >= len(deck.slides) - 1
    last = links.last
    href = last.get_attribute("href")
    assert re.fullmatch(rf"(\.\./\.\./|{site_url})slides/{deck.name}/#\d+", href)
    last.click()
    page.wait_for_url(re.compile(rf"/slides/{deck.name}/#\d+$"))
    number = int(page.url.rsplit("#", 1)[1])
    idx = page.evaluate(
        "() => [...document.querySelectorAll('svg[data-marpit-svg]')].findIndex(s => s.classList.contains('bespoke-marp-active'))"
    )
    assert idx == number - 1


def _slide_only_word() -> tuple[str, str]:
    """A Japanese word from a slide body that no hand-written docs page contains."""
    docs = "".join(p.read_text() for p in (REPO / "docs").rglob("*.md"))
    for deck in DECKS:
        for slide in deck.slides[1:]:
            for word in re.findall(r"[\u4e00-\u9fff]{3,6}", "\n".join(slide.lines)):
                if word not in docs and len(word) >= 3:
                    return word, deck.title
    raise AssertionError("no slide-only word found")


def test_search_finds_a_japanese_word_that_is_only_on_a_slide(page: Page, site_url: str):
    word, title = _slide_only_word()
    page.goto(site_url)
    page.keyboard.press("/")  # Material's search shortcut
    page.locator("input.md-search__input").fill(word)
    results = page.locator(".md-search-result__item")
    expect(results.first).to_be_visible(timeout=15000)
    expect(page.locator(".md-search-result")).to_contain_text(word)


def test_dark_mode_toggle_switches_the_scheme(page: Page, site_url: str):
    page.goto(site_url)
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    before = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    after = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert before != after
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate")


def test_instant_navigation_keeps_working_between_lecture_pages(page: Page, site_url_for_instant_navigation: str):
    site_url = site_url_for_instant_navigation
    page.goto(site_url)
    page.evaluate("() => { window.__marker = 42 }")
    deck = first_deck()
    page.locator(f".lecture-table a[href$='lectures/{deck.name}/']").first.click()
    page.wait_for_url(f"{site_url}lectures/{deck.name}/")
    expect(page.locator(".deck-embed iframe")).to_be_visible()
    assert page.evaluate("() => window.__marker") == 42  # no full page load


def test_every_deck_has_a_pdf_with_its_japanese_title(built_site):
    for deck in DECKS:
        pdf = built_site / "slides" / deck.name / f"{deck.name}.pdf"
        assert pdf.is_file(), pdf
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        squashed = re.sub(r"\s+", "", text)
        title = re.sub(r"\s+", "", deck.title)
        assert title in squashed or re.sub(r"^\[\d+\]", "", title) in squashed, (deck.name, text[:200])


def test_lecture_page_links_the_pdf(page: Page, site_url: str):
    deck = first_deck()
    page.goto(f"{site_url}lectures/{deck.name}/")
    link = page.locator(".deck-actions a", has_text="PDF")
    expect(link).to_have_attribute("href", re.compile(rf"(\.\./\.\./|{site_url})slides/{deck.name}/{deck.name}\.pdf$"))
    response = page.request.get(f"{site_url}slides/{deck.name}/{deck.name}.pdf")
    assert response.ok and response.body()[:5] == b"%PDF-"


def test_math_renders_and_the_speech_explorer_works_offline(page: Page, site_url: str):
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(site_url + "articles/derivative/")
    page.wait_for_function("document.querySelectorAll('mjx-container').length > 10")
    assert page.locator(".arithmatex mjx-container").count() == page.locator(".arithmatex").count()
    # A reader turns on MathJax's speech (menu → Accessibility); its rules load from our own site.
    page.evaluate("MathJax.startup.document.menu.menu.pool.lookup('explorer').setValue(true)")
    page.wait_for_function("document.querySelector('mjx-container[aria-label]') !== null", timeout=30_000)
    page.wait_for_timeout(500)
    assert page.locator(".arithmatex mjx-container").count() == page.locator(".arithmatex").count()
    assert page.locator("mjx-container").first.get_attribute("aria-label") == "x squared"
    assert failed == []


def test_math_in_a_heading_renders_in_the_table_of_contents(page: Page, site_url: str, built_site: Path):
    with_math = sorted(p for p in (built_site / "lectures").glob("*/index.html")
                       if re.search(r'<h[2-6][^>]*>[^\n]*class="arithmatex"', p.read_text(encoding="utf-8")))
    assert with_math, "no lecture has a heading with math: this test needs one"
    page.goto(f"{site_url}lectures/{with_math[0].parent.name}/")
    toc = page.locator(".md-sidebar--secondary .md-nav__link")
    page.wait_for_function("document.querySelector('.md-sidebar--secondary .md-nav__link mjx-container') !== null")
    assert not [t for t in toc.all_inner_texts() if "\\(" in t]


TOOLBAR_BOXES = """() => {
    const cell = [...document.querySelectorAll('.livecode')].find(c => c.getBoundingClientRect().height > 0);
    return ['.livecode-run', '.livecode-more > summary'].map(s => {
        const r = cell.querySelector(s).getBoundingClientRect();
        return [Math.round(r.top), Math.round(r.height)];
    });
}"""


@pytest.mark.parametrize("view", ["lectures", "slides"])
def test_cell_toolbar_menu_is_a_plain_button_in_line_with_run(page: Page, site_url: str, view: str):
    """Material draws a <details> as an admonition and Marp themes give it margins; the "…" menu must stay a button."""
    deck = first_deck()
    page.goto(f"{site_url}{view}/{deck.name}/")
    page.wait_for_selector(".livecode", state="attached")
    if view == "slides":
        n = page.evaluate("[...document.querySelectorAll('svg[data-marpit-svg]')].findIndex(s => s.querySelector('.livecode')) + 1")
        page.goto(f"{site_url}slides/{deck.name}/#{n}")
        page.wait_for_timeout(300)
    summary = page.locator(".livecode .livecode-more > summary").locator("visible=true").first
    summary.wait_for()
    draws_icon = "s => (cs => cs.display !== 'none' && !['none', 'normal'].includes(cs.content))(getComputedStyle(s, '::before'))"
    assert summary.evaluate(draws_icon) is False
    run_box, menu_box = page.evaluate(TOOLBAR_BOXES)
    assert abs(run_box[0] - menu_box[0]) <= 2 and abs(run_box[1] - menu_box[1]) <= 2, (run_box, menu_box)
    summary.click()
    expect(page.locator(".livecode-menu [data-action=restart]").locator("visible=true")).to_have_count(1)
