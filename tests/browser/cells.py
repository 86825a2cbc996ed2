"""Helpers to run every live cell of a page or deck in the browser, as a reader would."""

from __future__ import annotations

from playwright.sync_api import Page

FINISHED = ("done", "error", "stopped")


def wait_for_cells(page: Page, count: int, timeout: float = 120000) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('.livecode').length >= {count}", timeout=timeout)


def run_all_cells(page: Page, expected_errors: set[int], timeout: float = 180000) -> list[str]:
    """Click Run on each cell in order; return one problem line per cell that did not end as expected."""
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true })")
    problems = []
    cells = page.locator(".livecode")
    for i in range(cells.count()):
        cell = cells.nth(i)
        # Click through the DOM: on a deck, cells of other slides are rendered but not visible.
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
    return problems
