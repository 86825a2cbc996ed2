"""axe-core (npm `axe-core`, pinned in package.json) run on a loaded page, injected from node_modules
(never a CDN). One place lists what the site cannot fix itself, with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

from .helpers import REPO

AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"

# What fails a page: every serious or critical violation, and skipped heading levels (moderate in axe,
# but the issue asks that headings never skip a level).
FAILING_IMPACTS = ("serious", "critical")
ALWAYS_FAILING = ("heading-order",)

# Violations that come from MkDocs Material 9.8.1 itself: (rule, CSS selector of the node) → why it stays.
MATERIAL_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("aria-dialog-name", ".md-search"): (
        "Material's search overlay is a div with role=dialog and no name; it is closed (hidden) until the "
        "reader opens search, its input is labelled 「検索」, and overriding partials/search.html would copy "
        "Material's template into the project for one attribute."
    ),
}


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    target: str
    summary: str
    contrast: float | None = None  # color-contrast's measured ratio

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}) {self.target}: {self.summary}"


# What a colour scheme changes: the second scheme of a page is audited for these rules only.
COLOUR_RULES = ("color-contrast", "link-in-text-block")

RUN_JS = """
async (rules) => {
  const options = {resultTypes: ['violations']};
  if (rules) options.runOnly = {type: 'rule', values: rules};
  const result = await axe.run(document, options);
  return result.violations.flatMap(v => v.nodes.map(n => ({
    rule: v.id, impact: v.impact || '', target: n.target.join(' '),
    summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 240),
    contrast: (n.any || []).map(c => c.data && c.data.contrastRatio).find(x => typeof x === 'number') ?? null,
  })));
}
"""


def inject(page: Page) -> None:
    """axe-core from node_modules into the page (once per load)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))


def audit(page: Page, rules: tuple[str, ...] | None = None) -> list[Violation]:
    """Every axe violation of the page as it is now (colour scheme included); only `rules` if given."""
    inject(page)
    return [Violation(**v) for v in page.evaluate(RUN_JS, list(rules) if rules else None)]


# Slides stay faithful to their themes (honwaka, 01dracula); they are projected, and text on them must
# reach 3 : 1 (WCAG's large-text level), not the page's 4.5 : 1.
SLIDE_MIN_CONTRAST = 3.0


def failing(violations: list[Violation], *, slides: bool = False) -> list[Violation]:
    """The violations that fail a page: serious, critical or skipped headings, less Material's listed ones;
    on slides, text contrast fails below SLIDE_MIN_CONTRAST only."""
    return [
        v for v in violations
        if (v.impact in FAILING_IMPACTS or v.rule in ALWAYS_FAILING)
        and (v.rule, v.target) not in MATERIAL_EXCEPTIONS
        and not (slides and v.rule == "color-contrast" and (v.contrast or 0) >= SLIDE_MIN_CONTRAST)
    ]
