"""Hand-made pages with live cells, for runtime tests that need no MkDocs build."""

from __future__ import annotations

import html
from pathlib import Path

from slidesite.livecode.assets import runtime_head_tags


def cell_html(code: str, index: int, options: str = "") -> str:
    """What the build pipeline emits for a ```python run … fence."""
    return f'<pre class="livecode-source" data-cell="{index}" data-options="{html.escape(options)}">{html.escape(code)}</pre>'


def write_page(
    site: Path,
    rel: str,
    cells: list[str | tuple[str, str]],
    *,
    preload: str = "run",
    extra_body: str = "",
    head_extra: str = "",
) -> str:
    """Write site/rel/index.html with the given cells; returns the URL path."""
    folder = site / rel
    folder.mkdir(parents=True, exist_ok=True)
    depth = len([p for p in rel.split("/") if p])
    assets = "/".join([".."] * depth + ["assets"]) if depth else "assets"
    blocks = []
    for i, cell in enumerate(cells, 1):
        code, options = (cell, "") if isinstance(cell, str) else cell
        blocks.append(f"<h2>セル {i}</h2>\n{cell_html(code, i, options)}")
    body = "\n".join(blocks)
    (folder / "index.html").write_text(
        f"""<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{rel}</title>
{runtime_head_tags(assets, preload=preload)}{head_extra}</head>
<body><main><h1>テスト</h1>
{body}
{extra_body}
<button id="other" type="button" onclick="this.dataset.clicks=(+this.dataset.clicks||0)+1">other</button>
</main></body></html>
""",
        encoding="utf-8",
    )
    return f"/{rel.strip('/')}/" if rel.strip("/") else "/"
