"""What a reader sees on textbook pages made from the torture decks (tests/torture_decks.py).

Each page's structure matches its deck slide by slide; the layout holds; titles are clean; emoji
and Japanese in code come from the site's own files (no request leaves 127.0.0.1, and the fonts
that draw Japanese code are the site's web fonts, not the machine's fonts-noto-cjk).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.torture_decks import SLIDE, built_torture_site  # noqa: E402

from .helpers import screenshot

pytestmark = pytest.mark.browser
PAGES = ("course-ch01", "course-ch02", "extra")

# Live cells are left out: the runtime turns their <pre> into an editor whenever it gets to them.
# Marp draws a code block as <marp-pre> (its auto-scaling element), a page as <pre>.
COUNTS_JS = """(root) => {
  const count = (sel) => [...root.querySelectorAll(sel)]
    .filter((el) => !el.closest('header, footer, .livecode-cell, .livecode')).length;
  return {li: count('li'), nested: count('li li'), br: count('br'), tr: count('tr'), table: count('table'),
          math: count('mjx-container'), emoji: count('img.emoji'), code: count('pre, marp-pre')};
}"""


@pytest.fixture(scope="module")
def torture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_torture_site(tmp_path_factory.mktemp("torture-browser"))


@pytest.fixture(scope="module")
def torture_url(torture_site: Path) -> Iterator[str]:
    from tests.support.server import StaticServer

    server = StaticServer(torture_site)
    yield server.url + "/"
    server.close()


def slide_counts(page, url: str) -> list[dict[str, int]]:
    page.goto(url)
    return page.evaluate(
        """(countsSrc) => {
          const counts = eval(countsSrc);
          const sections = [...document.querySelectorAll('svg[data-marpit-svg] > foreignObject > section')]
            .filter((s) => !['background', 'pseudo'].includes(s.dataset.marpitAdvancedBackground));
          return sections.map(counts);
        }""",
        COUNTS_JS,
    )


def page_counts(page, number: int) -> dict[str, int]:
    return page.evaluate(
        """([n, countsSrc]) => {
          const link = document.querySelector(`a.slide-link[href$="#${n}"]`);
          const body = link.parentElement.nextElementSibling;
          if (!body || !body.classList.contains('slide-body')) return null;
          return eval(countsSrc)(body);
        }""",
        [number, COUNTS_JS],
    )


def test_each_section_has_the_structure_of_its_slide(page, torture_url):
    deck = slide_counts(page, torture_url + "slides/course-ch01/")
    assert len(deck) == len(SLIDE)
    page.goto(torture_url + "lectures/course-ch01/")
    for name, number in SLIDE.items():
        if name == "lead":
            continue
        assert page_counts(page, number) == deck[number - 1], name
    lists = deck[SLIDE["lists"] - 1]
    assert (lists["li"], lists["nested"]) == (8, 4)
    assert deck[SLIDE["code"] - 1]["code"] == 1  # the plain code block (the live cell is not counted)
    assert deck[SLIDE["breaks"] - 1]["br"] == 5 and deck[SLIDE["table"] - 1]["tr"] == 4


@pytest.mark.parametrize("name", PAGES)
def test_layout_holds_and_titles_are_clean(page, torture_url, name):
    page.goto(torture_url + f"lectures/{name}/")
    page.wait_for_load_state("load")
    layout = page.evaluate(
        """() => {
          const article = document.querySelector('article').getBoundingClientRect();
          const bodies = [...document.querySelectorAll('.slide-body')].map((b) => b.getBoundingClientRect());
          return {width: article.width, right: article.right,
                  widest: Math.max(0, ...bodies.map((b) => b.right)),
                  scroll: document.documentElement.scrollWidth, view: window.innerWidth,
                  title: document.title, h1: document.querySelector('article h1').textContent};
        }"""
    )
    assert layout["width"] > 600, layout
    assert layout["widest"] <= layout["right"] + 1, layout
    assert layout["scroll"] <= layout["view"], layout
    assert not re.search(r"[*`<>]|__|\]\(", layout["title"]), layout["title"]
    if name == "course-ch01":
        screenshot(page, "textbook-torture-ch01")


def test_titles_tell_decks_with_the_same_first_heading_apart(page, torture_url):
    titles = []
    for name in PAGES:
        page.goto(torture_url + f"lectures/{name}/")
        titles.append(page.title())
    assert len(set(titles)) == len(titles), titles
    assert titles[0].startswith("[1] 「学習」") and titles[1].startswith("[2] 「勾配」")


def platform_fonts(page, selector: str, text: str) -> list[dict[str, object]]:
    """The fonts Chromium used for the element under selector whose own text contains text."""
    found = page.evaluate(
        """([selector, text]) => {
          for (const el of document.querySelectorAll(selector + ', ' + selector + ' *')) {
            if ([...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.includes(text))) {
              el.setAttribute('data-font-probe', '1');
              return true;
            }
          }
          return false;
        }""",
        [selector, text],
    )
    assert found, (selector, text)
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "[data-font-probe]"})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    page.evaluate("() => document.querySelector('[data-font-probe]').removeAttribute('data-font-probe')")
    cdp.detach()
    return fonts


def test_emoji_and_japanese_code_come_from_the_sites_own_files(page, torture_url):
    page.goto(torture_url + "lectures/course-ch01/")
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready")
    emoji = page.evaluate(
        "() => [...document.querySelectorAll('img.emoji')].map((i) => [i.currentSrc, i.complete && i.naturalWidth])"
    )
    assert len(emoji) >= 6
    for src, width in emoji:
        assert src.startswith(torture_url + "assets/twemoji/svg/") and width, (src, width)
    # A code block and a live cell (its CodeMirror editor once the runtime has taken over).
    page.wait_for_selector(".cm-content", timeout=20_000)
    page.evaluate("() => document.fonts.ready")
    for selector, text in (("pre > code", "日本語のコメント"), (".cm-content", "セルの中の日本語")):
        page.locator(selector).filter(has_text=text).first.scroll_into_view_if_needed()
        page.evaluate("() => document.fonts.ready")
        fonts = platform_fonts(page, selector, text)
        assert fonts and all(f["isCustomFont"] for f in fonts), (selector, fonts)
        assert "M PLUS 1p" in {f["familyName"] for f in fonts}, (selector, fonts)
    screenshot(page, "textbook-torture-code")


def test_deck_draws_emoji_and_japanese_code_with_the_sites_files(page, torture_url):
    page.goto(torture_url + f"slides/course-ch01/#{SLIDE['code']}")
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready")
    fonts = platform_fonts(page, f'section[id="{SLIDE["code"]}"] code', "日本語のコメント")
    assert fonts and all(f["isCustomFont"] for f in fonts), fonts
    emoji = page.evaluate(
        "() => [...document.querySelectorAll('img[data-marp-twemoji]')].map((i) => i.getAttribute('src'))"
    )
    assert emoji and all(src.startswith("../../assets/twemoji/svg/") for src in emoji), emoji
