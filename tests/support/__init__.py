"""What several tests share: this repository's folder, projects of their own, torture decks, a static server."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
