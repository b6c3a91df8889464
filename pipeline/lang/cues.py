"""Evidence cues: the words that show a text speaks of a fraud type, one lexicon per label.

The lexicons are data: `pipeline/lang/cues/<label>.txt`, one cue per line, `#` starts a comment,
Chinese and English together. A model trained with `python train.py` keeps the cues of its labels
in its manifest; a label with a cue list is emitted only when the text holds one of its cues, and
the spans found are its evidence. A label without a cue list is not gated. Replace the files (or
pass `train.py --cues DIR`) to train a model on other labels or other cues.

Matching is on the analysis view (NFKC, Simplified), case-insensitive; a cue that starts with an
ASCII letter matches only at the start of a word ("aged" is not found in "managed"), so English
cues may be word stems ("elder" finds "elderly"); a cue that ends with a digit spans the rest of
its number ("aged 6" finds "aged 68" whole).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from pipeline.lang import trie

CUES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cues")


def read_cue_file(path: str) -> tuple[str, ...]:
    """The cues of one file: stripped lines, comments and blank lines left out, first seen kept."""
    cues: dict[str, None] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            cue = line.split("#", 1)[0].strip()
            if cue:
                cues[cue] = None
    return tuple(cues)


def read_cues(directory: str, labels: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """{label: cues} for each of `labels` that has a `<label>.txt` in `directory`."""
    found = {}
    for label in labels:
        path = os.path.join(directory, f"{label}.txt")
        if os.path.isfile(path):
            cues = read_cue_file(path)
            if cues:
                found[label] = cues
    return found


# What a fraud attempt holds though it names no fraud type: a link to follow, or money asked
# for ("你先转两万到财务那边", "打3000块给我", "send me $400"). The kind `scam` keeps these as
# evidence beside the labels' cues (FraudModel._gate_scams): a greeting holds neither.
_TLD = "com|cn|net|org|cc|top|vip|me|ly|xyz|info|io|co|club|site|shop|app|link|tk|ml|ga|pw|ws"
_ZH_AMOUNT = r"[\d零一二两三四五六七八九十百千万.,，]+\s*(?:万|千|百)?\s*(?:元|块|万|w\b)"
ATTEMPT = re.compile(
    r"(?:https?://|www\.)\S"
    rf"|(?<![\w.@-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLD})(?:/|\b(?!\.\w))"
    rf"|(?:转|打|汇|付|交|垫|借)(?:给我|给他|过来|过去|到\S{{0,6}}?)?\s*{_ZH_AMOUNT}"
    r"|\b(?:send|wire|transfer|pay|lend)\b[^.!?\n]{0,20}?[$£€]\s?\d",
    re.IGNORECASE)


class CueMatcher:
    """Finds the cues of one label in a text: one compiled pattern, the cues as a trie (each
    character a branch), so the regex engine follows one path from a position instead of
    trying every cue there (English texts had every letter a candidate for a hundred cues)."""

    def __init__(self, cues: Sequence[str]) -> None:
        if not cues:
            raise ValueError("a CueMatcher needs at least one cue")
        self.cues = tuple(cues)
        # a cue that starts with an ASCII letter starts a word: "aged" is not found in "managed"
        words = [cue for cue in self.cues if cue[0].isascii() and cue[0].isalpha()]
        others = [cue for cue in self.cues if not (cue[0].isascii() and cue[0].isalpha())]
        parts = [f"(?<![a-z]){trie(_lower(words), digits_after=True)}" if words else "",
                 trie(_lower(others), digits_after=True) if others else ""]
        first = "".join(sorted({re.escape(cue[0].lower()) for cue in self.cues}))
        self.pattern = re.compile(f"(?=[{first}])(?:{'|'.join(p for p in parts if p)})",
                                  re.IGNORECASE)

    def search(self, text: str) -> bool:
        return self.pattern.search(text) is not None

    def spans(self, text: str, limit: int = 5) -> list[tuple[int, int]]:
        """Up to `limit` spans of cues in `text`, in order."""
        found = []
        for match in self.pattern.finditer(text):
            found.append(match.span())
            if len(found) >= limit:
                break
        return found


def _lower(cues: Iterable[str]) -> list[str]:
    """The cues in lower case (one trie branch for "Bank" and "bank"), but a cue that would
    change length ("İ" -> "i̇") as it is: the pattern ignores case anyway."""
    return [cue.lower() if len(cue.lower()) == len(cue) else cue for cue in cues]
