"""`python -m slidesite.run [-v] FILE…`: run the live cells of Markdown files as the build does (run_cells.py)."""

import sys

from .run_cells import main

raise SystemExit(main(sys.argv[1:]))
