"""Accessibility of the built site (issue #24): axe-core on every generated page and every deck in both
colour schemes, and a keyboard-only walk (run a cell, check an exercise, move to the next slide).

Cheap by design: one page load per page; both schemes are audited on that load (Material's palette
switched in place; a deck's media emulation switched), the second one for the rules that colours change;
a deck is audited with all its slides shown at once. Every violation found (failing or not) is written to
tests/artifacts/axe-<part>-of-<parts>.txt.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .axe import COLOUR_RULES, audit, failing
from .contrast import NO_TRANSITIONS, set_scheme
from .helpers import ARTIFACTS, screenshot

SCHEMES = ("default", "slate")
# Bespoke shows one slide and hides the rest (content-visibility, opacity): lay every slide out, one
# under the other, so one audit reads them all.
ALL_SLIDES = """
html, body { overflow: visible !important; height: auto !important; }
.bespoke-marp-parent { position: static !important; overflow: visible !important; }
svg.bespoke-marp-slide { position: static !important; display: block !important; content-visibility: visible !important;
  opacity: 1 !important; width: 1280px !important; height: 720px !important; }
.bespoke-marp-osc { display: none !important; }
"""


def generated_pages(site: Path) -> list[str]:
    found = sorted(p.parent.relative_to(site).as_posix() for p in site.glob("**/index.html"))
    return [p for p in found if not p.startswith(("slides/", "assets/"))]


def _last_part(selector: str) -> str:
    """`#\\31 1 > .section:nth-child(2)` → `.section`: what kind of text, not which one."""
    return re.split(r"[ \[:]+", selector.split(" > ")[-1])[0]


def wait_for_cells(page: Page) -> None:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.livecode-cell')].every(c => c.querySelector('.livecode .cm-content'))",
        timeout=60_000,
    )


# The audit is split so that pytest's workers share it (each part takes every PARTS-th page and deck).
PARTS = 4


@pytest.mark.parametrize("part", range(PARTS))
def test_axe_finds_nothing_serious_on_any_page_or_deck_in_either_scheme(
    built_site: Path, site_url: str, page: Page, part: int
):
    started = time.monotonic()
    all_pages = generated_pages(built_site)
    all_decks = sorted(p.parent.name for p in built_site.glob("slides/*/index.html"))
    assert len(all_pages) >= 15 and len(all_decks) >= 10
    pages, decks = all_pages[part::PARTS], all_decks[part::PARTS]
    problems: list[str] = []
    projected: list[str] = []
    everything: list[str] = []
    for path in pages:
        page.goto(f"{site_url}{path}/".replace("/./", "/"), wait_until="load")
        wait_for_cells(page)
        assert page.evaluate("document.documentElement.lang") == "ja", path
        for scheme, rules in zip(SCHEMES, (None, COLOUR_RULES), strict=True):
            set_scheme(page, scheme)
            found = audit(page, rules)
            everything += [f"{path} [{scheme}] {v}" for v in found]
            problems += [f"{path} [{scheme}] {v}" for v in failing(found)]
    for deck in decks:
        page.goto(f"{site_url}slides/{deck}/", wait_until="load")
        page.add_style_tag(content=NO_TRANSITIONS + ALL_SLIDES)
        # All slides are on show: none is the hidden "other slide" any more (Bespoke marks those aria-hidden).
        page.evaluate("() => document.querySelectorAll('svg.bespoke-marp-slide').forEach(s => s.removeAttribute('aria-hidden'))")
        langs = page.evaluate("() => [document.documentElement.lang, ...[...document.querySelectorAll("
                              "'section[id]')].map(s => s.lang)]")
        assert set(langs) == {"ja"}, f"{deck}: lang {sorted(set(langs))}"
        for scheme, rules in zip(("light", "dark"), (None, COLOUR_RULES), strict=True):
            page.emulate_media(color_scheme=scheme)
            found = audit(page, rules)
            everything += [f"slides/{deck} [{scheme}] {v}" for v in found]
            problems += [f"slides/{deck} [{scheme}] {v}" for v in failing(found, slides=True)]
            projected += [f"slides/{deck} {v.contrast}:1 {_last_part(v.target)}"
                          for v in found if v.rule == "color-contrast" and v.contrast]
    print(f"axe: {len(pages)} pages and {len(decks)} decks, two schemes each, in {time.monotonic() - started:.1f} s")
    print("slide texts under 4.5:1 (at least 3:1 on a projected slide):", *sorted(set(projected)), sep="\n  ")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"axe-{part + 1}-of-{PARTS}.txt").write_text("\n".join(everything) + "\n", encoding="utf-8")
    assert not problems, f"{len(problems)} violations\n" + "\n".join(problems[:60])


LOAD = 240_000  # ms: Pyodide's first start on a loaded 2-core machine
# Material's header controls show focus their own way, not with an outline on the focused element: the
# palette toggle's input is visually hidden and Material outlines its label's icon; the search field
# opens and turns white on focus.
MATERIAL_FOCUS = ("md-option", "md-search__input")

FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const ring = el.closest('.cm-editor') || el;
  const style = getComputedStyle(ring);
  return {
    tag: el.tagName.toLowerCase(), cls: String(el.className || ''), action: el.dataset.action || '',
    osc: el.dataset.bespokeMarpOsc || '', exercise: !!el.closest('.livecode[data-kind=exercise]'),
    ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1,
  };
}
"""


