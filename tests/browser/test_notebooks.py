"""The site's notebooks run in Jupyter: every one executes top to bottom under nbclient + ipykernel
with outputs equal to the build's, and every exercise's check cell says ✘ to the starter and ✔ to
the solution.

Run against the suite's built site (its notebooks fetch their files from it, as a downloaded
notebook does). Cells marked `run-elsewhere` (PyTorch) are left out of the run: the rest of such
a notebook must still run. All notebooks run at once in a few processes (one kernel each).
"""

from __future__ import annotations

import copy
import multiprocessing
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat import NotebookNode
from slidesite.site.notebook import TAG_CHECK, TAG_ELSEWHERE, TAG_LIVE_ONLY

from tests.support.server import static_server

from .helpers import TEST_PORT

PARALLEL = 3
RIGHT, WRONG = "✔", "✘"


def _tags(cell: NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _runnable(nb: NotebookNode) -> NotebookNode:
    """nb without the cells Jupyter cannot run here (PyTorch, live-only), and after each exercise's
    check cell the solution and the same check again (the test's own cells, tagged `test-solution`)."""
    out = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if TAG_ELSEWHERE in _tags(cell) or TAG_LIVE_ONLY in _tags(cell):
            continue
        cells.append(copy.deepcopy(cell))
        if TAG_CHECK in _tags(cell):
            exercise = next(c for c in reversed(cells) if "exercise" in _tags(c))
            solution = nbformat.v4.new_code_cell(_solution_of(nb, cell), metadata={"tags": ["test-solution"]},
                                                 id=f"{cell.id}-solution")
            check = copy.deepcopy(cell)
            check.id = f"{cell.id}-again"
            check.metadata["tags"] = ["test-solution-check"]
            check.metadata["starter"] = exercise.source
            cells += [solution, check]
    out.cells = cells
    return out


def _solution_of(nb: NotebookNode, check: NotebookNode) -> str:
    """The solution a check cell carries (base64), as the notebook's 「答え」 cell shows it."""
    import base64
    import re

    found = re.search(r'solution="([A-Za-z0-9+/=]*)"', check.source)
    assert found, check.source
    return base64.b64decode(found.group(1)).decode("utf-8")


def _execute(args: tuple[str, str]) -> tuple[str, str, float]:
    name, text = args
    nb = nbformat.reads(text, as_version=4)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"nb-{name}-") as folder:  # nothing next to it: the setup cell fetches
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
    return name, nbformat.writes(nb), time.monotonic() - started


@pytest.fixture(scope="module")
def executed(built_site: Path) -> Iterator[dict[str, tuple[NotebookNode, NotebookNode]]]:
    """Every notebook of the site: (as built, as executed), served at the address it was built for."""
    built = {p.stem: nbformat.read(p, as_version=4) for p in sorted((built_site / "notebooks").glob("*.ipynb"))}
    started = time.monotonic()
    jobs = [(name, nbformat.writes(_runnable(nb))) for name, nb in built.items()]
    with static_server(built_site, port=TEST_PORT), ProcessPoolExecutor(PARALLEL, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = {name: (nbformat.reads(text, as_version=4), seconds) for name, text, seconds in pool.map(_execute, jobs)}
    print(f"\nnotebooks: {len(done)} executed in {time.monotonic() - started:.1f} s "
          + ", ".join(f"{n} {s:.1f} s" for n, (_, s) in done.items()))
    yield {name: (built[name], done[name][0]) for name in built}


def _text(outputs: list[NotebookNode]) -> str:
    """What a reader reads, as the site shows it: streams and results, a result on its own line."""
    parts = []
    for out in outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "execute_result":
            parts.append(out.data["text/plain"] + "\n")
    return "".join(parts)


def _figures(outputs: list[NotebookNode]) -> int:
    return sum(1 for o in outputs if o.output_type == "display_data" and "image/png" in o.get("data", {}))


def _errors(outputs: list[NotebookNode]) -> list[tuple[str, str]]:
    return [(o.ename, o.evalue) for o in outputs if o.output_type == "error"]


def _live(nb: NotebookNode) -> dict[int, NotebookNode]:
    return {c.metadata["slidesite"]["cell"]: c for c in nb.cells
            if c.cell_type == "code" and "cell" in c.metadata.get("slidesite", {})}


def test_notebooks_are_valid_and_complete(built_site: Path) -> None:
    """Every deck and every page with cells has a valid notebook; PyTorch blocks are code cells marked so."""
    decks = {p.name for p in (built_site / "slides").iterdir() if (p / "index.html").exists()}
    names = {p.stem for p in (built_site / "notebooks").glob("*.ipynb")}
    assert decks <= names, decks - names
    assert {"articles-derivative", "guide-livecode"} <= names
    torch = nbformat.read(built_site / "notebooks" / "06-nn-implementation.ipynb", as_version=4)
    nbformat.validate(torch)
    marked = [c for c in torch.cells if TAG_ELSEWHERE in _tags(c)]
    # PyTorch blocks, and pandas ones (the submission file): each says what it needs, in its first line too.
    assert any("torch" in c.metadata["slidesite"]["needs"] for c in marked)
    for c in marked:
        needs = c.metadata["slidesite"]["needs"]
        assert c.cell_type == "code" and needs and all(n in c.source.split("\n", 1)[0] for n in needs)
    first = torch.cells[0]
    assert "setup" in _tags(first) and "penguins.csv" in first.source and "datafiles.py" in first.source


def test_notebooks_run_like_the_site(executed: dict[str, tuple[NotebookNode, NotebookNode]]) -> None:
    compared = 0
    for name, (built, ran) in executed.items():
        ran_cells = _live(ran)
        for index, cell in _live(built).items():
            if TAG_LIVE_ONLY in _tags(cell) or index not in ran_cells:
                continue
            got = ran_cells[index].outputs
            where = f"{name} cell {index}"
            assert _text(got) == _text(cell.outputs), where
            assert _figures(got) == _figures(cell.outputs), where
            assert _errors(got) == _errors(cell.outputs), where
            compared += 1
    assert compared > 150, compared  # the ten decks and the pages have about two hundred cells


def test_exercise_checks_fail_the_starter_and_pass_the_solution(
    executed: dict[str, tuple[NotebookNode, NotebookNode]],
) -> None:
    checked = 0
    for name, (_, ran) in executed.items():
        for cell in ran.cells:
            text = _text(cell.get("outputs", []))
            lines = [line for line in text.splitlines() if line.startswith((RIGHT, WRONG))]
            if TAG_CHECK in _tags(cell):
                assert any(line.startswith(WRONG) for line in lines), (name, cell.source, text)
                assert "答えのコードで続けます" in text
                checked += 1
            elif "test-solution-check" in _tags(cell):
                assert lines and all(line.startswith(RIGHT) for line in lines), (name, cell.source, text)
                assert "すべて正解です" in text
    assert checked >= 10, checked


