"""`scripts/build`: build the whole site into site/, atomically.

The site is built into a sibling temporary folder and swapped in only when the build
succeeded, so a bad input leaves the previous site/ untouched.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError

from .errors import BuildError, SetupError
from .plugin import SlideSitePlugin


def build_site(
    site_dir: Path,
    *,
    config_file: Path,
    pdf: bool = False,
    packages_from: str | None = None,
    quiet: bool = True,
) -> None:
    """Build into a temporary folder next to site_dir, then swap it in.

    pdf and packages_from override the slidesite plugin's `pdf` and `pyodide_packages_from` settings.
    """
    _log_to_stderr(logging.WARNING if quiet else logging.INFO)
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{site_dir.name}.tmp-", dir=site_dir.parent))
    try:
        config = load_config(str(config_file), site_dir=str(tmp))
        apply_build_options(config, pdf=pdf, packages_from=packages_from)
        build(config)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = site_dir.with_name(site_dir.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site_dir.exists():
        site_dir.rename(old)
    tmp.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def apply_build_options(config: MkDocsConfig, *, pdf: bool, packages_from: str | None) -> SlideSitePlugin:
    """Set the command line's options on the loaded slidesite plugin (they override mkdocs.yml for this build)."""
    plugin = config.plugins.get("slidesite")
    if not isinstance(plugin, SlideSitePlugin):
        raise SetupError(f"{config.config_file_path}: add the slidesite plugin to mkdocs.yml (`plugins: - slidesite`)")
    if pdf:
        plugin.config.pdf = True
    if packages_from:
        plugin.config.pyodide_packages_from = packages_from
    return plugin


def _log_to_stderr(level: int) -> None:
    """MkDocs logs plugin errors itself; show them as one `error: …` line each."""
    logger = logging.getLogger("mkdocs")
    logger.setLevel(level)
    if not any(getattr(h, "slidesite", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler.slidesite = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/build", description="Build the static site into site/.")
    parser.add_argument("--pdf", action="store_true", help="also export every deck to PDF (needs chromium)")
    parser.add_argument("--site-dir", type=Path, default=None, help="output folder (default: site/ beside mkdocs.yml)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="MkDocs config (default: ./mkdocs.yml)")
    parser.add_argument(
        "--pyodide-packages-from", metavar="DIR|URL",
        help="take Pyodide package files from this folder or URL instead of the PyPI download",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    config_file = args.config.resolve()
    site_dir = (args.site_dir or config_file.parent / "site").resolve()
    os.chdir(config_file.parent)
    started = time.perf_counter()
    try:
        build_site(
            site_dir,
            config_file=config_file,
            pdf=args.pdf,
            packages_from=args.pyodide_packages_from,
            quiet=not args.verbose,
        )
    except (BuildError, SetupError, PluginError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except Abort:
        return 1  # MkDocs has logged the error already
    print(f"built {site_dir} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
