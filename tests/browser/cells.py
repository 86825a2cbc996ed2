"""Helpers to run every live cell of a page or deck in the browser, as a reader would."""

from __future__ import annotations

import html
import re

from playwright.sync_api import Locator, Page

FINISHED = ("done", "error", "stopped")
LOAD = 240_000  # ms: Pyodide start plus numpy/matplotlib on a loaded 2-core machine


def cell(page: Page, i: int) -> Locator:
    return page.locator(f'.livecode[data-cell="{i}"]')


def wait_state(page: Page, i: int, states: tuple[str, ...], timeout: int = LOAD) -> str | None:
    page.wait_for_function(
        "([i, states]) => { const c = document.querySelector(`.livecode[data-cell=\"${i}\"]`);"
        " return c && states.includes(c.dataset.state); }",
        arg=[i, list(states)],
        timeout=timeout,
    )
    return cell(page, i).get_attribute("data-state")


def run(page: Page, i: int, timeout: int = LOAD) -> str:
    """Click Run on cell i, wait until it has finished, return its output text."""
    cell(page, i).locator('[data-action="run"]').click()
    wait_state(page, i, ("done", "error", "stopped"), timeout)
    return cell(page, i).locator(".livecode-output").inner_text()


def wait_for_cells(page: Page, count: int, timeout: float = 120000) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('.livecode').length >= {count}", timeout=timeout)


# A later cell of an unsolved exercise first runs its solution and says so (live only).
FALLBACK_NOTICE = re.compile(r"「[^」\n]+」がまだ解けていないため、その模範解答を裏で実行してから、このセルを実行しました。\n?")


def frozen_texts(html_text: str) -> dict[int, str]:
    """Cell number → the text of its build-time output (figures left out), from built HTML."""
    texts = {}
    blocks = re.finditer(r'<div class="livecode-frozen" data-cell="(\d+)"[^>]*>(.*?)$', html_text, re.M)
    for block in blocks:  # one cell a line
        spans = re.findall(r'<span class="livecode-(?:stdout|stderr|result|error|notice)">(.*?)</span>', block.group(2))
        texts[int(block.group(1))] = html.unescape("".join(spans))
    return texts


def run_all_cells(
    page: Page, expected_errors: set[int], timeout: float = 180000, built: dict[int, str] | None = None
) -> list[str]:
    """Click Run on each cell in order; return one problem line per cell that did not end as expected.

    built: the build-time text outputs (frozen_texts); then each text-only cell's live output must
    equal its build output, and Run must have replaced that output.
    """
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true })")
    problems = []
    cells = page.locator(".livecode")
    for i in range(cells.count()):
        cell = cells.nth(i)
        # Click through the DOM: on a deck, cells of other slides are rendered but not visible.
        number = int(cell.get_attribute("data-cell") or 0)
        has_figure = cell.locator("img.livecode-figure").count() > 0
        cell.locator("[data-action=run]").evaluate("b => b.click()")
        page.wait_for_function(
            "el => el.dataset.state !== 'idle' && el.dataset.state !== 'loading' && el.dataset.state !== 'running'"
            " && el.dataset.state !== undefined",
            arg=cell.element_handle(), timeout=timeout,
        )
        state = cell.get_attribute("data-state")
        wanted = "error" if (i + 1) in expected_errors else "done"
        if state != wanted:
            output = cell.locator(".livecode-output").inner_text()[-800:]
            problems.append(f"cell {i + 1}: {state}, expected {wanted}\n{output}")
        elif built is not None and number in built and not has_figure:
            live = FALLBACK_NOTICE.sub("", "".join(cell.locator(".livecode-output .livecode-text").all_inner_texts()))
            if cell.get_attribute("data-output") != "live" or live.strip() != built[number].strip():
                problems.append(f"cell {number}: live output differs from the build's\n{live}\n---\n{built[number]}")
    return problems
