"""Every deck and every hand-written page with cells as a Jupyter notebook, made at build.

A notebook is what the site already has, in Jupyter's format (validated with nbformat):
the slide or section text as Markdown cells (pictures and links pointing at the site), each
live cell as a code cell carrying its build-time output (text and figures), each exercise as
its starter cell, a check cell that prints ✔/✘ against the build's expected values (the site's
own comparison, livecode_check.py) and its solution in a closed <details> Markdown cell, and each
static `python` block that needs a package the site does not run (PyTorch) as a code cell marked
so. The first cell fetches the modules, data files, the check module and the figures' Japanese
font from the site when they are not next to the notebook, so a downloaded notebook runs in
Jupyter and in Colab.

Notebooks go to site/notebooks/<name>.ipynb (a deck's name, or a page's path with "-").
"""

from __future__ import annotations

import ast
import base64
import hashlib
import json
import os
import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urljoin

import nbformat
from nbformat import NotebookNode, from_dict

from ..errors import BuildError
from ..livecode.assets import EXTRAS, FONT_FILE, PACKAGES
from ..paths import RUNNER_DIR, package_version
from ..run.execute import CellOutput, PageOutputs
from ..source.cells import Cell, cells_of, iter_fences
from ..source.deck import COMMENT, EXTERNAL, MD_IMAGE, Deck, code_line_mask, split_front_matter
from .exercises import deck_labels, default_label, page_labels
from .lectures import deck_page_uri

NOTEBOOKS_DIR = "notebooks"  # in the site, relative to its root
CHECK_MODULE = "livecode_check.py"  # the site's exercise comparison, copied next to the notebooks
FONT_URL = f"assets/pyodide/{EXTRAS}/{FONT_FILE}"
COLAB = "https://colab.research.google.com/github/{repo}/blob/{branch}/{name}.ipynb"
COLAB_BRANCH = "notebooks"  # the deploy workflow (.github/workflows/pages.yml) pushes site/notebooks/ there
TAG_ELSEWHERE = "run-elsewhere"  # a static block that needs a package the site does not have
TAG_LIVE_ONLY = "live-only"
TAG_SETUP = "setup"
TAG_CHECK = "exercise-check"
# Marp image keywords in alt text (bg, sizes, filters): not words a reader should see.
MARP_ALT = re.compile(r"^(?:bg|left|right|top|bottom|contain|cover|fit|auto|vertical|[\d.]+%|"
                      r"(?:w|h|width|height|left|right|sepia|blur|brightness|contrast|drop-shadow|grayscale|"
                      r"hue-rotate|invert|opacity|saturate)(?::\S*)?)$")
MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<url><[^>]*>|[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
HTML_URL = re.compile(r"""\b(src|href)\s*=\s*(["'])([^"']+)\2""")
LONE_CONTAINER_TAG = re.compile(r"^\s*</?(?:div|span|section)\b[^>]*>\s*$")
ADMONITION = re.compile(r'^(?P<indent> *)(?:!!!|\?\?\?\+?) *(?P<kind>[\w-]+)(?: +"(?P<title>[^"]*)")? *$')


@dataclass(frozen=True)
class NotebookLinks:
    """Where a page's notebook is, seen from the page, and its Colab address (when the repo is on GitHub)."""

    url: str
    colab: str | None


@dataclass
class Source:
    """What a notebook is made of: the Markdown lines, the cells found in them and their outputs."""

    name: str  # the notebook's file stem
    title: str
    path: Path  # for error messages and metadata
    lines: list[str]
    body_start: int  # 0-based index of the first line after front matter
    cells: list[Cell]
    outputs: PageOutputs | None
    base_url: str  # absolute URL that relative links and pictures are resolved against
    modules: list[tuple[str, str]] = field(default_factory=list)  # (file name, absolute URL)
    labels: dict[int, str] = field(default_factory=dict)  # exercise labels by cell index
    slide_starts: dict[int, str | None] = field(default_factory=dict)  # deck: 0-based line → slide title


def notebook_name(uri: str) -> str:
    """A page's notebook name: `lectures/01-learning.md` → 01-learning, `guide/x.md` → guide-x."""
    return uri.removesuffix(".md").removeprefix("lectures/").replace("/", "-")


def notebook_links(name: str, page_url: str, repo_url: str | None) -> NotebookLinks:
    """The notebook's URL relative to the page at page_url, and Colab's when repo_url is a GitHub repository."""
    folder = posixpath.dirname(page_url + "x")
    depth = len(folder.split("/")) if folder else 0
    url = "../" * depth + f"{NOTEBOOKS_DIR}/{name}.ipynb"
    return NotebookLinks(url, colab_url(name, repo_url))


def colab_url(name: str, repo_url: str | None) -> str | None:
    m = re.match(r"^https?://(?:www\.)?github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?/?$", repo_url or "")
    return COLAB.format(repo=m.group(1), branch=COLAB_BRANCH, name=name) if m else None


def links_html(links: NotebookLinks) -> str:
    """The buttons a page shows: download the notebook, and open it in Colab."""
    out = f'<a class="md-button" href="{links.url}" download data-action="notebook">ノートブック (.ipynb)</a>'
    if links.colab:
        out += (f'\n<a class="md-button" href="{links.colab}" target="_blank" rel="noopener" '
                'data-action="colab">Colab で開く</a>')
    return out


def with_links(markdown: str, links: NotebookLinks) -> str:
    """A page's Markdown with the notebook buttons: after the deck's (textbook page), else under the h1."""
    buttons = links_html(links)
    actions = markdown.find('<div class="deck-actions">\n')
    if actions >= 0:  # after the deck's buttons (present, PDF)
        end = markdown.index("</div>", actions)
        return markdown[:end] + buttons + "\n" + markdown[end:]
    block = f'<p class="notebook-links">{buttons}</p>'
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("# "):
            return "\n".join([*lines[: i + 1], "", block, "", *lines[i + 1 :]])
    return block + "\n\n" + markdown


# ------------------------------------------------------------------ sources


def deck_source(deck: Deck, outputs: PageOutputs | None, site_url: str, labels: dict[int, str]) -> Source:
    deck_url = urljoin(site_url, f"slides/{deck.name}/")
    lines = deck.text.split("\n")
    _, body_start = split_front_matter(deck.text, deck.path)
    modules = [(PurePosixPath(m).name, urljoin(deck_url, m)) for m in deck.modules]
    starts = {s.line - 1: s.title for s in deck.slides}
    return Source(deck.name, deck.title, deck.path, lines, body_start, deck.cells, outputs, deck_url, modules,
                  labels, starts)


def page_source(path: Path, uri: str, page_url: str, title: str, outputs: PageOutputs | None, site_url: str,
                labels: dict[int, str]) -> Source:
    """A hand-written page's source; page_url: where MkDocs puts the page (File.url)."""
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    _, body_start = split_front_matter(text, path)
    lines = text.split("\n")
    fences = [f for f in iter_fences(lines) if f.start >= body_start]
    return Source(notebook_name(uri), title, path, lines, body_start, cells_of(fences), outputs,
                  urljoin(site_url, page_url), [], labels)


def deck_head_tags(name: str, pdf: bool, repo_url: str | None) -> str:
    """For a deck's <head>: its PDF (when built), notebook and Colab address (when the repository is on
    GitHub); the runtime puts them in the deck's toolbar (decklinks.js)."""
    links = [("pdf", "application/pdf", f"{name}.pdf", "PDF")] if pdf else []
    notebook = f"../../{NOTEBOOKS_DIR}/{name}.ipynb"
    links.append(("notebook", "application/x-ipynb+json", notebook, "ノートブック (.ipynb)"))
    colab = colab_url(name, repo_url)
    if colab:
        links.append(("colab", "text/html", colab, "Colab で開く"))
    return "".join(f'<link rel="alternate" type="{kind}" href="{href}" title="{title}" data-deck-link="{what}">'
                   for what, kind, href, title in links)


# ------------------------------------------------------------------ the notebook


def make_notebook(src: Source, site_url: str, figures: Path) -> NotebookNode:
    """The notebook for src, validated; BuildError naming the source when it is not valid."""
    maker = _Maker(src, site_url, figures)
    nb = new_notebook(cells=maker.cells(), metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "slidesite": {"source": src.path.name, "title": src.title, "site": site_url},
    })
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        raise BuildError(src.path, f"the notebook made from this file is not valid: {err.message}") from None
    made: NotebookNode = nb
    return made


