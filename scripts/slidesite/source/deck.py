"""Read a Marp deck: front matter, slides, directives, notes and the files it references."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ..errors import BuildError
from .cells import Cell, CellOptionError, cells_of, check_cell_fences, find_cells, iter_fences
from .directives import parse_directives
from .front_matter import check_front_matter

RULER = re.compile(r"^ {0,3}(-{3,}|\*{3,}|_{3,})\s*$")
ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
COMMENT = re.compile(r"<!--(.*?)-->", re.S)
MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<url><[^>]*>|[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
HTML_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""")
INLINE_CODE = re.compile(r"(`+)(?:.+?)\1")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.I)


@dataclass
class Note:
    text: str
    line: int


@dataclass
class Slide:
    """One slide: its source lines and what its comments say."""

    number: int  # 1-based, as in the deck's URL hash
    line: int  # source line of its first line, 1-based
    lines: list[str]
    directives: dict[str, object] = field(default_factory=dict)  # written on this slide
    effective: dict[str, object] = field(default_factory=dict)  # in force on this slide
    notes: list[Note] = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        value = self.effective.get("class") or ""
        return str(value).split() if value else []

    @property
    def header_written(self) -> bool:
        """True when this slide sets `header` itself (then it titles the slide's section)."""
        return "header" in self.directives or "_header" in self.directives

    @property
    def header(self) -> str | None:
        value = self.effective.get("header")
        return str(value).strip() if value not in (None, "") else None

    @property
    def first_heading(self) -> str | None:
        """The Markdown of the slide's first heading (outside code), or None."""
        return first_heading(self.lines)

    @property
    def title(self) -> str | None:
        """What titles the slide's section: the header it sets itself, else its first heading."""
        return self.header if self.header_written else self.first_heading


@dataclass
class FileRef:
    """A local file a deck references, relative to the deck's folder."""

    rel: str
    line: int


@dataclass(frozen=True)  # read_deck's cache hands the same Deck to every build: never changed, only replaced
class Deck:
    name: str
    path: Path
    meta: dict[str, object]
    slides: list[Slide]
    text: str
    refs: list[FileRef]
    folder: str = ""  # the deck's folder under slides/ ("" at the top), for nav grouping
    grouped: bool = False  # True when the folder holds several decks: they share a nav group
    derived_title: str | None = None  # set by load_decks when first headings repeat across decks

    @property
    def theme(self) -> str:
        return str(self.meta.get("theme") or "default")

    @property
    def lecture(self) -> int | None:
        value = self.meta.get("lecture")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def date(self) -> str | None:
        value = self.meta.get("date")
        return value.isoformat() if isinstance(value, date) else (str(value) if value else None)

    @property
    def title(self) -> str:
        """Front matter `title`, else the first heading as plain text (see load_decks for repeats)."""
        if self.meta.get("title"):
            return str(self.meta["title"])
        if self.derived_title:
            return self.derived_title
        headings = self.first_headings()
        return headings[0] if headings else self.name

    def first_headings(self) -> list[str]:
        """Plain text of the deck's first two headings (h1 and the h2 after it, on one slide or two)."""
        found: list[str] = []
        for slide in self.slides:
            mask = code_line_mask(slide.lines)
            for line, code in zip(slide.lines, mask, strict=True):
                m = None if code else ATX_HEADING.match(line)
                if m and (text := plain_text(m.group(2))):
                    found.append(text)
                    if len(found) == 2:
                        return found
        return found

    @property
    def section(self) -> str:
        """Nav group: front matter `section`; numbered lectures; a folder of several decks; the rest."""
        if self.meta.get("section"):
            return str(self.meta["section"])
        if self.lecture is not None:
            return "講義"
        if self.grouped:
            return self.folder
        return "補足資料"

    @functools.cached_property  # a deck's text never changes once read
    def cells(self) -> list[Cell]:
        """The live cells, numbered from 1, with their lines in the deck's file."""
        return find_cells(self.text)

    @property
    def modules(self) -> list[str]:
        return module_list(self.meta)


