"""Tell Marp directive comments from speaker notes."""

from __future__ import annotations

import re

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

GLOBAL_DIRECTIVES = {
    "theme", "style", "headingDivider", "size", "math", "title", "description", "author",
    "keywords", "url", "image", "marp", "lang", "transition",
}
LOCAL_DIRECTIVES = {
    "paginate", "header", "footer", "class", "backgroundColor", "backgroundImage",
    "backgroundPosition", "backgroundRepeat", "backgroundSize", "color", "transition",
}


def is_directive_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    return key in GLOBAL_DIRECTIVES or key.removeprefix("_") in LOCAL_DIRECTIVES


LOOSE_LINE = re.compile(r"^\s*([\w$-]+)\s*:(.*)$")


def parse_directives(comment_body: str) -> dict[str, object] | None:
    """The directives in an HTML comment's body, or None when the comment is a speaker note."""
    text = comment_body.strip()
    first = LOOSE_LINE.match(text.split("\n", 1)[0]) if text else None
    # Cheap check first: most comments are notes, and YAML parsing is slow.
    if first is None or not is_directive_key(first.group(1)):
        return None
    try:
        data = yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and data and all(is_directive_key(k) for k in data):
        return data
    return _parse_loose(text)


def _parse_loose(text: str) -> dict[str, object] | None:
    """Marp's loose YAML: `key: value` lines whose value may hold colons (`_header: 例: x = 1`)."""
    found: dict[str, object] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = LOOSE_LINE.match(line)
        if not m or not is_directive_key(m.group(1)):
            return None
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        found[m.group(1)] = value
    return found or None
