"""PDF text by layout (pdfplumber): lines from character positions, two columns read left then
right, running headers and footers and page numbers dropped. A page without a text layer is read
by OCR when asked (pipeline.ingest.ocr).
"""

from __future__ import annotations

import contextlib
import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pipeline.errors import InputError

MAX_PAGES = 2000  # a longer PDF is a book or a hostile file: split it first
MAX_SECONDS = 120.0  # per PDF, checked after each page
FURNITURE_LINES = 2  # lines at the top and at the bottom of a page that may be furniture
# a page number on a line of its own: 第 3 页 / 第3页 共12页 / Page 3 of 12 / - 3 - / 3 / 12
_PAGE_NUMBER = re.compile(
    r"(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页"
    r"|(?:page|p\.)\s*\d+(?:\s*(?:of|/)\s*\d+)?|[-–—]\s*\d+\s*[-–—]|\d+(?:\s*/\s*\d+)?)",
    re.IGNORECASE)


@dataclass
class Line:
    text: str
    top: float
    x0: float
    x1: float
    size: float = 0.0  # median font size of its characters
    edge: bool = False  # in the top or bottom tenth of the page


def _line(row: dict, height: float) -> Line:
    sizes = sorted(c["size"] for c in row.get("chars", ()) if c["text"].strip())
    top = row["top"]
    return Line(row["text"], top, row["x0"], row["x1"], sizes[len(sizes) // 2] if sizes else 0.0,
                top < height * 0.1 or row["bottom"] > height * 0.9)


def read_pdf_text(path: str, shown: str, ocr: bool = False) -> tuple[str, dict[str, Any],
                                                                     list[str]]:
    """The text of a PDF, its meta (format, pages, chars, OCR figures) and warnings."""
    with open(path, "rb") as stream:  # closed here whatever pdfminer raises
        return _read_pdf(stream, path, shown, ocr)


def _read_pdf(stream, path: str, shown: str, ocr: bool) -> tuple[str, dict[str, Any],
                                                                 list[str]]:
    warnings: list[str] = []
    with _closing(_open(stream, shown)) as pdf:
        pages, blank, scanned = _layout_pages(pdf, shown)
        meta: dict[str, Any] = {"format": "pdf", "pages": len(pages)}
        if blank and ocr:
            from pipeline.ingest.ocr import ocr_pdf_pages

            texts, confidence, said = ocr_pdf_pages(path, shown, blank)
            for number, page_text in zip(blank, texts):
                pages[number - 1] = [Line(t, 0, 0, 0) for t in page_text.split("\n") if t]
            meta.update(ocr_pages=len(blank), ocr_confidence=confidence)
            warnings.extend(said)
    texts = [[line.text for line in page] for page in drop_furniture(pages)]
    text = "\n".join("\n".join(page) for page in texts if page)
    if not text.strip():
        if ocr:
            raise InputError(f"{shown}: no text in the PDF, by its text layer or by OCR; "
                             "nothing to classify")
        raise InputError(f"{shown}: the PDF has no text layer (a scan?); run with --ocr to read "
                         "it by OCR (pip install 'fraudtag[ocr]' and Tesseract, see README)")
    if scanned and not ocr:
        warnings.append(f"{shown}: pages {_ranges(scanned)} have no text layer (scans) and were "
                        "not read; run with --ocr to read them")
    meta["chars"] = len(text)
    return text, meta, warnings


def _open(stream, shown: str):
    import logging

    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        return pdfplumber.open(stream)
    except PDFSyntaxError as e:
        raise InputError(f"{shown}: not a readable PDF ({e}); check that the file is complete"
                         ) from None
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds on a damaged file
        if "password" in str(e).lower() or type(e).__name__ == "PDFPasswordIncorrect":
            raise InputError(f"{shown}: the PDF is encrypted; save an unprotected copy first"
                             ) from None
        raise InputError(f"{shown}: not a readable PDF ({type(e).__name__}: {e}); check that "
                         "the file is complete") from None


def _layout_pages(pdf, shown: str) -> tuple[list[list[Line]], list[int], list[int]]:
    """Each page's lines, the pages without a text layer, and those of them that hold an
    image (scans); within the page and time limits."""
    started = time.monotonic()
    try:
        count = len(pdf.pages)
    except Exception as e:  # noqa: BLE001 - the page tree is read here, damaged or not
        raise InputError(f"{shown}: not a readable PDF ({type(e).__name__}: {e}); check "
                         "that the file is complete") from None
    if count > MAX_PAGES:
        raise InputError(f"{shown}: {count} pages, more than the {MAX_PAGES} "
                         "fraudtag reads from one PDF; split it (e.g. `qpdf --split-pages`)")
    pages: list[list[Line]] = []
    blank: list[int] = []
    scanned: list[int] = []
    for number, page in enumerate(pdf.pages, 1):
        try:
            lines = page_lines(page)
        except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds on a damaged page
            raise InputError(f"{shown}: page {number} is not readable ({type(e).__name__}: "
                             f"{e}); check that the file is complete, or re-save it as PDF"
                             ) from None
        if not lines:
            blank.append(number)
            if page.images:
                scanned.append(number)
        pages.append(lines)
        if time.monotonic() - started > MAX_SECONDS:
            raise InputError(f"{shown}: reading took over {MAX_SECONDS:.0f} s at page "
                             f"{number} of {count}; split the PDF or check it")
    return pages, blank, scanned


@contextlib.contextmanager
def _closing(pdf):
    """pdf, closed at the end; pdfplumber's close walks the pages again, and on a damaged file
    raises there: the file's own error has been reported already (the stream is ours to close)."""
    try:
        yield pdf
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


def page_lines(page) -> list[Line]:
    """The lines of a page in reading order: top to bottom; where the page has two columns,
    the left column's lines before the right's, a full-width line (a title) where it stands."""
    rows = [row for row in page.extract_text_lines(layout=False, strip=True, return_chars=True)
            if row["text"].strip()]
    band = _gutter(page, rows)
    if band is None:
        return [_line(row, page.height) for row in rows]
    g0, g1 = band
    middle = (g0 + g1) / 2
    full = [_line(row, page.height) for row in rows if _crosses(row, g0, g1)]
    halves = []
    for bbox in ((0, 0, middle, page.height), (middle, 0, page.width, page.height)):
        half = page.crop(bbox, strict=False)
        halves.append([_line(row, page.height)
                       for row in half.extract_text_lines(layout=False, strip=True,
                                                          return_chars=True)
                       if row["text"].strip()
                       and not any(abs(row["top"] - f.top) < 2 for f in full)])
    left, right = halves
    out: list[Line] = []
    i = j = 0
    for line in [*full, None]:
        cut = line.top if line is not None else float("inf")
        while i < len(left) and left[i].top < cut:
            out.append(left[i])
            i += 1
        while j < len(right) and right[j].top < cut:
            out.append(right[j])
            j += 1
        if line is not None:
            out.append(line)
    return out


def _gutter(page, rows: list[dict]) -> tuple[float, float] | None:
    """The x range of an empty vertical band in the middle of the page that nearly every line
    leaves alone, or None when the page has one column."""
    if len(rows) < 6:
        return None
    width = float(page.width)
    best, best_score = None, 0
    for first, length in _quiet_bands(_coverage(rows, width), len(rows)):
        g0, g1 = first / 100 * width, (first + length) / 100 * width
        left = sum(1 for row in rows if row["x1"] <= g0 + 1)
        right = sum(1 for row in rows if row["x0"] >= g1 - 1)
        # a left and a right line side by side are one row, in neither count
        split = sum(1 for row in rows if row["x0"] < g0 and row["x1"] > g1
                    and not _crosses(row, g0, g1))
        score = split + min(left, right)
        if score >= max(2, len(rows) // 8) and score > best_score:
            best, best_score = (g0, g1), score
    return best


def _coverage(rows: list[dict], width: float) -> list[int]:
    """How many lines cover each hundredth of the page width."""
    covered = [0] * 100
    for row in rows:
        hit = set()
        for char in row["chars"]:
            if char["text"].strip():
                hit.update(range(max(0, int(char["x0"] / width * 100)),
                                 min(100, int(char["x1"] / width * 100) + 1)))
        for b in hit:
            covered[b] += 1
    return covered


def _quiet_bands(covered: list[int], lines: int) -> list[list[int]]:
    """(first hundredth, length) of the bands in the middle half that few lines touch."""
    runs, run = [], 0
    for b in range(25, 76):
        run = run + 1 if covered[b] <= max(1, lines * 0.1) else 0
        if run == 2:
            runs.append([b - 1, 2])
        elif run > 2:
            runs[-1][1] = run
    return runs


def _crosses(row: dict, g0: float, g1: float) -> bool:
    """True when a row runs across the band [g0, g1] as one line (a title), not two column
    lines side by side: a character covers its middle, or the gap there is a word space."""
    middle = (g0 + g1) / 2
    before = after = None
    for char in row["chars"]:
        if not char["text"].strip():
            continue
        if char["x0"] <= middle <= char["x1"]:
            return True
        if char["x1"] < middle:
            before = char["x1"] if before is None else max(before, char["x1"])
        elif after is None or char["x0"] < after:
            after = char["x0"]
    if before is None or after is None:
        return False
    return after - before < max(0.5 * (g1 - g0), 1.0)


def drop_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without running headers and footers and page numbers. A header or footer is a
    first or last line that repeats, digits aside, on at least half the pages (two or more),
    or one in the top or bottom tenth of the page set smaller than the body text."""
    def key(text: str) -> str:
        return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))

    sizes = Counter()
    for lines in pages:
        for line in lines:
            sizes[round(line.size)] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 0

    edges = Counter()
    for lines in pages:
        seen = {key(line.text) for line in lines[:FURNITURE_LINES] + lines[-FURNITURE_LINES:]}
        edges.update(seen)
    repeated = {k for k, n in edges.items() if n >= 2 and n * 2 >= len(pages)}
    out = []
    for lines in pages:
        edge = set(range(min(FURNITURE_LINES, len(lines))))
        edge |= set(range(max(0, len(lines) - FURNITURE_LINES), len(lines)))
        out.append([line for i, line in enumerate(lines)
                    if i not in edge or (key(line.text) not in repeated
                                         and not _PAGE_NUMBER.fullmatch(line.text.strip())
                                         and not (line.edge and 0 < line.size < body_size * 0.9))])
    return out


def _ranges(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers[:10]) + (" ..." if len(numbers) > 10 else "")