def first_heading(lines: list[str]) -> str | None:
    """The Markdown of the first ATX heading among lines (fenced code left out), or None."""
    for line, code in zip(lines, code_line_mask(lines), strict=True):
        m = None if code else ATX_HEADING.match(line)
        if m:
            return m.group(2)
    return None


def plain_text(markdown: str) -> str:
    """Heading text without Markdown: no emphasis, code marks, links, images, inline HTML or escapes."""
    escaped: list[str] = []

    def keep(m: re.Match[str]) -> str:  # a backslash escape stays the literal character
        escaped.append(m.group(1))
        return f"\uE000{len(escaped) - 1}\uE001"

    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|~<>])", keep, markdown)
    text = re.sub(r"<!--.*?-->", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", "", text)  # images: nothing to read
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: their text
    text = re.sub(r"(\*\*|__|~~|\*|`)", "", text)
    text = re.sub(r"(?<!\w)_|_(?!\w)", "", text)  # _emphasis_, not snake_case
    text = re.sub(r"\uE000(\d+)\uE001", lambda m: escaped[int(m.group(1))], text)
    return re.sub(r"\s+", " ", text).strip()


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], int]:
    """The front matter and the 0-based index of the first body line."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise BuildError(path, "front matter is not closed with a line `---`", 1)
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise BuildError(path, f"broken YAML front matter: {problem}", line) from None
    if not isinstance(meta, dict):
        raise BuildError(path, "front matter must be a YAML mapping (key: value lines)", 2)
    return meta, end + 1


def code_line_mask(lines: list[str]) -> list[bool]:
    """True for lines inside fenced code blocks (fences included)."""
    mask = [False] * len(lines)
    for fence in iter_fences(lines):
        for i in range(fence.start, fence.end):
            mask[i] = True
    return mask


def comments_with_lines(lines: list[str], first_line: int, in_code: list[bool]) -> list[tuple[str, int]]:
    """HTML comments outside code, with the source line each starts on."""
    text = "\n".join("" if code else line for line, code in zip(lines, in_code, strict=True))
    found = []
    for m in COMMENT.finditer(text):
        found.append((m.group(1), first_line + text.count("\n", 0, m.start())))
    return found


def read_deck(path: Path, name: str | None = None) -> Deck:
    """Parse a deck file; raise BuildError naming the file and line on bad input.

    name: the deck's output name (see deck_names); the file's stem by default.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise BuildError(path, f"not UTF-8 text ({err.reason})") from None
    return _parse_deck(path, name or path.stem, text.replace("\r\n", "\n"))


@functools.lru_cache(maxsize=256)  # `serve` reads every deck on every rebuild; most did not change
def _parse_deck(path: Path, name: str, text: str) -> Deck:
    meta, body_start = split_front_matter(text, path)
    if meta.get("marp") is not True:
        raise BuildError(path, "not a Marp deck: add `marp: true` to its front matter", 1)
    lines = text.split("\n")
    check_front_matter(meta, path, lines[:body_start])
    in_code = code_line_mask(lines)
    try:
        cells_of([fence for fence in iter_fences(lines) if fence.start >= body_start])  # options, exercises
        check_cell_fences(lines)
    except CellOptionError as err:
        raise BuildError(path, str(err), err.line) from None

    comments = comments_with_lines(lines[body_start:], body_start + 1, in_code[body_start:])
    divider = meta.get("headingDivider")
    for body, _ in comments:
        found = parse_directives(body)
        if found and "headingDivider" in found:
            divider = found["headingDivider"]
    slides = _split_slides(lines, body_start, in_code, divider)
    _apply_directives(slides, meta, in_code, lines)
    refs = _file_refs(lines, body_start, in_code) + [FileRef(m, 1) for m in module_list(meta)]
    return Deck(name, path, meta, slides, text, refs)


