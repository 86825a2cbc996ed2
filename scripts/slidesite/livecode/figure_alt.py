"""Alt text of a matplotlib figure, made from what the figure says: each plot's title, axis labels and
legend entries (e.g. 「誤差の推移（横軸 k、縦軸 |x_k − x*|、凡例 GD / Momentum）」).

Runs in the browser's worker and at build (a sibling of runner.py; imports nothing from the build). The
text travels inside the PNG (an iTXt chunk under DESCRIPTION_KEY), so every consumer of the picture
(the build's <img>, the browser's output, a notebook) reads it from the picture itself.
"""

from __future__ import annotations

import re
from typing import Any

DESCRIPTION_KEY = "Description"
MAX_ENTRIES = 8  # legend entries named before 「ほか N 件」


def _plain(text: str) -> str:
    """Mathtext as its letters: `$|x_k - x^*|$` → `|x_k - x^*|`; runs of spaces and line breaks as one space."""
    text = re.sub(r"\\(mathrm|text|mathbf|mathit)\{([^}]*)\}", r"\2", text).replace("$", "").replace("\\", "")
    return " ".join(text.split())


def _legend(ax: Any) -> list[str]:
    legend = ax.get_legend()
    if legend is None:
        return []
    return [t for t in (_plain(x.get_text()) for x in legend.get_texts()) if t]


def _axes_text(ax: Any) -> str:
    title = _plain(ax.get_title()) or _plain(ax.get_title(loc="left")) or _plain(ax.get_title(loc="right"))
    parts = []
    for name, label in (("横軸", ax.get_xlabel()), ("縦軸", ax.get_ylabel())):
        if _plain(label):
            parts.append(f"{name} {_plain(label)}")
    if hasattr(ax, "get_zlabel") and _plain(ax.get_zlabel()):
        parts.append(f"奥行き {_plain(ax.get_zlabel())}")
    entries = _legend(ax)
    if entries:
        shown = " / ".join(entries[:MAX_ENTRIES])
        more = f" ほか {len(entries) - MAX_ENTRIES} 件" if len(entries) > MAX_ENTRIES else ""
        parts.append(f"凡例 {shown}{more}")
    if not title and not parts:
        return ""
    return (title or "グラフ") + (f"（{'、'.join(parts)}）" if parts else "")


def describe(fig: Any) -> str:
    """The figure's alt text, or "" when it names nothing (no title, labels or legend anywhere)."""
    suptitle = getattr(fig, "_suptitle", None)
    head = _plain(suptitle.get_text()) if suptitle is not None else ""
    plots = [t for t in (_axes_text(ax) for ax in fig.get_axes() if ax.get_visible()) if t]
    # A colour bar is an axes too: its label alone reads as one more plot.
    legend = _legend_of_figure(fig)
    body = "；".join(plots)
    text = "：".join(p for p in (head, body) if p)
    if legend:
        text += ("、" if text else "") + f"凡例 {' / '.join(legend[:MAX_ENTRIES])}"
    return text


def _legend_of_figure(fig: Any) -> list[str]:
    return [t for lg in getattr(fig, "legends", []) for t in (_plain(x.get_text()) for x in lg.get_texts()) if t]
