"""Language data for measure extraction: pipeline/lang/zh.py and pipeline/lang/en.py."""

from __future__ import annotations

import re

GUARDED: list[tuple[re.Pattern, str]] = []  # (guarded pattern, plain pattern), for the tests


def guarded(start: str, pattern: str, flags: int = 0) -> re.Pattern:
    """`pattern` behind the lookahead `(?=start)`, which says where a match can begin.

    Python's regex engine skips ahead to candidates when a pattern starts with a character
    class (or with literals only), and tries every alternative at every position otherwise. A
    pattern that already starts with a class gains nothing (RANGE_HEAD, tried, got slower).
    `start` must admit every position a match can begin at; tests/test_extract.py checks each
    guarded pattern against the plain one, on the corpus and on strings made to match it.
    """
    compiled = re.compile(f"(?={start})(?:{pattern})", flags)
    GUARDED.append((compiled, pattern))
    return compiled
