"""Ink on slides (theme/livecode/src/ink*.js) in the built site: drawing with a mouse, a pen and a
finger, the tools, the presenter ↔ audience mirror, what is kept, and what it never gets in the way of.

Pen and touch input go through Chromium's DevTools input domain (Input.dispatchMouseEvent with
pointerType "pen", Input.dispatchTouchEvent), so the page sees the same pointer and touch events a
tablet sends; Marp's swipe (touch events) runs as it would.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, CDPSession, Page, expect

from .helpers import screenshot

pytestmark = pytest.mark.browser

DECK = "gallery-honwaka"  # 15 slides; slide 11 holds cell 1 (pure Python)
DARK_DECK = "gallery-01dracula"
KEY = f"livecode:ink:v1:/slides/{DECK}/"
ACTIVE = "() => [...document.querySelectorAll('svg[data-marpit-svg]')].findIndex(s => s.classList.contains('bespoke-marp-active')) + 1"
PATHS = "n => [...document.querySelectorAll(`.ink-layer[data-slide='${n}'] path`)].length"
ALL_PATHS = "() => Object.fromEntries([...document.querySelectorAll('.ink-layer')].map(g => [g.dataset.slide, g.querySelectorAll('path').length]).filter(([, c]) => c))"


def open_deck(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.__ink && document.querySelector('.ink-layer')")
    return page


def slide_box(page: Page) -> dict[str, float]:
    box = page.evaluate(
        "() => { const r = document.querySelector('svg.bespoke-marp-active > foreignObject').getBoundingClientRect();"
        " return {x: r.x, y: r.y, w: r.width, h: r.height}; }"
    )
    return {k: float(v) for k, v in box.items()}


def at(page: Page, fx: float, fy: float) -> tuple[float, float]:
    """The screen point at fractions (fx, fy) of the active slide."""
    b = slide_box(page)
    return b["x"] + fx * b["w"], b["y"] + fy * b["h"]


def mouse_stroke(page: Page, points: list[tuple[float, float]]) -> None:
    x, y = at(page, *points[0])
    page.mouse.move(x, y)
    page.mouse.down()
    for fx, fy in points[1:]:
        x, y = at(page, fx, fy)
        page.mouse.move(x, y, steps=6)
    page.mouse.up()


def pen_stroke(cdp: CDPSession, page: Page, points: list[tuple[float, float]]) -> None:
    def send(kind: str, fx: float, fy: float, buttons: int) -> None:
        x, y = at(page, fx, fy)
        cdp.send("Input.dispatchMouseEvent", {
            "type": kind, "x": x, "y": y, "button": "left" if kind != "mouseMoved" or buttons else "none",
            "buttons": buttons, "clickCount": 1 if kind != "mouseMoved" else 0, "pointerType": "pen", "force": 0.5,
        })

    send("mouseMoved", *points[0], 0)  # the pen hovers first, as a real one does
    send("mousePressed", *points[0], 1)
    for fx, fy in points[1:]:
        send("mouseMoved", fx, fy, 1)
    send("mouseReleased", *points[-1], 0)


def touch_drag(cdp: CDPSession, page: Page, points: list[tuple[float, float]]) -> None:
    def pt(fx: float, fy: float) -> dict[str, Any]:
        x, y = at(page, fx, fy)
        return {"x": x, "y": y, "id": 1}

    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [pt(*points[0])]})
    for p in points[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [pt(*p)]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def go(page: Page, n: int) -> None:
    page.evaluate("n => { location.hash = '#' + n; }", n)
    page.wait_for_function(f"({ACTIVE})() === {n}")


ZIGZAG = [(0.3, 0.4), (0.4, 0.5), (0.5, 0.4), (0.6, 0.5), (0.7, 0.4)]
LINE = [(0.2, 0.7), (0.5, 0.72), (0.8, 0.7)]


def test_mouse_tools_keys_storage_and_print(context: BrowserContext, site_url: str) -> None:
    page = open_deck(context, f"{site_url}slides/{DECK}/#3")
    page.evaluate("() => localStorage.clear()")
    toggle = page.locator('.bespoke-marp-osc button[data-action="ink"]')
    expect(toggle).to_have_attribute("aria-pressed", "false")
    # Outside drawing mode a mouse drag draws nothing and the hit area takes no events.
    mouse_stroke(page, ZIGZAG)
    assert page.evaluate(ALL_PATHS) == {}
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.ink-hit')", list(at(page, 0.5, 0.5))) is None
    # Drawing mode from the deck's toolbar: a stroke on slide 3 is a path on slide 3 only.
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".ink-palette")).to_be_visible()
    mouse_stroke(page, ZIGZAG)
    assert page.evaluate(ALL_PATHS) == {"3": 1}
    d = page.locator(".ink-layer[data-slide='3'] path").first
    assert d.get_attribute("stroke") == "#f03a47" and d.get_attribute("stroke-width") == "4"
    # Keys: 2 = blue pen, w = thick, h = highlighter (translucent).
    page.keyboard.press("2")
    page.keyboard.press("w")
    mouse_stroke(page, LINE)
    page.keyboard.press("h")
    mouse_stroke(page, [(0.1, 0.85), (0.5, 0.85)])
    paths = page.locator(".ink-layer[data-slide='3'] path")
    expect(paths).to_have_count(3)
    assert (paths.nth(1).get_attribute("stroke"), paths.nth(1).get_attribute("stroke-width")) == ("#1e88e5", "10")
    assert paths.nth(2).get_attribute("data-kind") == "highlighter" and paths.nth(2).get_attribute("stroke-opacity") == "0.45"
    # Eraser takes whole strokes: crossing the blue line removes it, the others stay.
    page.keyboard.press("e")
    mouse_stroke(page, [(0.5, 0.65), (0.5, 0.78)])
    expect(paths).to_have_count(2)
    assert "#1e88e5" not in [paths.nth(i).get_attribute("stroke") for i in range(2)]
    # Undo brings it back, redo erases it again (the palette's buttons, then the keys).
    page.locator('.ink-palette [data-ink-command="undo"]').click()
    expect(paths).to_have_count(3)
    page.keyboard.press("Control+y")
    expect(paths).to_have_count(2)
    page.keyboard.press("z")
    expect(paths).to_have_count(3)
    # The laser: a dot while it moves, no stroke, nothing kept.
    saved = page.evaluate(f"localStorage.getItem({json.dumps(KEY)})")
    page.keyboard.press("l")
    x, y = at(page, 0.5, 0.3)
    page.mouse.move(x, y)
    page.mouse.move(x + 80, y + 30, steps=5)
    expect(page.locator("svg.bespoke-marp-active .ink-laser circle")).to_have_count(1)
    page.mouse.down()
    page.mouse.move(x + 200, y + 60, steps=8)
    page.mouse.up()
    expect(page.locator("svg.bespoke-marp-active .ink-laser circle")).to_have_count(0, timeout=3000)
    expect(paths).to_have_count(3)
    assert page.evaluate(f"localStorage.getItem({json.dumps(KEY)})") == saved
    # Esc leaves drawing mode and does not open Marp's overview (its own Esc key).
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    expect(page.locator(".ink-palette")).to_be_hidden()
    assert page.evaluate("document.body.dataset.bespokeView") == ""
    assert page.locator(".bespoke-marp-overview").count() == 0 or not page.locator(".bespoke-marp-overview").is_visible()
    page.keyboard.press("ArrowRight")  # slide keys still move slides
    page.wait_for_function(f"({ACTIVE})() === 4")
    # Kept: per deck and slide, through a reload.
    page.keyboard.press("d")
    mouse_stroke(page, LINE)
    page.keyboard.press("Escape")
    page.reload()
    page.wait_for_function("window.__ink")
    assert page.evaluate(ALL_PATHS) == {"3": 3, "4": 1}
    # Printing includes the strokes unless the palette says otherwise.
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.ink-layer[data-slide=\"3\"]')).display") != "none"
    page.emulate_media(media="screen")
    page.keyboard.press("d")
    page.locator('.ink-palette [data-ink-command="print"]').click()
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.ink-layer[data-slide=\"3\"]')).display") == "none"
    page.emulate_media(media="screen")
    page.locator('.ink-palette [data-ink-command="print"]').click()
    # Clear slide (c) on slide 4, then clear all (after a confirmation) empties the deck.
    page.keyboard.press("c")
    assert page.evaluate(ALL_PATHS) == {"3": 3}
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('.ink-palette [data-ink-command="clear-all"]').click()
    assert page.evaluate(ALL_PATHS) == {}
    assert page.evaluate(f"localStorage.getItem({json.dumps(KEY)})") is None
    # Strokes saved for a slide the author has since moved follow its text; damaged entries
    # (unknown kinds, colours that are not ours, points that are not numbers) are dropped or cleaned.
    fp = page.evaluate("() => window.__ink.prints[2]")
    good = {"id": "a", "kind": "pen", "color": "blue", "width": 4, "pts": [100, 100, 300, 200]}
    saved = {"slides": {
        "9": {"fp": fp, "strokes": [good, {**good, "id": "b", "color": "url(#x)"}]},
        "4": {"fp": "0", "strokes": [{**good, "id": "c", "kind": "script"}, {**good, "id": "d", "pts": ["x", 1]}]},
        "99": {"strokes": [good]},
    }}
    page.evaluate("([k, v]) => localStorage.setItem(k, v)", [KEY, json.dumps(saved)])
    page.reload()
    page.wait_for_function("window.__ink")
    assert page.evaluate(ALL_PATHS) == {"3": 2}
    strokes = page.locator(".ink-layer[data-slide='3'] path")
    assert [strokes.nth(i).get_attribute("stroke") for i in range(2)] == ["#1e88e5", "#f03a47"]
    page.close()


def test_presenter_and_audience_mirror_both_ways_and_late_window(context: BrowserContext, site_url: str) -> None:
    audience = open_deck(context, f"{site_url}slides/{DECK}/#3")
    audience.evaluate("() => localStorage.clear()")
    presenter = open_deck(context, f"{site_url}slides/{DECK}/?view=presenter#3")
    toggle = presenter.locator('.bespoke-marp-presenter-info-page-area button[data-action="ink"]')
    toggle.click()
    # The audience notes when each new stroke's path appears; the presenter when each pen goes down.
    audience.evaluate(
        "() => { window.__seen = []; const ids = new Set();"
        " new MutationObserver(() => { for (const p of document.querySelectorAll(\".ink-layer[data-slide='3'] path\")) {"
        " if (!ids.has(p.dataset.id)) { ids.add(p.dataset.id); window.__seen.push(performance.timeOrigin + performance.now()); } } })"
        ".observe(document.querySelector(\".ink-layer[data-slide='3']\"), {childList: true}); }"
    )
    presenter.evaluate(
        "() => { window.__downs = []; window.addEventListener('pointerdown',"
        " () => window.__downs.push(performance.timeOrigin + performance.now()), true); }"
    )
    strokes = 5
    for i in range(strokes):
        mouse_stroke(presenter, [(0.2 + 0.1 * i, 0.3), (0.25 + 0.1 * i, 0.45), (0.3 + 0.1 * i, 0.3)])
    paths = ".ink-layer[data-slide='3'] path"
    expect(audience.locator(paths)).to_have_count(strokes)
    seen = audience.evaluate("window.__seen")
    downs = presenter.evaluate("window.__downs")
    lags = sorted(a - b for a, b in zip(seen, downs, strict=True))
    print(f"presenter pen down → path in the audience window: {', '.join(f'{lag:.0f}' for lag in lags)} ms")
    # The bound is the design's (points are sent from the pointer event itself, drawn on arrival);
    # on a machine loaded far beyond its cores a single sample can still wait for the scheduler: the median counts.
    assert lags[len(lags) // 2] < 100
    # The same path data in the same slide coordinates: both windows line up at any size.
    same = "() => [...document.querySelectorAll(\".ink-layer[data-slide='3'] path\")].map(p => p.getAttribute('d')).join('|')"
    audience.wait_for_function(f"({same})() === {json.dumps(presenter.evaluate(same))}")
    # On screen: the presenter's slide is smaller than the audience's, the stroke sits at the
    # same place relative to each slide.
    where = (
        "() => { const s = document.querySelector('svg.bespoke-marp-active > foreignObject').getBoundingClientRect();"
        " const p = document.querySelector(\".ink-layer[data-slide='3'] path\").getBoundingClientRect();"
        " return [s.width, (p.x - s.x) / s.width, (p.y - s.y) / s.height, p.width / s.width, p.height / s.height]; }"
    )
    on_presenter, on_audience = presenter.evaluate(where), audience.evaluate(where)
    assert on_presenter[0] < 0.8 * on_audience[0]
    assert on_presenter[1:] == pytest.approx(on_audience[1:], abs=0.005), (on_presenter, on_audience)
    # The reverse: the audience window draws, the presenter view shows it.
    audience.keyboard.press("d")
    mouse_stroke(audience, LINE)
    expect(presenter.locator(paths)).to_have_count(strokes + 1, timeout=2000)
    # Undo in the presenter view undoes the audience's stroke in both (one shared history).
    presenter.keyboard.press("z")
    expect(audience.locator(paths)).to_have_count(strokes, timeout=2000)
    # The laser in the presenter view shows in the audience window, and leaves nothing.
    presenter.keyboard.press("l")
    x, y = at(presenter, 0.5, 0.5)
    presenter.mouse.move(x, y)
    presenter.mouse.move(x + 60, y + 20, steps=4)
    expect(audience.locator("svg.bespoke-marp-active .ink-laser circle")).to_have_count(1, timeout=2000)
    expect(audience.locator("svg.bespoke-marp-active .ink-laser circle")).to_have_count(0, timeout=3000)
    # A window opened later shows what is already drawn.
    late = open_deck(context, f"{site_url}slides/{DECK}/#3")
    expect(late.locator(paths)).to_have_count(strokes)
    assert late.evaluate(same) == presenter.evaluate(same)
    # The presenter's next-slide preview shows the ink too, without controls of its own.
    preview = next(f for f in presenter.frames if "view=next" in f.url)
    preview.wait_for_function(f"document.querySelectorAll(\".ink-layer[data-slide='3'] path\").length === {strokes}")
    assert preview.locator(".ink-palette, [data-action=ink]").count() == 0
    # "Clear all" in one window clears the deck in every window.
    presenter.keyboard.press("Escape")  # out of the laser
    presenter.keyboard.press("d")
    presenter.once("dialog", lambda dialog: dialog.accept())
    presenter.locator('.ink-palette [data-ink-command="clear-all"]').click()
    for p in (audience, late, presenter):
        expect(p.locator(".ink-layer path")).to_have_count(0, timeout=2000)
    for p in (late, presenter, audience):
        p.close()


def test_pen_touch_and_palm_rejection(context: BrowserContext, site_url: str) -> None:
    page = open_deck(context, f"{site_url}slides/{DECK}/#3")
    page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    page.reload()
    page.wait_for_function("window.__ink")
    cdp = context.new_cdp_session(page)
    # No stylus seen yet: in drawing mode a finger draws, and does not swipe the slide away.
    page.keyboard.press("d")
    touch_drag(cdp, page, [(0.8, 0.5), (0.6, 0.5), (0.4, 0.5), (0.2, 0.5)])
    expect(page.locator(".ink-layer[data-slide='3'] path")).to_have_count(1)
    assert page.evaluate(ACTIVE) == 3
    # A stylus draws (here in drawing mode) ...
    pen_stroke(cdp, page, [(0.3, 0.3), (0.4, 0.35), (0.5, 0.3), (0.6, 0.35)])
    expect(page.locator(".ink-layer[data-slide='3'] path")).to_have_count(2)
    # ... and from then on a finger does not draw: the same swipe moves to slide 4.
    touch_drag(cdp, page, [(0.8, 0.5), (0.6, 0.5), (0.4, 0.5), (0.2, 0.5)])
    page.wait_for_function(f"({ACTIVE})() === 4")
    assert page.evaluate(ALL_PATHS) == {"3": 2}
    # Outside drawing mode the stylus still draws on the slide's background, a mouse does not.
    page.keyboard.press("Escape")
    pen_stroke(cdp, page, [(0.2, 0.8), (0.5, 0.82), (0.8, 0.8)])
    mouse_stroke(page, ZIGZAG)
    assert page.evaluate(ALL_PATHS) == {"3": 2, "4": 1}
    page.close()


def test_cells_and_editor_on_an_inked_slide(context: BrowserContext, site_url: str) -> None:
    page = open_deck(context, f"{site_url}slides/{DECK}/#11")
    page.evaluate("() => localStorage.clear()")
    print_before = page.evaluate("window.__ink.prints[10]")
    page.keyboard.press("d")
    mouse_stroke(page, [(0.1, 0.2), (0.9, 0.25)])
    # In drawing mode, keys typed into a cell's editor go to the editor, not to the ink.
    page.keyboard.press("Escape")
    editor = page.locator("svg.bespoke-marp-active .livecode .cm-content")
    editor.click()
    page.keyboard.press("Control+End")
    page.locator('.bespoke-marp-osc button[data-action="ink"]').click()
    assert page.evaluate("document.documentElement.classList.contains('ink-drawing')")
    page.keyboard.type("\n# 1cz")
    assert "# 1cz" in editor.inner_text()
    assert page.evaluate("window.__ink.tool.color") == "red"
    expect(page.locator(".ink-layer[data-slide='11'] path")).to_have_count(1)
    page.locator('.ink-palette [data-ink-command="close"]').click()
    # Outside drawing mode the cell on the inked slide runs as before.
    run = page.locator("svg.bespoke-marp-active .livecode [data-action='run']")
    run.click()
    expect(page.locator("svg.bespoke-marp-active .livecode")).to_have_attribute("data-state", "done", timeout=240_000)
    assert page.locator("svg.bespoke-marp-active .livecode .livecode-output").inner_text().startswith("6.1111079")
    # The slide's fingerprint (which lets strokes follow a moved slide) ignores its cell, run or not.
    page.reload()
    page.wait_for_selector("svg.bespoke-marp-active .livecode .cm-content")
    page.wait_for_function("window.__ink")
    assert page.evaluate("window.__ink.prints[10]") == print_before
    page.close()


def test_screenshots_in_both_themes_and_textbook_page_without_ink(context: BrowserContext, site_url: str) -> None:
    for deck, slide in ((DECK, 3), (DARK_DECK, 2)):
        page = open_deck(context, f"{site_url}slides/{deck}/#{slide}")
        page.evaluate("() => localStorage.clear()")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.keyboard.press("d")
        mouse_stroke(page, ZIGZAG)
        page.keyboard.press("2")
        mouse_stroke(page, LINE)
        page.keyboard.press("3")
        page.keyboard.press("w")
        mouse_stroke(page, [(0.15, 0.25), (0.25, 0.2), (0.35, 0.25)])
        page.keyboard.press("h")
        mouse_stroke(page, [(0.05, 0.625), (0.45, 0.625)])
        expect(page.locator(f".ink-layer[data-slide='{slide}'] path")).to_have_count(4)
        screenshot(page, f"ink-{deck}")
        page.close()
    # The textbook page (and the deck embedded in it) never shows the strokes kept for the deck.
    page = context.new_page()
    page.goto(f"{site_url}lectures/{DARK_DECK}/")
    frame = page.frame_locator(".deck-embed iframe")
    expect(frame.locator("svg.bespoke-marp-active")).to_have_count(1)
    deck_frame = next(f for f in page.frames if f.url.startswith(f"{site_url}slides/{DARK_DECK}/"))
    deck_frame.wait_for_function("window.__livecode")  # the runtime ran (and left ink out)
    page.wait_for_function("window.__livecode")
    assert page.locator(".ink-layer, .ink-palette, [data-action=ink]").count() == 0
    assert frame.locator(".ink-layer, .ink-palette, [data-action=ink]").count() == 0
    page.close()
