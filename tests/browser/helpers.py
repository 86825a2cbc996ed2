"""Paths and small helpers shared by the browser tests: screenshots, computed styles, fonts."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

from tests.support import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
# Material's instant navigation only intercepts links under site_url (port included), so the
# test site is built for, and served at, this fixed address.
TEST_PORT = int(os.environ.get("SLIDESITE_TEST_PORT", "8765"))


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_pages(context: BrowserContext, urls: dict[str, str]) -> dict[str, Page]:
    """One loaded page per name, its web fonts ready (screenshots and metrics depend on them)."""
    pages = {}
    for name, url in urls.items():
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        pages[name] = page
    return pages


def slide_is_drawn(page: Page, name: str) -> bool:
    """Save a screenshot as tests/artifacts/<name>.png; True when it holds more than one colour."""
    from PIL import Image

    with Image.open(screenshot(page, name)) as image:
        return image.convert("RGB").getcolors(1) is None


def style(page: Page, selector: str, prop: str, pseudo: str | None = None) -> str:
    """The computed value of a CSS property on the first element matching selector."""
    return str(page.evaluate(
        "([s, p, ps]) => getComputedStyle(document.querySelector(s), ps).getPropertyValue(p)",
        [selector, prop, pseudo],
    ))


def font_loaded(page: Page, family: str) -> bool:
    """Whether at least one face of family has been downloaded and is in use."""
    return bool(page.evaluate(
        "f => [...document.fonts].some(x => x.family.replace(/[\"']/g, '') === f && x.status === 'loaded')",
        family,
    ))
