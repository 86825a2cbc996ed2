"""MkDocs hook (see mkdocs.yml `hooks:`); the work lives in the slidesite package."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slidesite.hook import on_config, on_files, on_page_markdown, on_post_build, on_post_page  # noqa: E402

__all__ = ["on_config", "on_files", "on_page_markdown", "on_post_page", "on_post_build"]
