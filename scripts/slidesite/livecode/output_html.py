"""Outputs computed at build, as the HTML that follows a cell: text as text, figures as <img>.

The markup is the live output box's own (`.livecode-output` > `.livecode-text` spans and
`img.livecode-figure`), so the runtime adopts it as the cell's first output, and it reads
without JavaScript and in the PDF. It is written on one line, newlines as `&#10;`: a blank
line would end an HTML block in both Markdown parsers (markdown-it for decks,
Python-Markdown for pages) and let the text after it be read as Markdown.
"""

from __future__ import annotations

import html
import struct
from pathlib import Path

from ..run.cell_process import png_description
from ..run.execute import CellOutput

FROZEN_NOTE = "ビルド時に計算した出力"
LIVE_ONLY_NOTE = "このセルはビルド時には実行していません。ブラウザで実行すると結果が表示されます。"




def one_line(text: str) -> str:
    """Escape text for HTML on a single line: newlines become `&#10;`."""
    return html.escape(text).replace("\r", "").replace("\n", "&#10;")


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header, or None if it is not one."""
    try:
        with path.open("rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def figure_alt(path: Path, number: int, cell: int, author_alt: str | None = None) -> str:
    """A figure's alt text: the author's (`alt="…"`), else what the figure says (its title, axes and
    legend, written into the PNG by the runner), else which cell drew it."""
    if author_alt:
        return author_alt if number == 1 else f"{author_alt}（図 {number}）"
    return png_description(path) or f"図 {number}（セル {cell} の出力）"


def frozen_html(index: int, result: CellOutput, figures_url: str, figures_dir: Path, alt: str | None = None) -> str:
    """The one-line HTML block of a cell's build-time output."""
    attrs = f'class="livecode-frozen" data-cell="{index}" data-status="{result.status}"'
    if result.status == "live-only":
        return f'<div {attrs}><p class="livecode-frozen-note">{LIVE_ONLY_NOTE}</p></div>'
    parts: list[str] = []
    text: list[str] = []
    kinds: list[str] = []
    figure = 0

    def close_text() -> None:
        if text:
            pairs = zip(kinds, text, strict=True)
            spans = "".join(f'<span class="livecode-{k}">{one_line(t)}</span>' for k, t in pairs)
            parts.append(f'<div class="livecode-text">{spans}</div>')
            text.clear()
            kinds.clear()

    for out in result.outputs:
        if out.kind == "image":
            close_text()
            figure += 1
            size = png_size(figures_dir / out.text)
            dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
            parts.append(
                f'<img class="livecode-figure" src="{html.escape(figures_url + out.text)}"{dims} '
                f'alt="{html.escape(figure_alt(figures_dir / out.text, figure, index, alt))}" loading="lazy">'
            )
        elif kinds and kinds[-1] == out.kind:
            text[-1] += out.text  # the live box joins a run of one kind into one span too
        else:
            kinds.append(out.kind)
            text.append(out.text)
    close_text()
    if not parts:
        return f"<div {attrs}></div>"
    note = f'<p class="livecode-frozen-note">{FROZEN_NOTE}</p>'
    # A long output scrolls: a named region in the tab order, so a keyboard can reach and scroll it.
    region = f'class="livecode-output" role="region" tabindex="0" aria-label="セル {index} の出力"'
    return f'<div {attrs}><div {region}>{"".join(parts)}</div>{note}</div>'
