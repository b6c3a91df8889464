"""Format invariance: our own corpus texts rendered as the files an archive holds (PDF with
wrapped lines, a running header and page numbers; hard-wrapped GB18030 text; a web page with nav
and footer boilerplate; a Word file with manual line breaks and a table; a scanned page) give the
labels of the plain text on every document and the same counts on >= 98% of the gold counts
(>= 90% for the OCR'd page), and no boilerplate number is reported.
"""

import pytest
import render

from pipeline.document import Document
from pipeline.ingest.readers import read_documents

SAMPLE = render.corpus_sample(n_zh=8, n_en=5)
OCR_SAMPLE = render.corpus_sample(n_zh=2, n_en=1, max_chars=500, simplified=True)
FORMATS = {
    "pdf": (".pdf", render.to_pdf),
    "wrapped_gb18030": (".txt", render.to_wrapped_text),
    "html": (".html", render.to_html),
    "docx": (".docx", render.to_docx),
}
FURNITURE = ("简报", "Bulletin", "访问量", "备案", "ICP", "分享", "版权", "报送单位", "联系人",
             "Page ", "第 1 页")


@pytest.fixture(scope="module")
def pipeline(shipped_model):
    from pipeline.engine.stages import Pipeline

    return Pipeline(shipped_model)


def _gold(row):
    return [c["value"] for c in row["counts"] if c.get("value") is not None
            and not c.get("optional")]


def _found(doc, value):
    return any(m["count"] is not None and abs(m["count"] - value) <= 1e-6 * max(1, abs(value))
               for m in doc.measures)


def _run(pipeline, rows, fmt, tmp_path, ocr=False):
    """(plain, rendered) documents for every row, run through the pipeline."""
    suffix, make = FORMATS.get(fmt, (".png", render.to_png))
    plain = pipeline.run([Document(row["id"], row["id"], row["text"]) for row in rows])
    paths = []
    for row in rows:
        path = tmp_path / f"{row['id']}{suffix}"
        path.write_bytes(make(row["text"]))
        paths.append(str(path))
    rendered = list(read_documents(paths, ocr=ocr))
    assert len(rendered) == len(rows)
    assert [doc.error for doc in rendered] == [None] * len(rows)
    return plain, pipeline.run(rendered)


def _check(rows, plain, rendered, floor, least=10):
    assert [p.labels for p in plain] == [r.labels for r in rendered]
    same = total = 0
    for row, p, r in zip(rows, plain, rendered):
        for value in _gold(row):
            total += 1
            same += _found(p, value) == _found(r, value)
        reported = {m["count"] for m in p.measures}
        for m in r.measures:  # nothing the furniture added comes back as a count
            assert m["count"] in reported or m["count"] not in render.BOILERPLATE_NUMBERS, m
            assert not any(f in m["text"] for f in FURNITURE), m
    assert total >= least
    assert same / total >= floor, (same, total)


def test_sample_has_both_languages_with_counts():
    langs = [row["lang"] for row in SAMPLE]
    assert langs.count("zh") == 8 and langs.count("en") == 5
    assert all(_gold(row) for row in SAMPLE)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_formats_give_the_labels_and_counts_of_plain_text(pipeline, tmp_path, fmt):
    plain, rendered = _run(pipeline, SAMPLE, fmt, tmp_path)
    _check(SAMPLE, plain, rendered, 0.98)


def test_scanned_page_gives_the_labels_and_counts_of_plain_text(pipeline, tmp_path):
    from pipeline.ingest.ocr import tesseract_available

    if not tesseract_available():
        pytest.skip("Tesseract with chi_sim and eng is not installed")
    plain, rendered = _run(pipeline, OCR_SAMPLE, "png", tmp_path, ocr=True)
    _check(OCR_SAMPLE, plain, rendered, 0.90, least=5)
