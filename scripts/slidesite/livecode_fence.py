"""Turn ```python run fences into the raw-HTML blocks the cell runtime upgrades.

One transform for decks (before marp-cli) and pages (before Python-Markdown):
a `<pre>` HTML block ends only at `</pre>`, so blank lines in the code survive both parsers.
"""

from __future__ import annotations

import html
import json

from .cells import iter_fences, parse_info


def cell_html(code: str, index: int, options: dict[str, str]) -> str:
    words = " ".join(f"{k}={v}" if v else k for k, v in options.items())
    attrs = f' data-cell="{index}"'
    if words:
        attrs += f' data-options="{html.escape(words)}"'
    # Escape quotes too: the code sits in an HTML element and must never become markup.
    return f'<pre class="livecode-source"{attrs}>{html.escape(code)}</pre>'


def transform_cells(markdown: str) -> str:
    """Replace every live-cell fence; leave all other text untouched."""
    lines = markdown.split("\n")
    out: list[str] = []
    done = 0
    count = 0
    for fence in iter_fences(lines):
        options = parse_info(fence.info, fence.start + 1)
        if options is None:
            continue
        count += 1
        out.extend(lines[done : fence.start])
        indent = len(lines[fence.start]) - len(lines[fence.start].lstrip(" "))
        out.append(" " * indent + cell_html(fence.body, count, options))
        done = fence.end
    out.extend(lines[done:])
    return "\n".join(out)


def modules_html(modules: list[tuple[str, str]]) -> str:
    """The JSON block that tells the runtime which Python files to put in the worker's folder."""
    if not modules:
        return ""
    data = [{"name": name, "url": url} for name, url in modules]
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" class="livecode-modules">{payload}</script>'
