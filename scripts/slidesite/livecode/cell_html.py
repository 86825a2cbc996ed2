"""Turn ```python run fences into the raw-HTML blocks the cell runtime upgrades.

One transform for decks (before marp-cli) and pages (before Python-Markdown).
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..run.execute import CellOutput, PageOutputs
from ..site.exercises import default_label
from ..source.cells import Cell, cells_of, check_cell_fences, iter_fences
from ..source.params import find_params
from .output_html import frozen_html, one_line
from .param_html import controls_html


@dataclass(frozen=True)
class Frozen:
    """A page's build-time outputs and where its figures are, as seen from the page."""

    outputs: PageOutputs
    figures_url: str  # ends with "/"
    figures_dir: Path


def cell_html(code: str, index: int, options: dict[str, str], output: str = "", layout: str = "below",
              controls: str = "") -> str:
    """A cell as one line of HTML: its code in a `<pre>`, then its build-time output (if any).

    One line, because a blank line ends an HTML block in both Markdown parsers (markdown-it
    for decks, Python-Markdown for pages): what follows would be read as Markdown.
    """
    words = " ".join(f"{k}={v}" if v else k for k, v in options.items() if k != "alt")
    attrs = f' data-cell="{index}"'
    if words:
        attrs += f' data-options="{html.escape(words)}"'
    if options.get("alt"):  # the author's alt text for the cell's figures (its own attribute: it has spaces)
        attrs += f' data-alt="{html.escape(options["alt"])}"'
    # Escape quotes too: the code sits in an HTML element and must never become markup.
    pre = f'<pre class="livecode-source"{attrs}>{one_line(code)}</pre>'
    return f'<div class="livecode-cell" data-layout="{layout}">{pre}{controls}{output}</div>'


# A text output this narrow and this tall sits beside the code on a slide rather than under it.
SIDE_TEXT_WIDTH, SIDE_TEXT_LINES = 36, 3


def _default_layout(result: CellOutput | None) -> str:
    """Where a deck shows an output: beside the code for a figure or a tall, narrow text; else under it."""
    if result is None:
        return "below"
    if result.figures:
        return "side"
    lines = result.text.rstrip("\n").split("\n")
    narrow = max((len(line) + sum(1 for ch in line if ord(ch) > 0x2E80) for line in lines), default=0)
    return "side" if len(lines) >= SIDE_TEXT_LINES and narrow <= SIDE_TEXT_WIDTH else "below"


def exercise_html(cell: Cell, number: int, page: str, expected: list[dict[str, object]] | None, output: str,
                  layout: str, label: str) -> str:
    """An exercise as one line: the starter cell, its checks with the expected values and the
    solution in a JSON <script> (for the runtime), and the solution in a closed 「答え」 box for
    readers without JavaScript."""
    data = {
        "id": f"{page}/{number}", "number": number, "label": label, "checks": cell.checks, "expected": expected,
        "solution": cell.solution, "hints": cell.hints, "names": defined_names(cell.solution),
    }
    script = f'<script type="application/json" class="livecode-exercise">{script_json(data)}</script>'
    static = ('<details class="livecode-solution-static" data-search-exclude><summary>答え</summary>'
              f"<pre>{one_line(cell.solution)}</pre></details>")
    block = cell_html(cell.code, cell.index, cell.options, output, layout)
    head = f'<div class="livecode-cell" data-layout="{layout}">'
    return (f'<div class="livecode-cell" id="exercise-{number}" data-kind="exercise" data-layout="{layout}">'
            + block[len(head):-len("</div>")] + script + static + "</div>")


def script_json(data: object) -> str:
    """JSON for a <script type="application/json">, with <, > and & written as \\u escapes.

    Marp Core escapes < and > even inside a <script> (so a solution's `def f(x) -> int:` would reach
    the runtime as `-&gt;`), and "</script>" in a string would end the element: with no <, > or &
    left, no HTML parser or sanitiser changes the text, and JSON.parse gives the same strings back.
    """
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def defined_names(code: str) -> list[str]:
    """The names a solution defines at top level (what later cells may use)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
    return sorted(set(names))


def transform_cells(
    markdown: str, frozen: Frozen | None = None, *, slides: bool = False, nested: dict[str, str] | None = None,
    page: str = "", labels: dict[int, str] | None = None,
) -> str:
    """Replace every live-cell fence with its HTML (and build-time output); leave other text untouched.

    slides: a deck, where a cell with a figure puts code and output side by side unless it
    says `output=below` (a page has the room to keep them one under the other).
    A cell inside a list item or an admonition: for marp-cli (markdown-it), its HTML block is indented
    like the fence, so it stays in its container. Python-Markdown keeps no raw HTML block
    there, so for pages pass `nested`: the cell becomes a placeholder word, and nested maps each
    placeholder to its HTML for `put_nested_cells` to put into the rendered page.
    page: names the page's exercises in the reader's progress (`<page>/<n>`; a deck and its
    textbook page share it). labels: what each exercise is called, by cell index (site/exercises.py);
    without one, 演習 N.
    """
    outputs = frozen.outputs.copy() if frozen else None
    lines = markdown.split("\n")
    check_cell_fences(lines)
    out: list[str] = []
    done = 0
    count = 0
    exercises = 0
    fences = iter_fences(lines)
    cells = {cell.line - 1: cell for cell in cells_of(fences)}
    parts = {part.start for cell in cells.values() for part in cell.parts}
    for fence in fences:
        if fence.start in parts:  # a solution, check or hint: inside its exercise's HTML
            out.extend(lines[done : fence.start])
            done = fence.end
            continue
        cell = cells.get(fence.start)
        if cell is None:
            continue
        count += 1
        options = cell.options
        out.extend(lines[done : fence.start])
        result = outputs.take(fence.body) if outputs is not None else None
        output = (frozen_html(count, result, frozen.figures_url, frozen.figures_dir, options.get("alt"))
                  if result and frozen else "")
        layout = options.get("output") or _default_layout(result)
        if cell.exercise:
            exercises += 1
            expected = result.expected if result else None
            label = (labels or {}).get(cell.index, default_label(exercises))
            block = exercise_html(cell, exercises, page, expected, output, layout if slides else "below", label)
        else:
            states = frozen.figures_url + result.states if frozen and result and result.states else ""
            controls = controls_html(find_params(cell), states)
            block = cell_html(fence.body, count, options, output, layout if slides else "below", controls)
        pad = " " * fence.indent
        if not fence.nested or nested is None:
            out.append(pad + block)
        else:
            # The same page text gives the same words: a page reused across `serve` rebuilds still matches.
            token = f"slidesitecell{count}x{hashlib.sha256(markdown.encode()).hexdigest()[:12]}"
            nested[token] = block
            out.append(pad + token)
        done = fence.end
    out.extend(lines[done:])
    return "\n".join(out)


def put_nested_cells(html_text: str, nested: dict[str, str]) -> str:
    """Replace each placeholder of transform_cells (alone in its paragraph, or bare) with its cell."""
    for token, block in nested.items():
        # A function, not the block itself: the block's backslashes are not a replacement template.
        html_text, found = re.subn(rf"<p>{token}</p>|{token}", _constant(block), html_text, count=1)
        if not found:
            raise ValueError(f"live cell placeholder {token} is missing from the rendered page")
    return html_text


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def modules_html(modules: list[tuple[str, str]]) -> str:
    """The JSON block that tells the runtime which Python files to put in the worker's folder."""
    if not modules:
        return ""
    data = [{"name": name, "url": url} for name, url in modules]
    return f'<script type="application/json" class="livecode-modules">{script_json(data)}</script>'
