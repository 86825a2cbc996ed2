"""Matplotlib backend for live cells: Agg rendering, plt.show() sends figures to the cell."""

from __future__ import annotations

from typing import Any

from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase


def show(*args: Any, **kwargs: Any) -> None:
    from .runner import capture_figures

    capture_figures()
