"""Text of scans by OCR: Tesseract (chi_sim + eng) through pytesseract, an optional extra.

    pip install "fraudtag[ocr]"
    apt-get install tesseract-ocr tesseract-ocr-chi-sim     # or your system's packages

Tesseract separates hanzi by spaces; they are closed up again. The mean word confidence (0-100)
goes in meta; a page below CONFIDENCE_FLOOR gets a warning.
"""

from __future__ import annotations

import os
import re
from typing import Any

from pipeline.errors import InputError

LANGUAGES = "chi_sim+eng"
CONFIDENCE_FLOOR = 60.0  # mean word confidence: below it, a page is likely misread
PAGE_SECONDS = 120  # Tesseract is stopped after this long on one page
PDF_DPI = 300
MAX_FRAMES = 200  # pages of a multi-page TIFF
INSTALL = ("install the OCR extra and Tesseract: pip install 'fraudtag[ocr]' and "
           "apt-get install tesseract-ocr tesseract-ocr-chi-sim (see the README)")

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# a space Tesseract puts between two hanzi, or between a hanzi and a digit or punctuation
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ ]+(?=[{_CJK}\d%])|(?<=[\d%])[ ]+(?=[{_CJK}])")


def _tesseract():
    """pytesseract, checked for a Tesseract binary with both languages."""
    # Tesseract's OpenMP threads fight the batch workers for the cores: one thread per page
    # read a Chinese page in 13 s against 36 s on 2 busy cores. OMP_THREAD_LIMIT overrides it.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        import pytesseract
    except ImportError:
        raise InputError(f"OCR is not installed; {INSTALL}") from None
    try:
        languages = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        raise InputError(f"Tesseract is not installed; {INSTALL}") from None
    missing = [lang for lang in LANGUAGES.split("+") if lang not in languages]
    if missing:
        raise InputError(f"Tesseract lacks the language data {', '.join(missing)}; {INSTALL}")
    return pytesseract


def tesseract_available() -> bool:
    try:
        _tesseract()
    except InputError:
        return False
    return True


def ocr_image(image, where: str) -> tuple[str, float]:
    """The text of one page image (lines in reading order) and its mean word confidence."""
    pytesseract = _tesseract()
    try:
        data = pytesseract.image_to_data(image.convert("L"), lang=LANGUAGES,
                                         output_type=pytesseract.Output.DICT,
                                         timeout=PAGE_SECONDS)
    except pytesseract.TesseractError as e:
        raise InputError(f"{where}: Tesseract could not read the image ({e.message}); check "
                         "the file") from None
    except RuntimeError as e:  # pytesseract's timeout
        raise InputError(f"{where}: OCR took over {PAGE_SECONDS} s on one page ({e}); "
                         "check the image") from None
    lines: dict[tuple[int, int, int], list[str]] = {}
    weights = total = 0.0
    for word, conf, *key in zip(data["text"], data["conf"], data["block_num"], data["par_num"],
                                data["line_num"]):
        word = word.strip()
        if not word or float(conf) < 0:
            continue
        lines.setdefault(tuple(key), []).append(word)
        weights += len(word)
        total += float(conf) * len(word)
    text = "\n".join(_CJK_SPACE.sub("", " ".join(words)) for words in lines.values())
    return text, (total / weights if weights else 0.0)


def ocr_pages(images, where: str) -> tuple[list[str], float, list[str]]:
    """OCR of several page images: texts, mean confidence, warnings for pages below the floor."""
    texts, warnings = [], []
    weights = total = 0.0
    for number, image in images:
        text, confidence = ocr_image(image, f"{where} page {number}")
        texts.append(text)
        chars = len(text.strip())
        weights += chars
        total += confidence * chars
        if chars and confidence < CONFIDENCE_FLOOR:
            warnings.append(f"{where}: page {number} read by OCR with confidence "
                            f"{confidence:.0f} (below {CONFIDENCE_FLOOR:.0f}); check its text, "
                            "or scan it again at 300 dpi")
    return texts, round(total / weights, 1) if weights else 0.0, warnings


def ocr_pdf_pages(path: str, shown: str, numbers: list[int]) -> tuple[list[str], float,
                                                                      list[str]]:
    """OCR of the given pages (1-based) of a PDF, rendered at PDF_DPI."""
    import pdfplumber

    _tesseract()
    with pdfplumber.open(path) as pdf:
        def images():
            for number in numbers:
                yield number, pdf.pages[number - 1].to_image(resolution=PDF_DPI).original
        return ocr_pages(images(), shown)


def read_image_text(path: str, shown: str, ocr: bool) -> tuple[str, dict[str, Any], list[str]]:
    """The text of an image file (png, jpg, tiff; every frame of a TIFF) by OCR."""
    if not ocr:
        raise InputError(f"{shown}: an image; its text can only be read by OCR: run with --ocr "
                         f"({INSTALL})")
    _tesseract()
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            frames = [(n, frame.copy()) for n, frame
                      in enumerate(ImageSequence.Iterator(image), 1) if n <= MAX_FRAMES]
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError,
            SyntaxError) as e:
        raise InputError(f"{shown}: not a readable image ({e}); check the file") from None
    texts, confidence, warnings = ocr_pages(frames, shown)
    text = "\n".join(t for t in texts if t.strip())
    meta = {"format": "image", "pages": len(frames), "chars": len(text), "ocr_pages": len(frames),
            "ocr_confidence": confidence}
    return text, meta, warnings
