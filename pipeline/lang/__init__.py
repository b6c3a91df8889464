"""Language data for measure extraction: pipeline/lang/zh.py and pipeline/lang/en.py."""

from __future__ import annotations

import re
from collections.abc import Iterable

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


def trie(words: Iterable[str], digits_after: bool = False, _after_digit: bool = False) -> str:
    """One regex for `words` with shared prefixes factored out: the engine follows one path
    of characters from a position instead of trying every word there; where several words
    match at one place, the longest. With `digits_after`, a word that ends with a digit also
    takes the digits that follow ("aged 6" finds "aged 68")."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    ends = "" in heads
    parts = [re.escape(head) + trie(rest, digits_after, head.isdigit())
             for head, rest in sorted(heads.items()) if head]
    if ends and digits_after and _after_digit:
        return "(?:" + "|".join([*parts, r"\d*"]) + ")"  # the longer words first
    if not parts:
        return ""
    return "(?:" + "|".join(parts) + ")" + ("?" if ends else "")


ENDINGS: list[Ending] = []  # every Ending, for the tests


class Ending:
    """A pattern that ends in `$`, searched only when the text's last character can end a match.

    An end-anchored pattern has no first character to skip ahead to: `search` tries it at
    every position of the text. `last` names every character a match can end with besides
    whitespace (which `\\s?$` and `$` before a final newline admit); `letters_digits` adds the
    ASCII letters and the digits. tests/test_extract.py checks each Ending against its pattern
    on the corpus and on strings made to match it.
    """

    __slots__ = ("last", "letters_digits", "pattern")

    def __init__(self, pattern: re.Pattern, last: str, letters_digits: bool = False) -> None:
        self.pattern = pattern
        self.last = frozenset(last)
        self.letters_digits = letters_digits
        ENDINGS.append(self)

    def search(self, text: str) -> re.Match | None:
        """pattern.search(text), or None at once when no match can end where `text` ends."""
        if not text:
            return self.pattern.search(text)
        c = text[-1]
        if c in self.last or c.isspace() or (
                self.letters_digits and (c.isdigit() or (c.isascii() and c.isalpha()))):
            return self.pattern.search(text)
        return None
