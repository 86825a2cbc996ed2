"""The Python half of the live-cell runtime, run in CPython (the same file runs in Pyodide)."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import pytest
from slidesite.livecode import runner

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


class Recorder:
    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def __call__(self, kind: str, text: str) -> None:
        self.items.append((kind, text))

    def text(self, *kinds: str) -> str:
        return "".join(t for k, t in self.items if not kinds or k in kinds)


@pytest.fixture()
def post() -> Recorder:
    runner.setup(font_path=None)
    return Recorder()


@pytest.fixture()
def session() -> runner.Session:
    return runner.Session()


def test_gradient_descent_and_shared_state(post: Recorder, session: runner.Session) -> None:
    code = "import math\nx = 3.0\nfor _ in range(1000):\n    x -= 0.01 * (2 * x - math.exp(-x))\nprint(round(x, 6))"
    assert session.run_cell(code, 1, post) == "ok"
    assert post.text("stdout") == "0.351734\n"
    assert session.run_cell("x * 2", 2, post) == "ok"
    assert post.text("result").startswith("0.7034")


def test_last_expression_shown_unless_none(post: Recorder, session: runner.Session) -> None:
    session.run_cell("a = [1, 2]\na", 1, post)
    session.run_cell("None", 2, post)
    session.run_cell("print('p')", 3, post)
    assert post.items == [("result", "[1, 2]\n"), ("stdout", "p\n")]


def test_traceback_names_cell_line_without_runtime_frames(post: Recorder, session: runner.Session) -> None:
    assert session.run_cell("x = 1\ny = 2\n1 / 0\n", 7, post) == "error"
    tb = post.text("error")
    assert 'File "<cell 7>", line 3' in tb
    assert "ZeroDivisionError" in tb
    assert "slidesite" not in tb
    assert "1 / 0" in tb


def test_traceback_through_function_and_chain(post: Recorder, session: runner.Session) -> None:
    code = "def f():\n    raise ValueError('bad')\ntry:\n    f()\nexcept ValueError as e:\n    raise KeyError('k') from e\n"
    session.run_cell(code, 3, post)
    tb = post.text("error")
    assert 'File "<cell 3>", line 2, in f' in tb and 'line 6' in tb
    assert "slidesite" not in tb


def test_syntax_error_points_at_cell(post: Recorder, session: runner.Session) -> None:
    assert session.run_cell("x = (\n", 4, post) == "error"
    tb = post.text("error")
    assert '"<cell 4>", line 1' in tb and "SyntaxError" in tb


def test_interrupt_status(post: Recorder, session: runner.Session) -> None:
    assert session.run_cell("raise KeyboardInterrupt", 1, post) == "interrupted"
    assert "KeyboardInterrupt" in post.text("error")


def test_output_truncated_by_lines_and_chars(post: Recorder, session: runner.Session) -> None:
    assert session.run_cell("for i in range(10**5): print(i)", 1, post, max_lines=100) == "ok"
    out = post.text("stdout")
    assert out.count("\n") == 100 and out.endswith("99\n")
    assert "output truncated" in post.text("notice")
    post.items.clear()
    session.run_cell("print('x' * 5000)", 2, post, max_chars=1000)
    assert len(post.text("stdout")) <= 1001
    assert "output truncated" in post.text("notice")


def test_streaming_batches_output(post: Recorder, monkeypatch: pytest.MonkeyPatch, session: runner.Session) -> None:
    monkeypatch.setattr(runner, "FLUSH_INTERVAL", 0.0)
    session.run_cell("import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')", 1, post)
    kinds = [k for k, _ in post.items]
    assert kinds[0] == "stdout" and "stderr" in kinds
    assert post.text("stdout") == "a\nc\n"


def test_output_is_plain_text(post: Recorder, session: runner.Session) -> None:
    session.run_cell("print('<img src=x onerror=alert(1)>')", 1, post)
    assert post.text() == "<img src=x onerror=alert(1)>\n"


def test_input_is_explained(post: Recorder, session: runner.Session) -> None:
    assert session.run_cell("input('?')", 1, post) == "error"
    assert "input()" in post.text("error")


def test_new_session_forgets_variables_and_page_modules(tmp_path: Path) -> None:
    (tmp_path / "pagemod.py").write_text("VALUE = 1\n")
    runner.setup(module_dir=str(tmp_path))
    post = Recorder()
    session = runner.Session()
    session.run_cell("import pagemod\nv = pagemod.VALUE", 1, post)
    assert "pagemod" in sys.modules
    session = runner.Session()
    assert "pagemod" not in sys.modules
    (tmp_path / "pagemod.py").write_text("VALUE = 2\n")
    session.run_cell("v", 1, post)
    assert "NameError" in post.text("error")
    post.items.clear()
    session.run_cell("import pagemod\npagemod.VALUE", 2, post)
    assert post.text("result") == "2\n"
    runner.use_module_dir(None)
    assert str(tmp_path) not in sys.path


def test_input_is_noticed_by_the_session(post: Recorder, session: runner.Session) -> None:
    session.run_cell("x = 1", 1, post)
    assert not session.asked_input
    session.run_cell("name = input('名前は？')", 2, post)
    assert session.asked_input and runner.NO_INPUT in post.text("error")


def test_exercise_order_is_the_sessions(post: Recorder, session: runner.Session) -> None:
    """Build: the starter runs, then solve() runs the solution quietly; browser: check() against its values."""
    assert session.run_cell("def f(x):\n    return 0", 1, post) == "ok"
    solved = session.solve(1, "def f(x):\n    return 2 * x", ["f(3)", "f(0.5)"])
    assert solved["starter_passes"] is False and [e["values"] for e in solved["expected"]] == [[6], [1.0]]
    assert session.run_cell("f(3)", 2, post) == "ok" and post.text("result") == "6\n"  # later cells see it
    reader = runner.Session()
    reader.run_cell("def f(x):\n    return x + x", 1, post)
    assert [r["ok"] for r in reader.check(["f(3)", "f(0.5)"], solved["expected"], "ok")] == [True, True]
    assert {r["message"] for r in reader.check(["f(3)"], solved["expected"][:1], "error")} == {
        "コードがエラーで止まりました（上の出力）"}
    broken = session.solve(1, "raise ValueError('x')", ["f(3)"])
    assert broken == {"solution_error": "ValueError: x"}


def test_unsolved_solutions_run_quietly_first(post: Recorder, session: runner.Session) -> None:
    assert session.run_cell("print(g(2))", 5, post, solutions=[(3, "def g(x):\n    return x ** 3\nprint('quiet')")]) == "ok"
    assert post.text() == "8\n"



def test_figures_captured_closed_and_japanese_font(monkeypatch: pytest.MonkeyPatch, session: runner.Session) -> None:
    import matplotlib

    matplotlib.use(runner.BACKEND)
    runner.setup(font_path=str(CJK_FONT))
    post = Recorder()
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.title('損失の推移')\nplt.show()\nplt.figure()\nplt.plot([3])"
    with _no_glyph_warnings():
        assert session.run_cell(code, 1, post) == "ok"
    images = [t for k, t in post.items if k == "image"]
    assert len(images) == 2  # one from plt.show(), one left open
    assert base64.b64decode(images[0])[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []
    assert "Noto Sans CJK JP" in matplotlib.rcParams["font.family"]


class _no_glyph_warnings:
    """Fail if matplotlib warns about a missing glyph (Japanese text would show as boxes)."""

    def __enter__(self) -> None:
        import warnings

        self._cm = warnings.catch_warnings(record=True)
        self._log = self._cm.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)
        missing = [str(w.message) for w in self._log if "missing from" in str(w.message)]
        assert not missing, missing


def test_warm_up_leaves_no_figure() -> None:
    import matplotlib

    matplotlib.use(runner.BACKEND)
    runner.setup(font_path=str(CJK_FONT) if CJK_FONT.exists() else None)
    runner.warm_up(["numpy", "matplotlib"])
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []


def test_zip_directory_is_reread_only_when_the_zip_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib
    import zipfile
    import zipimport

    monkeypatch.setattr(zipimport.zipimporter, "invalidate_caches", zipimport.zipimporter.invalidate_caches)
    archive = tmp_path / "lib.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("zmod_a.py", "A = 1\n")
    monkeypatch.syspath_prepend(str(archive))
    importlib.import_module("zmod_a")
    finder = sys.path_importer_cache[str(archive)]
    runner._keep_zip_directories()
    reads: list[str] = []
    monkeypatch.setattr(zipimport, "_read_directory", lambda path, real=zipimport._read_directory: reads.append(path) or real(path))
    importlib.invalidate_caches()
    assert reads == []  # unchanged: the directory is not read again
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("zmod_b.py", "B = 2\n")
    importlib.invalidate_caches()
    assert reads == [str(archive)]
    assert importlib.import_module("zmod_b").B == 2
    assert isinstance(finder, zipimport.zipimporter)
