"""What `serve` changes in MkDocs' development server: faster change detection, browser caching.

MkDocs serves every file without cache headers, so each live reload fetched the fonts (about 80
subset files for a Japanese page), MathJax, Material's bundles and Pyodide again, and Chromium
compiled their scripts again, all while the next rebuild wanted the same two CPU cores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mkdocs.livereload import LiveReloadServer

# Under the site's mount path. Copied from node_modules or the installed theme (Material's names carry
# a content hash); nothing under `serve`'s watched folders (slides, theme, docs) ends up here.
UNCHANGING_WHILE_SERVING = (
    "assets/fonts/", "assets/mathjax/", "assets/pyodide/", "assets/javascripts/", "assets/stylesheets/",
)
# Long enough for an editing session; short enough that an `npm ci` upgrade shows up soon after a restart.
MAX_AGE_SECONDS = 600

# MkDocs polls the watched folders every 0.5 s, a quarter of the 2 s an edit may take to show up.
# They hold about a hundred files: a scan costs well under a millisecond.
POLL_SECONDS = 0.1

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


def poll_often(server: LiveReloadServer, seconds: float = POLL_SECONDS) -> None:
    """Make the server's file watcher poll every `seconds`, also for folders watched after this call.

    MkDocs offers no setting for it; watchdog keeps the interval in `_timeout`, on the observer
    (copied into each emitter it makes later) and on each emitter already made.
    """
    observer = server.observer
    observer._timeout = seconds
    for emitter in observer.emitters:
        emitter._timeout = seconds