def tab_to(page: Page, wanted: str, limit: int = 400) -> dict[str, object]:
    """Press Tab until the focused element matches `wanted` (a JS predicate on FOCUSED_JS's record);
    every element passed on the way must show a focus ring."""
    unringed = []
    in_editor = False
    for _ in range(limit):
        if in_editor:
            page.keyboard.press("Escape")  # the editor keeps Tab for indenting: Esc, then Tab leaves it
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        in_editor = bool(focused and "cm-content" in str(focused["cls"]))
        if focused is None:
            continue
        if not focused["ring"] and not any(c in str(focused["cls"]) for c in MATERIAL_FOCUS):
            unringed.append(f"{focused['tag']}.{focused['cls']}")
        if page.evaluate(f"f => ({wanted})(f)", focused):
            assert not unringed, f"focused without a visible ring: {sorted(set(unringed))[:10]}"
            return focused
    raise AssertionError(f"Tab never reached {wanted}")


def test_keyboard_only_runs_a_cell_checks_an_exercise_and_turns_a_slide(site_url: str, page: Page):
    """Without a mouse (the figure's alt text at the end is checked with a click, not part of the walk)."""
    page.goto(f"{site_url}guide/livecode/", wait_until="load")
    wait_for_cells(page)
    page.add_style_tag(content=NO_TRANSITIONS)
    # Run the first cell with Enter on its Run button.
    tab_to(page, "f => f.action === 'run' && !f.exercise")
    page.keyboard.press("Enter")
    page.wait_for_selector('.livecode[data-output="live"]', timeout=LOAD)
    # The exercise: into its editor, type the answer, leave with Esc + Tab, check with Enter.
    tab_to(page, "f => f.exercise && f.cls.includes('cm-content')")
    page.keyboard.press("Control+a")
    page.keyboard.type("def square_sum(values): return sum(v ** 2 for v in values)")
    page.keyboard.press("Escape")
    tab_to(page, "f => f.exercise && f.action === 'check'", limit=20)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('.livecode[data-kind=exercise]').dataset.result === 'pass'", timeout=LOAD)
    screenshot(page, "keyboard-exercise-passed")
    # A figure drawn in the browser is described by what it shows, read from the PNG the runner made.
    first = page.locator(".livecode").first
    first.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type('import matplotlib.pyplot as plt\nplt.plot([1, 2], label="訓練")\n'
                       'plt.legend(); plt.xlabel("時間"); plt.title("損失")\nplt.show()\n')
    page.keyboard.press("Shift+Enter")
    figure = first.locator("img.livecode-figure")
    figure.wait_for(timeout=LOAD)
    assert figure.get_attribute("alt") == "損失（横軸 時間、凡例 訓練）"
    # A deck: the next slide with the arrow key, then with the toolbar's button (focus ring on its dark bar).
    page.goto(f"{site_url}slides/00-overview/", wait_until="load")
    # The runtime (loaded after `load`) puts the toolbar in the tab order and brings its focus ring.
    page.wait_for_function("() => document.querySelector('.slidesite-deck-download') && [...document.querySelectorAll("
                           "'link[rel=stylesheet]')].some(l => l.href.includes('livecode') && l.sheet)")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.hash === '#2'")
    tab_to(page, "f => f.osc === 'next'", limit=30)
    screenshot(page, "keyboard-deck-toolbar-focus")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#3'")
