"""Unit tests for slides/py/fieldviz.py (the visualiser the parameter-optimization deck imports)."""

from __future__ import annotations

import importlib.util
import math
import sys

import matplotlib
import numpy as np
import pytest

from tests.support import REPO

matplotlib.use("Agg")


def _deck_module(name: str) -> object:
    """A module the decks import, loaded from slides/py by its path (as a deck's page loads it)."""
    path = REPO / "slides" / "py" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = sys.modules[name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fieldviz = _deck_module("fieldviz")
Adventurer, Field, optimize = fieldviz.Adventurer, fieldviz.Field, fieldviz.optimize  # type: ignore[attr-defined]


def bowl(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return x**2 / 20 + y**2


def bowl_grad(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x / 10, 2 * y


class SGD:
    def __init__(self, lr: float) -> None:
        self.lr = lr

    def update(self, params: dict[str, float], grads: dict[str, float]) -> None:
        for key in params:
            params[key] -= self.lr * grads[key]


def test_numerical_gradient_matches_analytic() -> None:
    field = Field(bowl, (-10, 10), (-5, 5))
    np.testing.assert_allclose(field.gradient(-7.0, 2.0), [-0.7, 4.0], rtol=1e-6)


def test_numerical_gradient_on_a_grid() -> None:
    field = Field(bowl, (-10, 10), (-5, 5))
    gx, gy = np.meshgrid(np.linspace(-10, 10, 5), np.linspace(-5, 5, 3))
    grad = field.gradient(gx, gy)
    assert grad.shape == (2, 3, 5)
    np.testing.assert_allclose(grad, np.stack(bowl_grad(gx, gy)), atol=1e-6)


def test_given_gradient_is_used_and_broadcast() -> None:
    field = Field(lambda x, y: x + 0 * y, (0, 1), (0, 1), grad=lambda x, y: (1.0, 0.0))
    assert field.gradient(np.zeros((2, 2)), np.zeros((2, 2))).shape == (2, 2, 2)
    np.testing.assert_allclose(field.gradient(0.3, 0.4), [1.0, 0.0])


def test_field_rejects_empty_ranges() -> None:
    with pytest.raises(ValueError):
        Field(bowl, (1, -1), (0, 1))


def test_adventurer_records_route_from_start() -> None:
    hero = Adventurer(-7.0, 2.0)
    route = hero.optimize(
        Field(bowl, (-10, 10), (-5, 5), grad=bowl_grad), SGD(0.1), steps=5
    )
    assert route.shape == (6, 2)
    np.testing.assert_allclose(route[0], [-7.0, 2.0])
    assert hero.position == tuple(route[-1])


def test_optimize_matches_closed_form_sgd() -> None:
    # on x²/20 + y² one SGD step multiplies x by (1 - lr/10) and y by (1 - 2 lr)
    field = Field(bowl, (-10, 10), (-5, 5), grad=bowl_grad)
    route = optimize(field, SGD(0.95), steps=30)
    np.testing.assert_allclose(route[-1], [-7 * 0.905**30, 2 * 0.9**30], rtol=1e-12)


def test_optimize_accepts_an_adventurer() -> None:
    field = Field(bowl, (-1, 1), (-1, 1))
    route = optimize(field, SGD(0.1), steps=3, start=Adventurer(-0.5, 0.2))
    np.testing.assert_allclose(route[0], [-0.5, 0.2])


def test_divergence_stops_early() -> None:
    field = Field(
        lambda x, y: np.exp(x) + y**2,
        (-1, 1),
        (-1, 1),
        grad=lambda x, y: (np.exp(x), 2 * y),
    )
    with np.errstate(over="ignore"):
        route = optimize(field, SGD(-1e3), steps=50, start=(1.0, 0.0))
    assert len(route) < 51
    assert not math.isfinite(route[-1][0])


def test_plot_draws_labelled_routes() -> None:
    import matplotlib.pyplot as plt

    field = Field(bowl, (-10, 10), (-5, 5), grad=bowl_grad)
    routes = {
        "SGD": optimize(field, SGD(0.95), 5),
        "slow": optimize(field, SGD(0.1), 5),
    }
    ax = field.plot(route=routes, quiver=True, title="t")
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == ["SGD", "slow"]
    assert ax.get_xlim() == (-10.0, 10.0)
    plt.close("all")


def test_plot_single_route_without_legend() -> None:
    import matplotlib.pyplot as plt

    field = Field(bowl, (-10, 10), (-5, 5))
    fig, ax = plt.subplots()
    assert field.plot(route=[[-7, 2], [-6, -1]], ax=ax) is ax
    assert ax.get_legend() is None
    plt.close(fig)


def test_plot_flat_field_and_explicit_levels() -> None:
    import matplotlib.pyplot as plt

    flat = Field(lambda x, y: 0 * x + 0 * y + 1.0, (0, 1), (0, 1))
    ax = flat.plot()  # no contour levels in a flat field: still the axes and the minimum's marker
    assert (ax.get_xlim(), ax.get_ylim(), ax.get_xlabel()) == ((0.0, 1.0), (0.0, 1.0), "x")
    ax = Field(bowl, (-10, 10), (-5, 5)).plot(levels=[1.0, 2.0, 4.0])
    contours = [c for c in ax.get_children() if type(c).__name__ == "QuadContourSet"]
    assert [list(c.levels) for c in contours] == [[1.0, 2.0, 4.0]]
    plt.close("all")
