"""Our own wording (issue 23): no deck or docs page shares a long run of Japanese prose with a seed.

The seeds in /work/shared/seeds/ (or tests/content/seeds/ when present) are source material: the
decks teach the same ideas in their own sentences. Both sides are reduced to their prose first —
code, formulas, HTML tags and reference lists go, and so do whitespace and Markdown marks, so a
sentence copied with other line breaks or emphasis is still found — and then every run of
MIN_RUN or more characters that appears in both is reported with its line in the deck.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from tests.support import REPO as ROOT

SEED_DIRS = [ROOT / "tests" / "content" / "seeds", Path("/work/shared/seeds")]
MIN_RUN = 45

# What is not prose: fenced code, display and inline math (also the $${x}$$ form), inline code,
# citation boxes and HTML tags. Comments stay (speaker notes are prose); only their markers go.
_NOT_PROSE = [
    re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M),
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"\$[^$\n]+\$"),
    re.compile(r"\\\[.*?\\\]|\\\(.*?\\\)", re.S),
    re.compile(r"`[^`\n]+`"),
    re.compile(r'<div class="cite"[^>]*>.*?</div>', re.S),
    re.compile(r"<!--|-->"),  # a comment's markers, before the tags: its words are a speaker note
    re.compile(r"<[^>\n]*>"),
    re.compile(r"\]\([^)\s]*\)"),  # a link's target
]
_MARKS = re.compile(r"[\s*_#>|\-=~`\[\]!:+・…—－\.。、，,「」『』（）()]")
_JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龯々]")
# A reference list: from a heading that names it to the next heading.
_REFERENCES = re.compile(r"^(#+|<!--\s*_header:)[^\n]*(参考|文献|References)[^\n]*\n.*?(?=^#|^---|\Z)", re.S | re.M)


def prose(text: str) -> tuple[str, list[int]]:
    """The prose of a Markdown text with every mark and space removed, and each character's line."""
    for pattern in [_REFERENCES, *_NOT_PROSE]:
        text = pattern.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    chars, lines = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        for ch in unicodedata.normalize("NFKC", line):
            if not _MARKS.match(ch):
                chars.append(ch)
                lines.append(number)
    return "".join(chars), lines


def shared_runs(text: str, source: str, min_run: int = MIN_RUN) -> list[tuple[int, str]]:
    """Every maximal run of at least min_run characters of Japanese prose in both texts: (line in text, run)."""
    mine, lines = prose(text)
    theirs, _ = prose(source)
    windows = {theirs[i : i + min_run] for i in range(len(theirs) - min_run + 1)}
    runs: list[tuple[int, str]] = []
    i = 0
    while i <= len(mine) - min_run:
        if mine[i : i + min_run] not in windows:
            i += 1
            continue
        end = i + min_run
        while end < len(mine) and mine[end - min_run + 1 : end + 1] in windows:
            end += 1
        run = mine[i:end]
        if len(_JAPANESE.findall(run)) * 2 >= len(run):  # mostly Japanese: prose, not a leftover name
            runs.append((lines[i], run))
        i = end
    return runs


def _seeds() -> list[Path]:
    for folder in SEED_DIRS:
        found = sorted(p for p in folder.glob("*") if p.is_file()) if folder.is_dir() else []
        if found:
            return found
    return []


SEEDS = _seeds()
PAGES = sorted(
    [p.relative_to(ROOT).as_posix() for p in (ROOT / "slides").rglob("*.md")]
    + [p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")]
)


def test_the_seeds_are_there() -> None:
    assert len(SEEDS) >= 5, f"no seeds in {SEED_DIRS}"


@pytest.mark.parametrize("name", PAGES)
def test_no_long_run_of_prose_is_shared_with_a_seed(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    found = [
        f"{name}:{line}: {run} (= {seed.name})"
        for seed in SEEDS
        for line, run in shared_runs(text, seed.read_text(encoding="utf-8"))
    ]
    assert found == [], "\n".join(found)


def test_the_finder_sees_through_line_breaks_and_marks() -> None:
    source = (
        "勾配降下法は、関数の値が小さくなる向きへ少しずつ進むことで、最小値を与える点を探す方法です。学習率が大きすぎると発散します。"
        "学習率が大きすぎると発散します。"
    )
    copied = "# 見出し\n\n勾配降下法は、**関数の値が小さくなる**向きへ\n少しずつ進むことで、最小値を与える点を探す方法です。学習率が大きすぎると発散します。"
    assert [line for line, _ in shared_runs(copied, source)] == [3]
    own = "勾配降下法では、値が下がる方向へ小刻みに動き、いちばん低い点を探していきます。歩幅が大きすぎると発散します。"
    assert shared_runs(own, source) == []
    # a speaker note on one line is prose too; a tag in the middle of a sentence hides nothing
    assert shared_runs("<!-- " + source + " -->", source) != []
    marked = source.replace("少しずつ", '<span class="red">少しずつ</span>')
    assert shared_runs(marked, source) != []
    # formulas and code are facts, not prose
    assert shared_runs("```python\n" + source + "\n```\n$" + source + "$", source) == []
