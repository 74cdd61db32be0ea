"""Loading of the plain-text word lists under kg/data (one entry a line, # comments)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@cache
def word_list(relative_path: str) -> tuple[str, ...]:
    """Entries of a word list, longest first so that alternations prefer them."""
    path = DATA_DIR / relative_path
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return tuple(sorted(set(entries), key=lambda e: (-len(e), e)))
