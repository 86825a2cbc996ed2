"""Tell Marp directive comments from speaker notes."""

from __future__ import annotations

import yaml

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


def parse_directives(comment_body: str) -> dict[str, object] | None:
    """The directives in an HTML comment's body, or None when the comment is a speaker note."""
    text = comment_body.strip()
    if not text:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if isinstance(data, dict) and data and all(is_directive_key(k) for k in data):
        return data
    return None
