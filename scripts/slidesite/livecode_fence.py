"""Turn ```python run fences into the raw-HTML blocks the cell runtime upgrades.

One transform for decks (before marp-cli) and pages (before Python-Markdown):
a `<pre>` HTML block ends only at `</pre>`, so blank lines in the code survive both parsers.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable

from .cells import check_cell_fences, iter_fences, parse_info


def cell_html(code: str, index: int, options: dict[str, str]) -> str:
    words = " ".join(f"{k}={v}" if v else k for k, v in options.items())
    attrs = f' data-cell="{index}"'
    if words:
        attrs += f' data-options="{html.escape(words)}"'
    # Escape quotes too: the code sits in an HTML element and must never become markup.
    return f'<pre class="livecode-source"{attrs}>{html.escape(code)}</pre>'


def transform_cells(markdown: str, nested: dict[str, str] | None = None) -> str:
    """Replace every live-cell fence; leave all other text untouched.

    A cell inside a list item or an admonition: for marp-cli (markdown-it), its HTML block is indented
    like the fence, every line, so it stays in its container. Python-Markdown keeps no raw HTML block
    there, so for pages pass `nested`: the cell becomes a placeholder word, and nested maps each
    placeholder to its HTML for `put_nested_cells` to put into the rendered page.
    """
    lines = markdown.split("\n")
    check_cell_fences(lines)
    out: list[str] = []
    done = 0
    count = 0
    for fence in iter_fences(lines):
        options = parse_info(fence.info, fence.start + 1)
        if options is None:
            continue
        count += 1
        out.extend(lines[done : fence.start])
        block = cell_html(fence.body, count, options)
        pad = " " * fence.indent
        if not fence.nested:
            out.append(pad + block)
        elif nested is None:
            out.extend(pad + line if line else line for line in block.split("\n"))
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
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" class="livecode-modules">{payload}</script>'
