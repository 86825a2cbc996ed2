"""MkDocs hook (see mkdocs.yml `hooks:`); the work lives in the slidesite package."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slidesite.hook import (  # noqa: E402
    on_config,
    on_env,
    on_files,
    on_page_markdown,
    on_post_build,
    on_post_page,
    on_serve,
    on_shutdown,
    on_startup,
)

__all__ = [
    "on_shutdown", "on_startup", "on_serve", "on_config", "on_env", "on_files", "on_page_markdown", "on_post_page",
    "on_post_build",
]
