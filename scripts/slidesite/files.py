"""Copy files into the site quickly: hard links when possible, skipping what is already there."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path


def place(src: Path, dst: Path) -> None:
    """Put src at dst (hard link, or copy across file systems), replacing a different file."""
    if dst.exists():
        if os.path.samefile(src, dst):
            return
        dst.unlink()
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def mirror(src_dir: Path, dst_dir: Path, pattern: str = "**/*") -> None:
    """Place every file of src_dir matching pattern under dst_dir, keeping relative paths; hidden files
    (a cache's `.complete` marker, say) stay behind."""
    for src in src_dir.glob(pattern):
        if src.is_file() and not src.name.startswith("."):
            place(src, dst_dir / src.relative_to(src_dir))


def sha256_of(*parts: bytes | str | Path) -> str:
    """A digest of strings, bytes and file contents, in order."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            digest.update(part.read_bytes())
        elif isinstance(part, str):
            digest.update(part.encode())
        else:
            digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()
