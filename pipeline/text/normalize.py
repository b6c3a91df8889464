"""The analysis view of a text: NFKC, half-width, Simplified, collapsed whitespace, with offsets.

Pinyin glosses left by broken converters ("區(qū)") are dropped from the view. A line break inside
a sentence (a hard-wrapped file, a PDF line) is joined: dropped between Chinese characters, a
space between words, and "infor-" + "mation" de-hyphenated. Paragraph breaks (a blank line, a
line ending a sentence) and list items keep their break.

The original text is never changed. `normalize` returns a view in which every character maps
back to a span of the original, so evidence found in the view can be quoted from the original.
"""

from __future__ import annotations

import bisect
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

import numpy as np
import opencc

# Runs of characters other than those that NFKC leaves alone and T->S does not touch: most
# text holds few, so the slow per-character path runs just on them.
_UNSTABLE = re.compile(r"[^\x00-\x7f\u4e00-\u9fff\u3001\u3002\u300a-\u3011\u2018-\u201d]+")
# the lookahead lets the scanner skip to whitespace instead of trying each branch everywhere
_WHITESPACE_RUN = re.compile(r"(?=\s)(?:[^\S\n]{2,}|[^\S\n ]|\s*\n\s*)")
# Pinyin glosses that broken Simplified->Traditional converters leave after a hanzi: 區(qū)
# ("(" first: the scanner jumps from one "(" to the next instead of testing the lookbehind at
# every character)
_PINYIN_GLOSS = re.compile(r"\((?<=[\u4e00-\u9fff]\()[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")

# A line ending in one of these ends its sentence or introduces a list: its break is kept.
# Closing quotes and brackets are looked through ("。”" ends a sentence, "】" alone does not).
_SENTENCE_END = frozenset("。！？!?；;：:…")
_CLOSERS = frozenset("”’」』）)》〉\"'")
# A line starting like this is a list item or a heading of its own: its break is kept.
_ITEM_START = re.compile(
    r"[-–—•·●○■□◆◇▪▶➢*#>]"                                 # bullets
    r"|[(（]?(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[a-zA-Z])[)）][^\S\n]?"  # (1) 1) （一）
    r"|(?:\d{1,3}|[一二三四五六七八九十]{1,3})[、.．](?!\d)"  # 1、 1. 一、 (not 1.5)
    r"|[一二三四五六七八九十]是"                           # 一是 二是
    r"|第[一二三四五六七八九十百零\d]{1,4}[条章节部分篇项]"  # 第三条
    r"|[①-⑳⑴-⒇⒈-⒛]")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_MANY_LINES = 1000  # lines from which _full_line_breaks uses numpy
_BLANKS = frozenset(" \t\r\f\v\u00a0\u2000\u2001\u2002\u2003\u2009\u200a\u202f\u205f")


@lru_cache(maxsize=1)
def _translation_table() -> dict[int, str]:
    """Traditional -> Simplified single characters (OpenCC's table) and full-width -> half-width."""
    table: dict[int, str] = {}
    path = os.path.join(os.path.dirname(opencc.__file__), "dictionary", "TSCharacters.txt")
    with open(path, encoding="utf-8") as f:
        for line in f:
            trad, _, simp = line.rstrip("\n").partition("\t")
            first = simp.split(" ")[0]
            if len(trad) == 1 and len(first) == 1 and trad != first:
                table[ord(trad)] = first
    for code in range(0xFF01, 0xFF5F):
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    return table


@lru_cache(maxsize=1)
def _code_table() -> np.ndarray:
    """_translation_table as an array indexed by code point (every value is one character)."""
    table = np.arange(0x110000, dtype=np.uint32)
    for code, char in _translation_table().items():
        table[code] = ord(char)
    return table


def _translate(text: str) -> str:
    """text.translate(_translation_table()), done on code points with numpy: str.translate
    looks each character up in a dict, the slowest step of the view for Chinese text."""
    if text.isascii():
        return text
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return _code_table()[codes].tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=4096)
def _nfkc(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    return folded.translate(_translation_table()) if folded else char


@dataclass
class OffsetMap:
    """Maps view positions to original positions, piecewise: orig = o + (v - s) * stride."""

    view_starts: list[int] = field(default_factory=lambda: [0])
    orig_starts: list[int] = field(default_factory=lambda: [0])
    strides: list[int] = field(default_factory=lambda: [1])

    @property
    def is_identity(self) -> bool:
        return len(self.view_starts) == 1

    def add(self, view_start: int, orig_start: int, stride: int) -> None:
        self.view_starts.append(view_start)
        self.orig_starts.append(orig_start)
        self.strides.append(stride)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the view span [start, end)."""
        if self.is_identity or end <= start:
            return start, end
        view_starts = self.view_starts
        k = bisect.bisect_right(view_starts, start) - 1  # the pieces holding start and end - 1
        j = bisect.bisect_right(view_starts, end - 1, k) - 1
        return (self.orig_starts[k] + (start - view_starts[k]) * self.strides[k],
                self.orig_starts[j] + (end - 1 - view_starts[j]) * self.strides[j] + 1)


@dataclass
class Normalized:
    view: str
    offsets: OffsetMap


def normalize(text: str) -> Normalized:
    """Return the analysis view of `text` and the map from view positions back to `text`."""
    translated = _translate(text)  # one char to one char: offsets unchanged
    edits = _folds(translated)  # (start, end, replacement) in `translated`
    if "\n" in translated:
        edits.extend(_soft_breaks(translated))
    edits.extend(_blank_runs(translated))
    if "(" in translated:
        edits.extend((m.start(), m.end(), "") for m in _PINYIN_GLOSS.finditer(translated))
    if not edits:
        return Normalized(translated, OffsetMap())
    edits.sort(key=lambda edit: (edit[0], -edit[1]))  # a join before the blanks it holds
    return _apply(translated, edits)


def _folds(text: str) -> list[tuple[int, int, str]]:
    """The characters outside _STABLE that NFKC (and T->S) change, as edits."""
    edits = []
    for m in _UNSTABLE.finditer(text):
        for i, char in enumerate(m.group(), m.start()):
            folded = _nfkc(char)
            if folded != char:
                edits.append((i, i + 1, folded))
    return edits


def _blank_runs(text: str) -> list[tuple[int, int, str]]:
    """Runs of whitespace collapsed to one space, or to one line break if they hold one."""
    edits = []
    for m in _WHITESPACE_RUN.finditer(text):
        run = m.group()
        if run != "\n":  # a lone newline is already what it would become
            edits.append((m.start(), m.end(), "\n" if "\n" in run else " "))
    return edits


def _soft_breaks(text: str) -> list[tuple[int, int, str]]:
    """The line breaks inside a sentence, each as an edit (start, end, replacement) that joins
    the two lines; the blanks around the break are part of the edit.

    A break is inside a sentence when its line runs to the wrap width (a short line is a title,
    a heading or a paragraph's last line), does not end a sentence, and the next line does not
    start a list item. A line is full from 0.8 of the wrap width, the 90th percentile of the
    line lengths; in a snippet of two short lines, every line counts as full. A title nearly as wide
    as the wrap width is joined to the next line: that is the price.
    """
    joins = []
    for brk in _full_line_breaks(text):
        join = _join(text, brk)
        if join is not None:
            joins.append(join)
    return joins


def _full_line_breaks(text: str) -> list[int]:
    """The positions of the line breaks that end a full line (see _soft_breaks), blanks
    counted in the width. Plain Python for the few lines of most texts, numpy for many."""
    lines = text.split("\n")
    if len(lines) > _MANY_LINES:
        widths, breaks = _line_widths(lines)
        least = max(_full_width(np.sort(widths[widths > 0])), 1)
        return breaks[widths[:-1] >= least].tolist()
    widths = list(map(len, lines))
    least = max(_full_width(sorted(filter(None, widths))), 1)
    ends = accumulate(map((1).__add__, widths[:-1]))  # one past each break
    return [end - 1 for end, width in zip(ends, widths) if width >= least]


def _full_width(ordered: Sequence[int]) -> float:
    """The width from which a line is full, from the sorted widths of the non-empty lines."""
    if len(ordered) < 3 and (not len(ordered) or ordered[-1] <= 40):
        return 0.0  # a snippet: too few lines to tell a wrap width
    return 0.8 * ordered[math.ceil(0.9 * len(ordered)) - 1]


def _join(text: str, brk: int) -> tuple[int, int, str] | None:
    """The edit that joins the lines around the break at `brk`, or None if it ends a
    paragraph or a sentence, or the next line starts a list item."""
    start, end, n = brk, brk + 1, len(text)
    while start > 0 and text[start - 1] in _BLANKS:
        start -= 1
    while end < n and text[end] in _BLANKS:
        end += 1
    if start == 0 or end == n or text[start - 1].isspace() or text[end].isspace():
        return None  # a paragraph break or the end of the text
    before, after = text[start - 1], text[end]
    k = start - 1
    while k > 0 and text[k] in _CLOSERS:
        k -= 1
    decimal = before == "." and text[start - 2:start - 1].isdigit() and after.isdigit()
    if (text[k] in _SENTENCE_END and not decimal) or _ITEM_START.match(text, end):
        return None
    if (_CJK.match(before) or _CJK.match(after)
            or ((before.isdigit() or decimal) and after.isdigit()
                and _CJK.search(text, start - 12, start))):
        return start, end, ""  # a number split in a Chinese line: joined too
    if (before == "-" and start >= 2 and text[start - 2].isascii()
            and text[start - 2].isalpha() and after.islower()):
        return start - 1, end, ""  # infor- + mation
    return start, end, " "


def _line_widths(lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The length of each line (of a text split on "\\n") and the positions of the breaks.
    Characters, not display width: a Chinese line that holds digits is longer, never shorter."""
    widths = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    breaks = np.cumsum(widths[:-1] + 1) - 1
    return widths, breaks


def _apply(text: str, edits: list[tuple[int, int, str]]) -> Normalized:
    pieces: list[str] = []
    offsets = OffsetMap()
    orig = view = 0
    last_end = -1
    for start, end, replacement in edits:
        if start < last_end:  # blanks or a folded char inside a run or join already replaced
            continue
        pieces.append(text[orig:start])
        view += start - orig
        if len(replacement) != end - start:
            # whitespace runs map to their first char; expansions map every char to the one
            offsets.add(view, start, 1 if end - start > 1 else 0)
            offsets.add(view + len(replacement), end, 1)
        pieces.append(replacement)
        view += len(replacement)
        orig = last_end = end
    pieces.append(text[orig:])
    return Normalized("".join(pieces), offsets)


def detect_language(view: str, sample: int = 20000) -> str:
    """Return "zh", "en" or "mixed" from the share of CJK characters against Latin letters."""
    head = view[:sample]
    codes = np.frombuffer(head.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cjk = int(np.count_nonzero((codes >= 0x4E00) & (codes <= 0x9FFF)))
    lower = codes | 0x20  # ASCII letters to lower case: one range to count
    latin = int(np.count_nonzero((lower >= 0x61) & (lower <= 0x7A))) / 4  # four letters ~ a hanzi
    if cjk + latin == 0:
        return "zh" if not head.strip() else "en"
    share = cjk / (cjk + latin)
    if share >= 0.8:
        return "zh"
    if share <= 0.2:
        return "en"
    return "mixed"