def write_notebooks(site: Path, notebooks: dict[str, bytes]) -> dict[str, int]:
    """Write each notebook (and the check module they fetch) into site/notebooks/; return sizes in bytes."""
    folder = site / NOTEBOOKS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / CHECK_MODULE).write_bytes((RUNNER_DIR / "check.py").read_bytes())
    sizes = {}
    for name, data in notebooks.items():
        (folder / f"{name}.ipynb").write_bytes(data)
        sizes[name] = len(data)
    return sizes


class _Maker:
    def __init__(self, src: Source, site_url: str, figures: Path) -> None:
        self.src = src
        self.site_url = site_url
        self.figures = figures
        self.outputs = src.outputs.copy() if src.outputs else None
        self.count = 0  # execution counts, as if the notebook ran top to bottom
        self.exercises = 0
        self.out: list[NotebookNode] = []
        self.text: list[str] = []

    def cells(self) -> list[NotebookNode]:
        src = self.src
        lines = src.lines
        self.out.append(self._setup_cell())
        has_title = any(line.startswith("# ") for line, code in zip(lines, code_line_mask(lines), strict=True)
                        if not code)
        intro = new_markdown_cell(("" if has_title else f"# {src.title}\n\n") + _intro(src, self.site_url))
        in_code = code_line_mask(lines)
        fences = {f.start: f for f in iter_fences(lines) if f.start >= src.body_start}
        cells = {c.line - 1: c for c in src.cells}
        parts = {p.start for c in src.cells for p in c.parts}
        i = src.body_start
        comment = False
        while i < len(lines):
            if i in src.slide_starts and i > src.body_start:
                self._flush()
                title = src.slide_starts[i]
                if title and not _has_heading(lines, i, src.slide_starts):
                    self.text.append(f"## {title}")
            fence = fences.get(i)
            if fence is not None:
                cell = cells.get(i)
                if cell is not None:
                    self._live_cell(cell)
                elif i not in parts:
                    self._static_block(fence.info, fence.body, lines[fence.start:fence.end])
                i = fence.end
                continue
            line: str | None = lines[i]
            if not in_code[i]:
                line, comment = _strip_comments(lines[i], comment)
            if line is None:
                i += 1
                continue
            if src.slide_starts and _is_ruler(line) and (i + 1) in src.slide_starts:
                i += 1
                continue
            self.text.append(line)
            i += 1
        self._flush()
        # Under the title slide (or the page's h1) when there is one, else right after the setup cell.
        first = next((n for n, c in enumerate(self.out) if c.cell_type == "markdown"), 0) if has_title else 0
        self.out.insert(first + 1, intro)
        for n, made in enumerate(self.out, 1):  # the same source gives the same file (no random ids)
            made.id = f"cell-{n}"
        return self.out

    # -- Markdown

    def _flush(self) -> None:
        text = _markdown(self.text, self.src.base_url, breaks=bool(self.src.slide_starts))
        self.text = []
        if text:
            self.out.append(new_markdown_cell(text))

    # -- code

    def _live_cell(self, cell: Cell) -> None:
        self._flush()
        result = self.outputs.take(cell.code) if self.outputs is not None else None
        tags = []
        if cell.live_only:
            tags.append(TAG_LIVE_ONLY)
        if cell.expect_error or (result is not None and result.status == "error"):  # also a starter that raises
            tags.append("raises-exception")  # nbclient and Jupyter go on past this cell's error
        if cell.exercise:
            tags.append("exercise")
        code = new_code_cell(cell.code.rstrip("\n"), metadata={"tags": tags} if tags else {})
        code.metadata["slidesite"] = {"cell": cell.index, "line": cell.line}
        if result is not None and result.status != "live-only":
            self.count += 1
            code.execution_count = self.count
            code.outputs = self._outputs(result, self.count)
        self.out.append(code)
        if cell.exercise:
            self._exercise(cell, result)

    def _exercise(self, cell: Cell, result: CellOutput | None) -> None:
        self.exercises += 1
        label = self.src.labels.get(cell.index, default_label(self.exercises))
        if result is None or result.expected is None:
            raise BuildError(self.src.path, f"exercise {label} has no expected values from the build", cell.line)
        solution = _b64(cell.solution)
        check = "\n".join([
            f"# 答え合わせ（{label}）: 上のセルを書き換えて実行してから、このセルを実行してください。",
            "# ✔ は正解、✘ は不正解です（サイトと同じ比べ方: 数値は numpy.allclose）。正解でないときは、",
            "# この後のセルが動くように答えのコードで続けます（expected はサイトの正解の値、solution は下の「答え」。",
            "# 見てしまわないように base64 にしてあります）。",
            "check_answer(",
            f"    {json.dumps(cell.checks, ensure_ascii=False)},",
            f'    expected="{_b64(json.dumps(result.expected, ensure_ascii=False))}",',
            f'    solution="{solution}",',
            ")",
        ])
        self.out.append(new_code_cell(check, metadata={"tags": [TAG_CHECK], "slidesite": {"exercise": label}}))
        folded = [f"<details><summary>ヒント {n}</summary>\n\n{h.strip()}\n\n</details>"
                  for n, h in enumerate(cell.hints, 1)]
        folded.append(f"<details><summary>答え（{label}）</summary>\n\n```python\n{cell.solution.rstrip()}\n```"
                      "\n\n</details>")
        self.out.append(new_markdown_cell("\n\n".join(folded), metadata={"tags": ["solution"]}))

    def _static_block(self, info: str, body: str, raw: list[str]) -> None:
        local = [PurePosixPath(name).stem for name, _ in self.src.modules]
        needs = elsewhere_packages(body, local) if info.split()[:1] == ["python"] else []
        if not needs:
            self.text.extend(raw)
            return
        self._flush()
        what = "、".join(needs)
        head = (f"# [{what} が必要] サイトのブラウザでは動かないコードです。"
                f"Colab や {what} を入れた Python で実行してください。")
        self.out.append(new_code_cell(head + "\n" + body.rstrip("\n"), metadata={
            "tags": [TAG_ELSEWHERE], "slidesite": {"needs": needs}}))

    def _outputs(self, result: CellOutput, count: int) -> list[NotebookNode]:
        outs: list[NotebookNode] = []
        for item in result.outputs:
            if item.kind in ("stdout", "stderr", "notice"):
                name = "stdout" if item.kind == "stdout" else "stderr"
                if outs and outs[-1].output_type == "stream" and outs[-1].name == name:
                    outs[-1].text += item.text
                else:
                    outs.append(new_output("stream", name=name, text=item.text))
            elif item.kind == "result":
                outs.append(new_output("execute_result", {"text/plain": item.text.removesuffix("\n")},
                                       execution_count=count))
            elif item.kind == "image":
                png = base64.b64encode((self.figures / item.text).read_bytes()).decode("ascii")
                outs.append(new_output("display_data", {"image/png": png, "text/plain": "<Figure>"}))
            elif item.kind == "error":
                last = next((x for x in reversed(item.text.strip().splitlines()) if x.strip()), "Error")
                ename, _, evalue = last.partition(": ")
                outs.append(new_output("error", ename=ename.strip(), evalue=evalue.strip(),
                                       traceback=item.text.rstrip("\n").split("\n")))
        return outs

    def _setup_cell(self) -> NotebookNode:
        files = dict(self.src.modules)
        files[CHECK_MODULE] = urljoin(self.site_url, f"{NOTEBOOKS_DIR}/{CHECK_MODULE}")
        files[FONT_FILE] = urljoin(self.site_url, FONT_URL)
        setup: NotebookNode = new_code_cell(SETUP.replace("{files}", _files_literal(files)),
                                            metadata={"tags": [TAG_SETUP]})
        return setup


