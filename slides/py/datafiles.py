"""Find a data file that a deck ships next to its cells.

A deck lists its data files in the front matter (`modules: [py/datafiles.py, data/penguins.csv]`).
In the browser the cell runtime writes every listed file into Python's working folder;
when the cells run in CPython, the listed files' folders are on `sys.path`. `locate`
looks in both places, so a cell can say `np.genfromtxt(locate("penguins.csv"), ...)`.
"""

from __future__ import annotations

import os
import sys


def locate(name: str) -> str:
    """The path of the data file `name`: the working folder first, then every folder on sys.path."""
    for folder in ["", *sys.path]:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"{name} が見つかりません（front matter の modules: に書いてありますか？）")
