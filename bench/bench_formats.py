"""PDF pages per second and OCR pages per second, on renders of our own corpus texts.

    python bench/bench_formats.py [--docs 40] [--ocr-pages 2]

PDF: corpus texts with gold counts rendered by tests/render.py (wrapped lines, a running header,
page numbers; every third in two columns), read by pipeline.ingest.pdf (layout, furniture
dropped); pypdf's plain extract_text on the same files for reference when it is installed.
OCR: full pages (about 40 lines) of Chinese and English text drawn as PNG at 150 dpi, read by
Tesseract chi_sim+eng (pipeline.ingest.ocr). Medians of 3 runs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "tests"))

import render  # noqa: E402  (tests/render.py)
from common import machine, median_seconds  # noqa: E402


def bench_pdf(docs: int, folder: str) -> list[str]:
    from pipeline.ingest.pdf import read_pdf_text

    rows = render.corpus_sample(docs // 2, docs - docs // 2)
    paths, pages = [], 0
    for i, row in enumerate(rows):
        path = os.path.join(folder, f"{row['id']}.pdf")
        with open(path, "wb") as f:
            f.write(render.to_pdf(row["text"], columns=2 if i % 3 == 0 else 1,
                                  lines_per_page=12))
        paths.append(path)
    pages = sum(read_pdf_text(path, path)[1]["pages"] for path in paths)
    out = [f"{len(paths)} PDFs, {pages} pages, median of 3 runs", "",
           "| reader | seconds | pages/s |", "|---|---|---|"]
    seconds = median_seconds(lambda: [read_pdf_text(path, path) for path in paths])
    out.append(f"| fraudtag (pdfplumber, layout, furniture dropped) | {seconds:.2f} | "
               f"{pages / seconds:.1f} |")
    try:
        from pypdf import PdfReader
    except ImportError:
        return out
    seconds = median_seconds(lambda: [[p.extract_text() for p in PdfReader(path).pages]
                                      for path in paths])
    out.append(f"| pypdf extract_text (reference: no layout, furniture kept) | {seconds:.2f} | "
               f"{pages / seconds:.1f} |")
    return out


def bench_ocr(pages: int) -> list[str]:
    from PIL import Image

    from pipeline.ingest.ocr import ocr_image, tesseract_available

    if not tesseract_available():
        return ["Tesseract with chi_sim and eng is not installed: no OCR figures."]
    version = subprocess.run(["tesseract", "--version"], capture_output=True,
                             text=True).stdout.splitlines()[0]
    out = [f"{version}, languages chi_sim+eng, pages of about 40 lines at 150 dpi, "
           "median of 3 runs", "", "| page | characters | seconds | pages/s | confidence |",
           "|---|---|---|---|---|"]
    import io

    for lang in ("zh", "en"):
        rows = [row for row in render.corpus_sample(20, 20, max_chars=4000, simplified=True)
                if row["lang"] == lang]
        text = "\n".join(row["text"] for row in rows)
        per_page = 1100 if lang == "zh" else 2400  # about 40 lines of a page
        images = [Image.open(io.BytesIO(render.to_png(text[i * per_page:(i + 1) * per_page])))
                  for i in range(pages)]
        results: list[list[tuple[str, float]]] = []

        def run(images=images, results=results, lang=lang):
            results.append([ocr_image(image, lang) for image in images])

        seconds = median_seconds(run)
        confidence = sum(c for _, c in results[-1]) / len(images)
        out.append(f"| {lang} | {per_page} | {seconds:.2f} | {len(images) / seconds:.2f} | "
                   f"{confidence:.1f} |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--ocr-pages", type=int, default=2)
    args = parser.parse_args()
    print(f"## Formats: PDF and OCR pages per second ({machine()})\n")
    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(bench_pdf(args.docs, folder)))
    print()
    print("\n".join(bench_ocr(args.ocr_pages)))


if __name__ == "__main__":
    main()