# Cells and outputs as plain nodes: nbformat's new_* functions validate each one (most of the
# time a build spends here); make_notebook validates the whole notebook once.
def _node(data: dict[str, Any]) -> NotebookNode:
    node: NotebookNode = from_dict(data)
    return node


def new_code_cell(source: str, metadata: dict[str, Any] | None = None) -> NotebookNode:
    return _node({"cell_type": "code", "id": "", "metadata": metadata or {}, "execution_count": None,
                      "source": source, "outputs": []})


def new_markdown_cell(source: str, metadata: dict[str, Any] | None = None) -> NotebookNode:
    return _node({"cell_type": "markdown", "id": "", "metadata": metadata or {}, "source": source})


def new_output(output_type: str, data: dict[str, str] | None = None, **fields: Any) -> NotebookNode:
    node: dict[str, Any] = {"output_type": output_type, **fields}
    if output_type in ("execute_result", "display_data"):
        node.update(data=data or {}, metadata={})
    return _node(node)


def new_notebook(cells: list[NotebookNode], metadata: dict[str, Any]) -> NotebookNode:
    return _node({"nbformat": 4, "nbformat_minor": 5, "metadata": metadata, "cells": cells})


def elsewhere_packages(code: str, local: Iterable[str] = ()) -> list[str]:
    """Packages a static block imports (or names, for torch) that the site's Python has not: not the
    standard library, numpy, matplotlib, nor the page's own modules (local). Only for code that parses:
    a REPL transcript (`>>> …`) or an elided sketch stays text."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    if re.search(r"\btorch\b", code):
        names.add("torch")
    known = set(sys.stdlib_module_names) | set(PACKAGES) | {"__future__"} | set(local)
    return sorted(n for n in names if n not in known)


def _has_heading(lines: list[str], start: int, starts: dict[int, str | None]) -> bool:
    end = min((s for s in starts if s > start), default=len(lines))
    return any(re.match(r"^ {0,3}#{1,6}\s", line) for line in lines[start:end])


def _is_ruler(line: str) -> bool:
    return bool(re.match(r"^ {0,3}(-{3,}|\*{3,}|_{3,})\s*$", line))


def _strip_comments(line: str, inside: bool) -> tuple[str | None, bool]:
    """The line without HTML comments (directives, notes); None when nothing is left of a commented line."""
    original = line
    if inside:
        end = line.find("-->")
        if end < 0:
            return None, True
        line = line[end + 3:]
    line = COMMENT.sub("", line)
    opens = line.find("<!--")
    if opens >= 0:
        line, inside = line[:opens], True
    else:
        inside = False
    if line != original and not line.strip():
        return None, inside
    return line, inside


def _markdown(lines: list[str], base: str, *, breaks: bool = False) -> str:
    """Markdown for Jupyter: pictures and links absolute on the site, Marp image keywords dropped,
    lone container tags left out, MkDocs admonitions as block quotes. breaks: a line break is a
    break, as in Marp (markdown-it `breaks: true`), written as a hard break Jupyter keeps."""
    out: list[str] = []
    quote: int | None = None  # the indent of an admonition's body while inside one
    in_code = code_line_mask(lines)
    for line, code in zip(lines, in_code, strict=True):
        if quote is not None:
            if line.strip() and len(line) - len(line.lstrip(" ")) < quote:
                quote = None
            else:
                out.append("> " + line[quote:] if line.strip() else ">")
                continue
        if code:
            out.append(line)
            continue
        m = ADMONITION.match(line)
        if m:
            title = m.group("title") or m.group("kind").capitalize()
            out.append(f"> **{title}**" if title else ">")
            quote = len(m.group("indent")) + 4
            continue
        if LONE_CONTAINER_TAG.match(line):
            continue
        out.append(_absolute_urls(line, base))
    if breaks:
        mask = code_line_mask(out)
        out = [line + "  " if not mask[i] and _continues(line, out[i + 1] if i + 1 < len(out) else "") else line
               for i, line in enumerate(out)]
    text = "\n".join(out).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


# Lines that start a block of their own: no hard break is needed before or after them.
BLOCK_START = re.compile(r"^\s*(?:[-*+]\s|\d{1,9}[.)]\s|\||#|>|\$\$|<|```|~~~)|^\s*$")


def _continues(line: str, after: str) -> bool:
    """Whether a line break between line and the next line is one inside a paragraph (Marp shows it)."""
    return not line.endswith("  ") and not BLOCK_START.match(line.lstrip("-*+ ")) and not BLOCK_START.match(after)


def _absolute_urls(line: str, base: str) -> str:
    def image(m: re.Match[str]) -> str:
        alt = " ".join(w for w in m.group("alt").split() if not MARP_ALT.match(w))
        return f"![{alt}]({_resolve(m.group('url').strip('<>'), base)}{m.group('title') or ''})"

    def link(m: re.Match[str]) -> str:
        return f"[{m.group('text')}]({_resolve(m.group('url').strip('<>'), base)}{m.group('title') or ''})"

    def attr(m: re.Match[str]) -> str:
        return f"{m.group(1)}={m.group(2)}{_resolve(m.group(3), base)}{m.group(2)}"

    line = MD_IMAGE.sub(image, line)
    line = MD_LINK.sub(link, line)
    return HTML_URL.sub(attr, line)


def _resolve(url: str, base: str) -> str:
    if EXTERNAL.match(url):
        return url
    path, hash_, frag = url.partition("#")
    if path.endswith(".md"):  # a link to another page: where MkDocs puts it
        path = path.removesuffix(".md").removesuffix("index") + ("/" if not path.endswith("index.md") else "")
    return urljoin(base, path) + hash_ + frag


def _intro(src: Source, site_url: str) -> str:
    return (f"講義サイトのページから作ったノートブックです（[サイトで見る]({src.base_url})）。"
            "出力はサイトを作るときに計算したものが入っています。上から順に実行してください。"
            "最初のセルは、セルが使うファイルを（ノートブックの隣になければ）サイトから取ってくる準備です。")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def _files_literal(files: dict[str, str]) -> str:
    rows = "".join(f"    {json.dumps(name)}: {json.dumps(url)},\n" for name, url in files.items())
    return "{\n" + rows + "}"


# The first cell of every notebook. Quiet on purpose: it prints only what it downloads.
SETUP = '''\
# 準備: セルが使うファイル（モジュール・データ・答え合わせ・図の日本語フォント）を、
# ノートブックの隣になければ講義サイトから取ってきます（Jupyter でも Colab でも同じように動きます）。
import base64
import json
import os
import urllib.request

FILES = {files}
for _name, _url in FILES.items():
    if not os.path.exists(_name):
        print(f"ダウンロード: {_url}")
        try:
            urllib.request.urlretrieve(_url, _name)
        except (OSError, ValueError) as err:
            print(f"  取得できませんでした（{err}）。{_name} をノートブックの隣に置いて、もう一度実行してください。")

try:  # サイトと同じ表示にする: 値は repr() で、図は PNG で、日本語はサイトのフォントで
    get_ipython().display_formatter.formatters["text/plain"].pprint = False  # type: ignore[name-defined]
    get_ipython().run_line_magic("matplotlib", "inline")  # type: ignore[name-defined]
except NameError:
    pass
try:
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont("livecode-jp-gothic.ttf")
    _font = font_manager.FontProperties(fname="livecode-jp-gothic.ttf").get_name()
    matplotlib.rcParams.update({"font.family": ["sans-serif", _font], "axes.unicode_minus": False,
                                "figure.dpi": 100})
except ImportError:
    pass


def check_answer(lines, expected, solution):
    """演習の答え合わせ: 各行の式の値を、サイトが計算しておいた正解と比べて ✔/✘ を表示します。"""
    import livecode_check

    results = livecode_check.check(lines, json.loads(base64.b64decode(expected)), globals())
    for r in results:
        print(("✔ " if r["ok"] else "✘ ") + r["line"] + "  " + r["message"])
    if all(r["ok"] for r in results):
        print("すべて正解です！")
    else:
        exec(base64.b64decode(solution).decode("utf-8"), globals())
        print("（この後のセルは答えのコードで続けます。自分の答えで続けるには、直してからもう一度実行してください）")
'''


def _source_key(src: Source, site_url: str) -> str:
    """What a notebook is made from: its text, its cells' outputs (their cache key), labels, modules, site,
    and the code that makes it (package_version)."""
    parts = [package_version(), str(src.path), src.name, src.title, "\n".join(src.lines),
             src.outputs.key if src.outputs else "", site_url, src.base_url,
             json.dumps([src.modules, src.labels, sorted(src.slide_starts.items())])]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def notebooks_for(sources: Iterable[Source], site_url: str, figures: Path, cache: Path) -> dict[str, bytes]:
    """Every source's notebook file by name, made once per source key and kept in cache (the project's
    .cache/build/notebooks/: a rebuild reads what did not change); BuildError when two sources share a name."""
    made: dict[str, bytes] = {}
    paths: dict[str, Path] = {}
    used: set[str] = set()
    for src in sources:
        if src.name in made:
            raise BuildError(src.path, f"its notebook would be named {src.name}.ipynb, like that of {paths[src.name]}")
        stored = cache / f"{_source_key(src, site_url)}.ipynb"
        used.add(stored.name)
        if stored.exists():
            data = stored.read_bytes()
        else:
            data = nbformat.writes(make_notebook(src, site_url, figures)).encode("utf-8") + b"\n"
            cache.mkdir(parents=True, exist_ok=True)
            tmp = stored.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(stored)
        made[src.name] = data
        paths[src.name] = src.path
    for old in cache.glob("*.ipynb"):  # notebooks of sources that changed or went
        if old.name not in used:
            old.unlink(missing_ok=True)
    return made


@dataclass(frozen=True)
class Page:
    """A hand-written page with cells, as the plugin knows it."""

    path: Path
    url: str  # File.url: where MkDocs puts it, relative to the site root
    title: str


def install(site: Path, decks: list[Deck], pages: dict[str, Page], outputs: dict[str, PageOutputs],
            site_url: str, figures: Path, cache: Path) -> dict[str, int]:
    """Make every deck's and page's notebook and write them into the site; their sizes by name."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    sources = [deck_source(d, outputs.get(deck_page_uri(d)), site_url, deck_labels(d)) for d in decks]
    for uri, page in pages.items():
        text = page.path.read_text(encoding="utf-8")
        src = page_source(page.path, uri, page.url, page.title, outputs.get(uri), site_url, {})
        src.labels = page_labels(text, src.cells)
        sources.append(src)
    return write_notebooks(site, notebooks_for(sources, site_url, figures, cache))


def page_links(decks: list[Deck], pages: dict[str, Page], repo_url: str | None) -> dict[str, NotebookLinks]:
    """Each page's notebook buttons, by src_uri: every deck's textbook page and every page with cells."""
    found = {deck_page_uri(d): notebook_links(d.name, f"lectures/{d.name}/", repo_url) for d in decks}
    for uri, page in pages.items():
        found[uri] = notebook_links(notebook_name(uri), page.url, repo_url)
    return found