def deck_names(slides_dir: Path, paths: list[Path]) -> dict[Path, str]:
    """Output names from paths under slides/: the URL of a deck is /slides/<name>/.

    A deck directly in slides/ is named by its file (`01-learning.md` → `01-learning`); a deck alone
    in its folder by the folder's path (`ch01/lecture.md` → `ch01`, `part1/ch02/index.md` →
    `part1-ch02`); decks that share a folder by folder and file (`extra/a.md` → `extra-a`).
    """
    per_folder: dict[Path, int] = {}
    for path in paths:
        per_folder[path.parent] = per_folder.get(path.parent, 0) + 1
    names = {}
    for path in paths:
        rel = path.relative_to(slides_dir)
        folder = list(rel.parent.parts)
        parts = folder if folder and per_folder[path.parent] == 1 else [*folder, path.stem]
        names[path] = "-".join(parts)
    return names


def module_list(meta: dict[str, object]) -> list[str]:
    """The `modules:` of a deck's front matter, as paths relative to the deck."""
    value = meta.get("modules") or []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _heading_splits(level: int, divider: object) -> bool:
    if isinstance(divider, int) and not isinstance(divider, bool):
        return level <= divider
    if isinstance(divider, list):
        return level in divider
    return False


def _split_slides(lines: list[str], start: int, in_code: list[bool], divider: object) -> list[Slide]:
    slides: list[Slide] = []
    current: list[str] = []
    current_start = start
    in_comment = False

    def has_content() -> bool:
        body = "\n".join(current)
        body = COMMENT.sub("", body)
        return bool(body.strip())

    for i in range(start, len(lines)):
        line = lines[i]
        if not in_code[i] and not in_comment:
            previous_blank = not current or not current[-1].strip()
            if RULER.match(line) and (previous_blank or not line.lstrip().startswith("-")):
                slides.append(Slide(len(slides) + 1, current_start + 1, current))
                current, current_start = [], i + 1
                continue
            heading = ATX_HEADING.match(line)
            if heading and _heading_splits(len(heading.group(1)), divider) and has_content():
                slides.append(Slide(len(slides) + 1, current_start + 1, current))
                current, current_start = [], i
        if not in_code[i]:
            # Track multi-line comments so a ruler inside one does not split.
            opens, closes = line.rfind("<!--"), line.rfind("-->")
            if opens > closes:
                in_comment = True
            elif closes >= 0:
                in_comment = False
        current.append(line)
    slides.append(Slide(len(slides) + 1, current_start + 1, current))
    return slides


def _apply_directives(slides: list[Slide], meta: dict[str, object], in_code: list[bool], lines: list[str]) -> None:
    inherited = {k: v for k, v in meta.items() if not k.startswith("_")}
    for slide in slides:
        first = slide.line - 1
        mask = in_code[first : first + len(slide.lines)]
        for body, line in comments_with_lines(slide.lines, slide.line, mask):
            found = parse_directives(body)
            if found is None:
                if body.strip() == "fit" and ATX_HEADING.match(slide.lines[line - slide.line]):
                    continue  # Marp's keyword for a heading scaled to the slide's width, not a note
                if body.strip():
                    slide.notes.append(Note(body.strip(), line))
            else:
                slide.directives.update(found)
        local = {k: v for k, v in slide.directives.items() if not k.startswith("_")}
        inherited.update(local)
        spot = {k[1:]: v for k, v in slide.directives.items() if k.startswith("_")}
        slide.effective = {**inherited, **spot}


def _file_refs(lines: list[str], start: int, in_code: list[bool]) -> list[FileRef]:
    refs = []
    for i in range(start, len(lines)):
        if in_code[i]:
            continue
        line = INLINE_CODE.sub("", lines[i])
        urls = [m.group("url").strip("<>") for m in MD_IMAGE.finditer(line)]
        urls += HTML_SRC.findall(line)
        for url in urls:
            url = url.split("#")[0].split("?")[0]
            if url and not EXTERNAL.match(url) and not url.startswith("/"):
                refs.append(FileRef(url, i + 1))
    return refs
