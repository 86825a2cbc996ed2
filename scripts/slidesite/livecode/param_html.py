"""A `#@param` cell's controls as the page carries them: a JSON block the runtime turns into
`<input>`/`<select>` elements, and a quiet caption that stands in for them without JavaScript, in the
PDF and in the search index (the output shown there is the default state's)."""

from __future__ import annotations

import html

from ..source.params import Param

CAPTION_HEAD = "ブラウザで開くと切り替えられる値"


def controls_html(params: list[Param], states_url: str) -> str:
    """The one-line HTML after a cell's code; "" for a cell without controls."""
    if not params:
        return ""
    from .cell_html import script_json  # that module calls this one

    data = {"params": [p.as_json() for p in params], "states": states_url}
    script = f'<script type="application/json" class="livecode-params">{script_json(data)}</script>'
    items = "；".join(html.escape(p.caption()) for p in params)
    default = "、".join(f"{p.name} = {html.escape(p.default)}" for p in params)
    caption = (f'<p class="livecode-params-caption">{CAPTION_HEAD}：{items}。'
               f"ここに示す出力は {default} のときのものです。</p>")
    return script + caption
