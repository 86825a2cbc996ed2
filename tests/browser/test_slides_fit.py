"""Nothing on any slide sticks out of the 16:9 slide box (cells included, before they run)."""

import pytest
from playwright.sync_api import Page
from slidesite.marp.compile import discover
from slidesite.source.deck import read_deck

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
    if (el.parentElement && el.parentElement.closest('mjx-container')) continue;  // a formula is measured whole
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


# Show each slide in turn (through the URL hash, as a reader's link does) and collect what sticks out;
# one call for the whole deck: a round trip from Python per slide made this test slow.
EVERY_SLIDE_JS = """
async ([count, overflow]) => {
  const check = eval(overflow);
  const active = () => [...document.querySelectorAll('svg[data-marpit-svg]')]
    .findIndex((s) => s.classList.contains('bespoke-marp-active'));
  const problems = [];
  for (let n = 1; n <= count; n++) {
    location.hash = '#' + n;
    let frames = 0;
    while (active() !== n - 1 && frames++ < 300) await new Promise((r) => requestAnimationFrame(r));
    await new Promise((r) => requestAnimationFrame(r));
    if (active() !== n - 1) { problems.push(`slide ${n}: never became the active slide`); continue; }
    problems.push(...check().slice(0, 3).map((item) => `slide ${n}: ${item}`));
  }
  return problems;
}
"""


@pytest.mark.parametrize("deck", DECKS, ids=[d.name for d in DECKS])
def test_no_slide_overflows(page: Page, site_url: str, deck):
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{site_url}slides/{deck.name}/")
    page.wait_for_timeout(500)  # fonts and the cell runtime settle
    problems = page.evaluate(EVERY_SLIDE_JS, [len(deck.slides), OVERFLOW_JS])
    assert problems == [], "\n".join(problems)
