"""Build tooling: Marp decks and textbook pages for the lecture site."""
