"""A small visualiser for 2-D optimisation: a field, an adventurer and the route it takes.

Used by the live cells of slides/parameter-optimization.md:

    field = Field(f, (-10, 10), (-5, 5))        # f(x, y) -> height
    route = optimize(field, SGD(lr=0.95), steps=30, start=(-7.0, 2.0))
    field.plot(route=route)                     # contours + the route

An optimiser ("method") is any object with `update(params, grads)` that changes
the dict `params = {"x": ..., "y": ...}` in place, as in the textbook's optimisers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Func = Callable[[np.ndarray, np.ndarray], np.ndarray]
GradFunc = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
Point = tuple[float, float]


class Optimizer(Protocol):
    """What `optimize` needs from a method: one in-place update of the parameters."""

    def update(self, params: dict[str, float], grads: dict[str, float]) -> None: ...


class Field:
    """A height function z = f(x, y) on a rectangle, with its gradient.

    `func` (and `grad`, if given) must accept numpy arrays as well as floats.
    Without `grad`, the gradient is computed by central differences with step `h`.
    """

    def __init__(
        self,
        func: Func,
        xlim: Point,
        ylim: Point,
        grad: GradFunc | None = None,
        h: float = 1e-5,
    ) -> None:
        if xlim[0] >= xlim[1] or ylim[0] >= ylim[1]:
            raise ValueError("xlim and ylim must be (low, high) with low < high")
        self.func = func
        self.xlim = (float(xlim[0]), float(xlim[1]))
        self.ylim = (float(ylim[0]), float(ylim[1]))
        self.grad = grad
        self.h = h

    def __call__(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """The height at (x, y); works element-wise on arrays."""
        return np.asarray(self.func(np.asarray(x, float), np.asarray(y, float)), float)

    def gradient(self, x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
        """(∂f/∂x, ∂f/∂y) at (x, y): shape (2,) for a point, (2, *shape) for arrays."""
        xa, ya = np.asarray(x, float), np.asarray(y, float)
        if self.grad is not None:
            gx, gy = self.grad(xa, ya)
        else:
            h = self.h
            gx = (self.func(xa + h, ya) - self.func(xa - h, ya)) / (2 * h)
            gy = (self.func(xa, ya + h) - self.func(xa, ya - h)) / (2 * h)
        # broadcast so a constant partial derivative still gets the grid's shape
        gx, gy, _, _ = np.broadcast_arrays(
            np.asarray(gx, float), np.asarray(gy, float), xa, ya
        )
        return np.stack([gx, gy])

    def plot(
        self,
        route: ArrayLike | Mapping[str, ArrayLike] | None = None,
        ax: Axes | None = None,
        levels: int | ArrayLike = 15,
        quiver: bool = False,
        title: str | None = None,
    ) -> Axes:
        """Draw contour lines (and gradient arrows if `quiver`) and the route(s).

        `route` is an (N, 2) array of points, or a mapping label -> route to draw
        several routes with a legend.
        """
        import matplotlib.pyplot as plt  # imported lazily: the module also works headless

        if ax is None:
            # small, since it shares a slide with code; tight so the labels stay inside
            _, ax = plt.subplots(figsize=(6, 2.8), layout="tight")
        xs = np.linspace(*self.xlim, 150)
        ys = np.linspace(*self.ylim, 150)
        gx, gy = np.meshgrid(xs, ys)
        gz = self(gx, gy)
        lo, hi = float(np.nanmin(gz)), float(np.nanmax(gz))
        if isinstance(levels, int) and hi > lo:
            # quadratic spacing: evenly spaced rings on a bowl instead of a crowded rim
            levels = lo + (hi - lo) * np.linspace(0, 1, levels + 1)[1:] ** 2
        ax.contour(gx, gy, gz, levels=levels, cmap="viridis", linewidths=0.8)
        if quiver:
            qx, qy = np.meshgrid(
                np.linspace(*self.xlim, 17), np.linspace(*self.ylim, 9)
            )
            u, v = self.gradient(qx, qy)
            # arrows point downhill (minus the gradient), the way an optimiser steps
            ax.quiver(qx, qy, -u, -v, color="tab:gray", angles="xy")
        routes = _as_routes(route)
        for label, points in routes.items():
            ax.plot(points[:, 0], points[:, 1], "o-", ms=3, lw=1.2, label=label or None)
        if any(routes):
            ax.legend(loc="upper right", fontsize=8)
        ax.plot(0, 0, "+", color="black", ms=10)
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        if title:
            ax.set_title(title)
        return ax


def _as_routes(
    route: ArrayLike | Mapping[str, ArrayLike] | None,
) -> dict[str, NDArray[np.float64]]:
    """Normalise `route` to {label: (N, 2) array}; an unlabelled route gets the label ''."""
    if route is None:
        return {}
    items = route.items() if isinstance(route, Mapping) else [("", route)]
    routes = {}
    for label, points in items:
        arr = np.asarray(points, float).reshape(-1, 2)
        routes[str(label)] = arr
    return routes


class Adventurer:
    """Someone standing on a field at (x, y) who records every point they visit."""

    def __init__(self, x: float, y: float) -> None:
        self.params: dict[str, float] = {"x": float(x), "y": float(y)}
        self._route: list[Point] = [(float(x), float(y))]

    @property
    def position(self) -> Point:
        return (self.params["x"], self.params["y"])

    @property
    def route(self) -> NDArray[np.float64]:
        """Every point visited so far, start included, as an (N, 2) array."""
        return np.array(self._route, dtype=float)

    def step(self, field: Field, method: Optimizer) -> None:
        """Ask `method` for one update using the gradient where we stand."""
        gx, gy = field.gradient(*self.position)
        method.update(self.params, {"x": float(gx), "y": float(gy)})
        self._route.append((float(self.params["x"]), float(self.params["y"])))

    def optimize(
        self, field: Field, method: Optimizer, steps: int = 30
    ) -> NDArray[np.float64]:
        """Take up to `steps` steps and return the whole route (stops early if it blows up)."""
        for _ in range(steps):
            self.step(field, method)
            if not all(math.isfinite(v) for v in self.position):
                break
        return self.route


def optimize(
    field: Field,
    method: Optimizer,
    steps: int = 30,
    start: Point | Adventurer = (-7.0, 2.0),
) -> NDArray[np.float64]:
    """Send an adventurer from `start` (default: the textbook's (-7, 2)); return its route."""
    adventurer = start if isinstance(start, Adventurer) else Adventurer(*start)
    return adventurer.optimize(field, method, steps)
