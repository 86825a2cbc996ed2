"""The Python half of the live-cell runtime, run in CPython (the same file runs in Pyodide)."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import livecode_runner as runner  # theme/livecode/py, on pytest.ini's pythonpath
import pytest

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


def test_gradient_descent_and_shared_state(post: Recorder) -> None:
    code = "import math\nx = 3.0\nfor _ in range(1000):\n    x -= 0.01 * (2 * x - math.exp(-x))\nprint(round(x, 6))"
    assert runner.run(code, 1, post) == "ok"
    assert post.text("stdout") == "0.351734\n"
    assert runner.run("x * 2", 2, post) == "ok"
    assert post.text("result").startswith("0.7034")


def test_last_expression_shown_unless_none(post: Recorder) -> None:
    runner.run("a = [1, 2]\na", 1, post)
    runner.run("None", 2, post)
    runner.run("print('p')", 3, post)
    assert post.items == [("result", "[1, 2]\n"), ("stdout", "p\n")]


def test_traceback_names_cell_line_without_runtime_frames(post: Recorder) -> None:
    assert runner.run("x = 1\ny = 2\n1 / 0\n", 7, post) == "error"
    tb = post.text("error")
    assert 'File "<cell 7>", line 3' in tb
    assert "ZeroDivisionError" in tb
    assert "livecode_runner" not in tb
    assert "1 / 0" in tb


def test_traceback_through_function_and_chain(post: Recorder) -> None:
    code = "def f():\n    raise ValueError('bad')\ntry:\n    f()\nexcept ValueError as e:\n    raise KeyError('k') from e\n"
    runner.run(code, 3, post)
    tb = post.text("error")
    assert 'File "<cell 3>", line 2, in f' in tb and 'line 6' in tb
    assert "livecode_runner" not in tb


def test_syntax_error_points_at_cell(post: Recorder) -> None:
    assert runner.run("x = (\n", 4, post) == "error"
    tb = post.text("error")
    assert '"<cell 4>", line 1' in tb and "SyntaxError" in tb


def test_interrupt_status(post: Recorder) -> None:
    assert runner.run("raise KeyboardInterrupt", 1, post) == "interrupted"
    assert "KeyboardInterrupt" in post.text("error")


def test_output_truncated_by_lines_and_chars(post: Recorder) -> None:
    assert runner.run("for i in range(10**5): print(i)", 1, post, max_lines=100) == "ok"
    out = post.text("stdout")
    assert out.count("\n") == 100 and out.endswith("99\n")
    assert "output truncated" in post.text("notice")
    post.items.clear()
    runner.run("print('x' * 5000)", 2, post, max_chars=1000)
    assert len(post.text("stdout")) <= 1001
    assert "output truncated" in post.text("notice")


def test_streaming_batches_output(post: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "FLUSH_INTERVAL", 0.0)
    runner.run("import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')", 1, post)
    kinds = [k for k, _ in post.items]
    assert kinds[0] == "stdout" and "stderr" in kinds
    assert post.text("stdout") == "a\nc\n"


def test_output_is_plain_text(post: Recorder) -> None:
    runner.run("print('<img src=x onerror=alert(1)>')", 1, post)
    assert post.text() == "<img src=x onerror=alert(1)>\n"


def test_input_is_explained(post: Recorder) -> None:
    assert runner.run("input('?')", 1, post) == "error"
    assert "input()" in post.text("error")


def test_new_namespace_forgets_variables_and_page_modules(tmp_path: Path) -> None:
    (tmp_path / "pagemod.py").write_text("VALUE = 1\n")
    runner.setup(module_dir=str(tmp_path))
    post = Recorder()
    runner.run("import pagemod\nv = pagemod.VALUE", 1, post)
    assert "pagemod" in sys.modules
    runner.new_namespace()
    assert "pagemod" not in sys.modules
    (tmp_path / "pagemod.py").write_text("VALUE = 2\n")
    runner.run("v", 1, post)
    assert "NameError" in post.text("error")
    post.items.clear()
    runner.run("import pagemod\npagemod.VALUE", 2, post)
    assert post.text("result") == "2\n"
    sys.path.remove(str(tmp_path))



def test_figures_captured_closed_and_japanese_font(monkeypatch: pytest.MonkeyPatch) -> None:
    import matplotlib

    matplotlib.use("module://livecode_mpl_backend")
    runner.setup(font_path=str(CJK_FONT))
    post = Recorder()
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.title('損失の推移')\nplt.show()\nplt.figure()\nplt.plot([3])"
    with _no_glyph_warnings():
        assert runner.run(code, 1, post) == "ok"
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

    matplotlib.use("module://livecode_mpl_backend")
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
