"""The text of a Word (.docx) file, streamed from its XML: paragraphs, manual line breaks, tables
(a row as a line, cells tab-separated), text boxes; headers and footers kept apart in meta.

Linear in the size of the file, with limits on what a hostile file can cost: the decompressed
size of the parts read and the number of paragraphs.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from typing import IO, Any

from pipeline.errors import InputError

MAX_XML_BYTES = 64 * 1024 * 1024  # decompressed, all parts read together
MAX_PARAGRAPHS = 200_000  # empty ones included: a real report has a few thousand

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# what a run element adds to its paragraph's text (w:t its own text)
_INLINE = {_W + "t": "", _W + "tab": "\t", _W + "br": "\n", _W + "cr": "\n"}
_ENDS = {*_INLINE, _W + "p", _W + "tc", _W + "tr"}  # the elements whose end _Part.end handles
_PARTS = re.compile(r"word/(header|footer)\d*\.xml")


class _Budget:
    """Bytes and paragraphs left to read; raises InputError when one runs out."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.bytes = MAX_XML_BYTES
        self.paragraphs = MAX_PARAGRAPHS

    def spend_bytes(self, n: int) -> None:
        self.bytes -= n
        if self.bytes < 0:
            raise InputError(f"{self.shown}: more than {MAX_XML_BYTES // 2**20} MB of XML once "
                             "decompressed (a zip bomb?); open and re-save it in Word, or split "
                             "it")

    def spend_paragraph(self) -> None:
        self.paragraphs -= 1
        if self.paragraphs < 0:
            raise InputError(f"{self.shown}: more than {MAX_PARAGRAPHS} paragraphs; split the "
                             "document (or remove its empty paragraphs) and run again")


class _Metered:
    """A file-like reader that charges every byte read to the budget."""

    def __init__(self, raw: IO[bytes], budget: _Budget) -> None:
        self.raw, self.budget = raw, budget

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n if n is not None and n >= 0 else 1 << 16)
        self.budget.spend_bytes(len(data))
        return data


def read_docx_text(path: str, shown: str) -> tuple[str, dict[str, Any]]:
    """The body text of a .docx file and its meta (format, paragraphs, header, footer)."""
    budget = _Budget(shown)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise InputError(f"{shown}: not a readable .docx (no word/document.xml); "
                                 "re-save it from Word as .docx (old .doc files must be "
                                 "converted)")
            body, paragraphs = _part_lines(archive, "word/document.xml", budget)
            meta: dict[str, Any] = {"format": "docx", "paragraphs": paragraphs}
            for kind in ("header", "footer"):
                lines = []
                for name in sorted(n for n in names if (m := _PARTS.fullmatch(n))
                                   and m.group(1) == kind):
                    for line in _part_lines(archive, name, budget)[0]:
                        if line.strip() and line not in lines:
                            lines.append(line)
                if lines:
                    meta[kind] = "\n".join(lines)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            zlib.error, ValueError, KeyError) as e:  # a damaged or unusual zip
        raise InputError(f"{shown}: not a readable .docx ({e}); re-save it from Word as .docx "
                         "(old .doc files must be converted)") from None
    return "\n".join(line for line in body if line.strip()), meta


def _part_lines(archive: zipfile.ZipFile, name: str, budget: _Budget) -> tuple[list[str], int]:
    """The lines of one XML part (paragraphs and table rows, in order) and its paragraph count."""
    from lxml import etree

    part = _Part(budget)
    with archive.open(name) as raw:
        events = etree.iterparse(_Metered(raw, budget), events=("start", "end"),
                                 resolve_entities=False, no_network=True, huge_tree=False,
                                 load_dtd=False)
        try:
            opened, ends = part.opened, _ENDS
            for event, elem in events:  # the hot loop: most elements neither open nor end a line
                tag = elem.tag  # lxml builds this string on each access: once
                if event == "start":
                    if tag in opened:
                        opened[tag].append([])
                elif tag in ends:
                    part.end(tag, elem)
        except etree.XMLSyntaxError as e:
            raise InputError(f"{budget.shown}: not a readable .docx ({name}: {e}); re-save it "
                             "from Word as .docx") from None
    return part.blocks, part.paragraphs


class _Part:
    """The lines of one XML part, built as its elements open and close."""

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.blocks: list[str] = []
        self.paragraphs = 0
        self.runs: list[list[str]] = []  # the text of each open paragraph (text boxes nest them)
        self.rows: list[list[str]] = []  # the cells of each open table row (tables nest too)
        self.cells: list[list[str]] = []  # the paragraphs of each open cell
        # the stack each opening element pushes a new list on
        self.opened = {_W + "p": self.runs, _W + "tr": self.rows, _W + "tc": self.cells}

    def end(self, tag: str, elem) -> None:
        if tag in _INLINE and self.runs:
            self.runs[-1].append((elem.text or "") if tag == _W + "t" else _INLINE[tag])
        elif tag == _W + "p" and self.runs:
            self.budget.spend_paragraph()
            self.paragraphs += 1
            self._line("".join(self.runs.pop()))
            _drop(elem)
        elif tag == _W + "tc" and self.cells:
            parts = [part.strip() for part in self.cells.pop() if part.strip()]
            if self.rows:
                self.rows[-1].append(" ".join(parts))
        elif tag == _W + "tr" and self.rows:
            row = self.rows.pop()
            kept = [cell for i, cell in enumerate(row)
                    if cell and (i == 0 or cell != row[i - 1])]  # merged cells repeat
            self._line("\t".join(kept))
            _drop(elem)

    def _line(self, text: str) -> None:
        """A finished paragraph or row: a line of the part, or a paragraph of the open cell."""
        if self.cells:
            self.cells[-1].append(text)
        else:
            self.blocks.append(text)


def _drop(elem) -> None:
    """Free a finished element and the siblings before it: memory stays flat."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]
