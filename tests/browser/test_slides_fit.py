"""Nothing on any slide sticks out of the 16:9 slide box (cells included, before they run)."""

import pytest
from playwright.sync_api import Page
from slidesite.deck import read_deck
from slidesite.deckbuild import discover

from .helpers import REPO

pytestmark = pytest.mark.browser

# Elements whose far edge passes the slide's edge; children of scrolling boxes are clipped on purpose.
OVERFLOW_JS = """
() => {
  const slide = document.querySelector('svg.bespoke-marp-active section');
  const box = slide.getBoundingClientRect();
  const scale = box.width / 1280;
  const out = [];
  for (const el of slide.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (!el.checkVisibility()) continue;  // e.g. the menu of a closed <details>: not drawn
    let clipped = false;
    for (let p = el.parentElement; p && p !== slide; p = p.parentElement) {
      const o = getComputedStyle(p);
      if (/(auto|scroll|hidden)/.test(o.overflow + o.overflowX + o.overflowY)) { clipped = true; break; }
    }
    if (clipped) continue;
    const over = Math.max(r.right - box.right, r.bottom - box.bottom, box.left - r.left, box.top - r.top) / scale;
    if (over > 2) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} by ${Math.round(over)}px: ${(el.textContent || '').trim().slice(0, 40)}`);
  }
  return out;
}
"""

DECKS = [read_deck(p) for p in discover(REPO / "slides")]


@pytest.mark.parametrize("deck", DECKS, ids=[d.name for d in DECKS])
def test_no_slide_overflows(page: Page, site_url: str, deck):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{site_url}slides/{deck.name}/")
    page.wait_for_timeout(500)  # fonts and the cell runtime settle
    problems = []
    for number in range(1, len(deck.slides) + 1):
        page.goto(f"{site_url}slides/{deck.name}/#{number}")
        page.wait_for_function(
            f"() => [...document.querySelectorAll('svg[data-marpit-svg]')].findIndex(s => s.classList.contains('bespoke-marp-active')) === {number - 1}"
        )
        found = page.evaluate(OVERFLOW_JS)
        problems += [f"slide {number}: {item}" for item in found[:3]]
    assert problems == [], "\n".join(problems)
