"""What `serve` changes in MkDocs' development server: browser caching (polling: speedups.poll_often).

MkDocs serves every file without cache headers, so each live reload fetched the fonts (about 80
subset files for a Japanese page), MathJax, Material's bundles and Pyodide again, and Chromium
compiled their scripts again, all while the next rebuild wanted the same two CPU cores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

# Under the site's mount path. Copied from node_modules or the installed theme (Material's names carry
# a content hash); nothing under `serve`'s watched folders (slides, theme, docs) ends up here.
UNCHANGING_WHILE_SERVING = (
    "assets/fonts/", "assets/mathjax/", "assets/pyodide/", "assets/javascripts/", "assets/stylesheets/",
)
# Long enough for an editing session; short enough that an `npm ci` upgrade shows up soon after a restart.
MAX_AGE_SECONDS = 600

App = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def cache_unchanging_files(app: App, mount_path: str) -> App:
    """Wrap a WSGI app: successful responses for UNCHANGING_WHILE_SERVING get a Cache-Control max-age."""
    prefixes = tuple(mount_path.rstrip("/") + "/" + p for p in UNCHANGING_WHILE_SERVING)

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith(prefixes):
            return app(environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if status.startswith("200"):
                headers = [*headers, ("Cache-Control", f"max-age={MAX_AGE_SECONDS}")]
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped
