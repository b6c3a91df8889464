"""Decode bytes to text, saying which encoding was used and what was lost.

Detection order: a byte-order mark (UTF-8, UTF-16, UTF-32); strict UTF-8 (a file cut inside its
last character is UTF-8 with a warning); then the Chinese legacy encodings GB18030 (which covers
GBK and GB2312) and Big5: the one that decodes strictly, or, when both do, the one whose text is
made of more common hanzi; then charset-normalizer's guess; last, UTF-8 with replacement
characters and a warning. Bytes with NUL characters and no UTF-16/32 mark are binary.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.errors import InputError
from pipeline.resources import DATA_DIR

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 200_000  # bytes looked at when choosing between GB18030 and Big5


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    path = os.path.join(DATA_DIR, "common_hanzi.txt")
    with open(path, encoding="utf-8") as f:
        return frozenset("".join(line.strip() for line in f if not line.startswith("#")))


def _hanzi_score(text: str) -> float:
    from pipeline.text.normalize import (
        _translation_table,  # Big5 text is Traditional: compare as Simplified
    )

    simplified = text.translate(_translation_table())
    hanzi = [c for c in simplified if "\u4e00" <= c <= "\u9fff"]
    if not hanzi:
        return 0.0
    common = _common_hanzi()
    return sum(c in common for c in hanzi) / len(hanzi)


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _legacy_chinese(data: bytes) -> Decoded | None:
    gb, big5 = _strict(data, "gb18030"), _strict(data, "big5")
    if gb is not None and big5 is not None:
        sample_gb, sample_big5 = gb[: _SAMPLE // 2], big5[: _SAMPLE // 2]
        if _hanzi_score(sample_big5) > _hanzi_score(sample_gb):
            return Decoded(big5, "big5")
        return Decoded(gb, "gb18030")
    if gb is not None:
        return Decoded(gb, "gb18030")
    if big5 is not None:
        return Decoded(big5, "big5")
    return None


# Bytes no text file holds: C0 controls but tab, newlines, form feed and escape, and DEL
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
_BINARY_SHARE = 0.05  # more than this share of control bytes: not text in any encoding


def _binary(head: bytes) -> str | None:
    """Why `head` (a file's first bytes, no byte-order mark) is not text, or None."""
    if b"\x00" in head:
        return "NUL bytes and no UTF-16 byte-order mark"
    controls = len(head) - len(head.translate(None, _CONTROL))
    if head and controls > _BINARY_SHARE * len(head):
        return f"{controls} control bytes in its first {len(head)}"
    return None


def decode(data: bytes, where: str) -> Decoded:
    """Return the text of `data`; `where` names the file in messages."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as e:
                text = data.decode(encoding, errors="replace")
                return Decoded(text, encoding, [_lossy(where, encoding, e)])
    why = _binary(data[:8192])
    if why:
        raise InputError(f"{where}: binary data, not text ({why}); convert it to .txt, .docx "
                         "or .pdf, or leave it out")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            text = data.decode("utf-8", errors="replace")
            return Decoded(text, "utf-8", [
                f"{where}: the file ends inside a UTF-8 character (truncated?); "
                "the last character was replaced with U+FFFD"
            ])
        utf8_error = e
    legacy = _legacy_chinese(data)
    if legacy is not None:
        return legacy
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:_SAMPLE]).best()
    if guess is not None and guess.encoding and _strict(data, guess.encoding) is not None:
        return Decoded(data.decode(guess.encoding), guess.encoding, [
            f"{where}: encoding guessed as {guess.encoding}; check the text, or convert the "
            "file to UTF-8"
        ])
    text = data.decode("utf-8", errors="replace")
    return Decoded(text, "utf-8", [_lossy(where, "utf-8", utf8_error)])


def _lossy(where: str, encoding: str, error: UnicodeDecodeError) -> str:
    return (
        f"{where}: not valid {encoding} at byte {error.start} ({error.reason}); undecodable bytes "
        "were replaced with U+FFFD: convert the file to UTF-8 to keep every character"
    )
