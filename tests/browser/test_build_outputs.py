"""Outputs computed at build, as readers meet them: in the PDF, without JavaScript, and replaced by a live Run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .cells import frozen_texts, wait_for_cells

pytestmark = pytest.mark.browser

def slide_of_first_figure(deck_html: str) -> int:
    """1-based number of the first slide whose cell output has a figure."""
    slides = deck_html.split("<svg data-marpit-svg")[1:]
    return next(i for i, s in enumerate(slides, 1) if 'class="livecode-figure"' in s)


def test_pdf_shows_what_cells_print_and_draw(built_site: Path) -> None:
    deck = built_site / "slides" / "01-learning"
    deck_html = (deck / "index.html").read_text(encoding="utf-8")
    printed = [t for t in frozen_texts(deck_html).values() if t.strip()]
    assert printed, "the deck has no text outputs"
    pdf = deck / "01-learning.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first_line = printed[0].strip().splitlines()[0]
    assert " ".join(first_line.split()[:3]) in " ".join(text.split())
    number = slide_of_first_figure(deck_html)
    listing = subprocess.run(["pdfimages", "-f", str(number), "-l", str(number), "-list", str(pdf)],
                             capture_output=True, text=True, check=True).stdout
    assert len(listing.strip().splitlines()) > 2, f"slide {number} of the PDF has no image:\n{listing}"


def test_textbook_page_without_javascript_shows_outputs_and_figures(browser: Browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{site_url}lectures/01-learning/")
        text = page.locator(".livecode-frozen .livecode-text").first
        assert text.is_visible() and "売り上げ" in text.inner_text()
        figures = page.locator(".livecode-frozen img.livecode-figure")
        assert figures.count() >= 3
        for i in range(figures.count()):
            figures.nth(i).scroll_into_view_if_needed()
            figures.nth(i).evaluate("img => img.decode()")
            assert figures.nth(i).evaluate("img => img.naturalWidth") > 300
        assert page.locator("pre.livecode-source").first.is_visible()
    finally:
        context.close()


def test_run_replaces_the_build_output_and_reset_brings_it_back(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}lectures/01-learning/")
    wait_for_cells(page, 1)
    cell = page.locator(".livecode").first
    output = cell.locator(".livecode-output")
    assert cell.get_attribute("data-output") == "build"
    built = output.locator(".livecode-text").inner_text()
    assert "売り上げ" in built and output.locator(".livecode-built-note").count() == 1
    cell.locator("[data-action=run]").click()
    page.wait_for_function("el => el.dataset.state === 'done'", arg=cell.element_handle(), timeout=180_000)
    assert cell.get_attribute("data-output") == "live"
    assert output.locator(".livecode-text").count() == 1  # replaced, never a second copy
    assert output.locator(".livecode-built-note").count() == 0
    assert output.locator(".livecode-text").inner_text() == built
    cell.locator("[data-action=reset]").click()
    assert cell.get_attribute("data-output") == "build"
    assert output.locator(".livecode-built-note").count() == 1
    assert output.locator(".livecode-text").inner_text() == built


def test_a_phone_loads_no_python_until_a_cell_is_touched(browser: Browser, site_url: str) -> None:
    context = browser.new_context(is_mobile=True, has_touch=True, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{site_url}lectures/01-learning/")
        wait_for_cells(page, 1)
        assert page.evaluate("window.__livecode.preloadPolicy") == "touch"
        page.wait_for_timeout(2500)  # well past the idle delay (800 ms)
        assert page.evaluate("window.__livecode.workerStarts") == 0
        assert page.locator(".livecode").first.get_attribute("data-output") == "build"
        page.locator(".livecode .cm-content").first.tap()
        page.wait_for_function("() => window.__livecode.workerStarts === 1")
    finally:
        context.close()
