"""Format readers on renders of our own texts: PDF layout, web pages, Word files, scans."""

import re

import pytest
import render

from pipeline.ingest.pdf import MAX_PAGES
from pipeline.ingest.readers import read_documents

ZH = ("青禾县公安局开展打击整治养老诈骗宣传活动\n"
      "今年以来，青禾县公安局深入社区、公园和老年大学开展防范养老诈骗宣传，共举办讲座二十六场，"
      "发放宣传资料一万二千余份，悬挂横幅八十条，劝阻可疑转账十七笔，为老年人挽回损失九十余万元。"
      "民警提醒，凡是以高额回报、免费体检、以房养老为名要求转账的，都是诈骗。\n"
      "下一步，县公安局将继续联合民政、市场监管部门检查养老机构和保健品门店，"
      "对发现的问题线索逐一核查，依法严厉打击侵害老年人合法权益的违法犯罪活动。") * 2
EN = ("Harbor County police held a week of talks on grandparent scams\n"
      "Officers visited senior centres, libraries and churches across the county and spoke to "
      "more than 1,400 residents about calls from people who pretend to be a grandchild in "
      "trouble. They handed out about 2,300 leaflets and stopped nine transfers at local banks.\n"
      "Detectives said the callers often ask for gift cards or cash sent by courier, and that "
      "no real relative or lawyer asks for payment in gift cards.") * 2


def squash(text):
    return re.sub(r"\s+", "", text)


def read_one(path, **options):
    [doc] = read_documents([str(path)], **options)
    return doc


@pytest.mark.parametrize("text", [ZH, EN], ids=["zh", "en"])
@pytest.mark.parametrize("columns", [1, 2])
def test_pdf_drops_furniture_and_reads_columns_in_order(tmp_path, text, columns):
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(render.to_pdf(text, columns=columns, lines_per_page=6))
    doc = read_one(path)
    assert doc.error is None, doc.error
    assert doc.meta["pages"] >= 2 and doc.meta["chars"] == len(doc.text)
    assert squash(doc.text) == squash(text)  # in order, no header, no page number
    for furniture in ("简报", "Bulletin", "第 1 页", "Page 1", "- 2 -"):
        assert furniture not in doc.text


def test_pdf_header_of_a_single_page_is_dropped_by_its_size(tmp_path):
    path = tmp_path / "one.pdf"
    path.write_bytes(render.to_pdf(ZH[:200], lines_per_page=40))
    doc = read_one(path)
    assert doc.meta["pages"] == 1
    assert squash(doc.text) == squash(ZH[:200])


def test_pdf_over_the_page_limit_is_an_error_record(tmp_path, monkeypatch):
    import pipeline.ingest.pdf as pdf

    path = tmp_path / "long.pdf"
    path.write_bytes(render.to_pdf(ZH, lines_per_page=3))
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    doc = read_one(path)
    assert "more than the 2 fraudtag reads" in doc.error and "split it" in doc.error
    assert MAX_PAGES >= 1000


def test_pdf_over_the_time_limit_is_an_error_record(tmp_path, monkeypatch):
    import pipeline.ingest.pdf as pdf

    path = tmp_path / "slow.pdf"
    path.write_bytes(render.to_pdf(ZH, lines_per_page=3))
    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.0)
    doc = read_one(path)
    assert "reading took over 0 s at page 1" in doc.error


def test_pdf_without_text_layer_says_to_use_ocr(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    doc = read_one(path)
    assert "no text layer" in doc.error and "--ocr" in doc.error


@pytest.mark.parametrize("text", [ZH, EN], ids=["zh", "en"])
def test_html_main_content_only_title_first(tmp_path, text):
    path = tmp_path / "page.html"
    path.write_bytes(render.to_html(text))
    doc = read_one(path)
    assert doc.error is None, doc.error
    assert doc.text.split("\n")[0] == text.split("\n")[0]
    assert squash(doc.text) == squash(text)
    for furniture in ("98765", "访问量", "备案", "ICP", "分享", "首页", "版权所有", "相关新闻",
                      "visits", "1024"):
        assert furniture not in doc.text
    assert doc.meta["title"].startswith(text.split("\n")[0])


def test_html_counters_inside_the_article_are_dropped(tmp_path):
    body = "".join(f"<p>{p}</p>" for p in ZH.split("\n")[1:3])
    page = (f"<html><head><title>通报</title></head><body><article><h1>养老诈骗通报</h1>"
            f"<p>发布时间：2023-05-06 浏览次数：4321</p>{body}<p>【打印】【关闭】</p>"
            "</article></body></html>")
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    doc = read_one(path)
    assert doc.text.startswith("养老诈骗通报\n今年以来")
    assert "4321" not in doc.text and "打印" not in doc.text


def test_html_fragment_without_main_content_drops_nav_and_footer(tmp_path):
    page = ("<nav>首页 访问量 98765</nav><div class='share-bar'>分享到 微信</div>"
            "<p>共发放宣传资料1500余份</p><footer>备案号 京ICP备12345678号</footer>")
    path = tmp_path / "fragment.htm"
    path.write_text(page, encoding="utf-8")
    assert read_one(path).text == "共发放宣传资料1500余份"


def _docx(path, body, parts=None):
    """A minimal .docx whose body XML is `body` (written straight, as a hostile file would be)."""
    import zipfile

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                   '2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/'
                   'document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                   'Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {w}><w:body>{body}'
                   "</w:body></w:document>")
        for name, xml in (parts or {}).items():
            z.writestr(name, f'<?xml version="1.0"?><w:hdr {w}>{xml}</w:hdr>')


@pytest.mark.parametrize("text", [ZH, EN], ids=["zh", "en"])
def test_docx_line_breaks_table_and_header_apart(tmp_path, text):
    path = tmp_path / "brief.docx"
    path.write_bytes(render.to_docx(text))
    doc = read_one(path)
    assert doc.error is None, doc.error
    lines = doc.text.split("\n")
    row = lines.index("报送单位\t县政府办公室")  # a row as a line, after the first paragraph
    assert lines[row + 1] == "联系人\t张晓明"
    assert squash("".join(lines[:row])) == squash(text.split("\n")[0])
    assert squash(doc.text) == squash(text.split("\n")[0] + "报送单位县政府办公室联系人张晓明"
                                      + "".join(text.split("\n")[1:]))
    assert len(lines) > len(text.split("\n")) + 2  # the manual line breaks are kept
    assert doc.meta["header"] == "青禾县反诈中心 内部资料 2023年第4期"
    assert doc.meta["footer"] == "第 1 页" and "第 1 页" not in doc.text


def test_docx_text_boxes_tabs_and_nested_tables(tmp_path):
    path = tmp_path / "box.docx"
    cell = "<w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    inner = f"<w:tbl><w:tr>{cell.format('内')}{cell.format('表')}</w:tr></w:tbl>"
    _docx(path, "<w:p><w:r><w:t>共发放</w:t><w:tab/><w:t>资料</w:t><w:br/><w:t>1500余份</w:t>"
                "</w:r><w:r><w:pict><w:txbxContent><w:p><w:r><w:t>框中字</w:t></w:r></w:p>"
                "</w:txbxContent></w:pict></w:r></w:p>"
                f"<w:tbl><w:tr>{cell.format('甲')}{cell.format('甲')}{cell.format('乙')}</w:tr>"
                f"<w:tr><w:tc>{inner}</w:tc>{cell.format('丙')}</w:tr></w:tbl>"
                "<w:p><w:r><w:delText>删掉的</w:delText><w:t>留下的</w:t></w:r></w:p>")
    doc = read_one(path)
    assert doc.text == "框中字\n共发放\t资料\n1500余份\n甲\t乙\n内\t表\t丙\n留下的"


def test_docx_limits_paragraphs_and_decompressed_size(tmp_path, monkeypatch):
    import pipeline.ingest.docx as word

    path = tmp_path / "empty.docx"
    _docx(path, "<w:p/>" * 500 + "<w:p><w:r><w:t>共发放资料1500余份</w:t></w:r></w:p>")
    assert read_one(path).text == "共发放资料1500余份"
    monkeypatch.setattr(word, "MAX_PARAGRAPHS", 400)
    assert "more than 400 paragraphs" in read_one(path).error
    monkeypatch.setattr(word, "MAX_PARAGRAPHS", 10**6)
    monkeypatch.setattr(word, "MAX_XML_BYTES", 2048)
    assert "more than 0 MB of XML once decompressed" in read_one(path).error


def test_docx_malformed_xml_is_an_error_record(tmp_path):
    path = tmp_path / "bad.docx"
    _docx(path, "<w:p><w:r><w:t>未闭合</w:r></w:p>")
    doc = read_one(path)
    assert "not a readable .docx (word/document.xml" in doc.error


def test_docx_of_empty_paragraphs_reads_in_linear_time(tmp_path):
    """Defect 9 of issue 17: reading time grows with the file, not its square. 4 times the
    paragraphs may cost at most 8 times the time (quadratic: 16); each size's best of five runs,
    so that a busy moment of a shared machine slows neither, and three tries before failing."""
    import gc
    import time

    from pipeline.ingest.docx import read_docx_text

    paths = []
    for n in (10_000, 40_000):
        paths.append(tmp_path / f"empty{n}.docx")
        _docx(paths[-1], '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>' * n
              + "<w:p><w:r><w:t>尾</w:t></w:r></w:p>")

    def best(path):
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            assert read_docx_text(str(path), "x")[0] == "尾"
            runs.append(time.perf_counter() - start)
        return min(runs)

    best(paths[0])  # first use: imports, caches
    ratios = []
    gc.freeze()  # the collector's passes over what earlier tests left alive are not the reader's
    try:
        for _ in range(3):
            ratios.append(best(paths[1]) / best(paths[0]))
            if ratios[-1] < 8:
                break
    finally:
        gc.unfreeze()
    assert min(ratios) < 8, ratios


def _has_tesseract():
    from pipeline.ingest.ocr import tesseract_available

    return tesseract_available()


needs_tesseract = pytest.mark.skipif(not _has_tesseract(),
                                     reason="Tesseract with chi_sim and eng is not installed")
OCR_TEXT = ("民警走进社区开展反诈宣传，共发放宣传资料1500余份，\n"
            "举办讲座12场，劝阻可疑转账9笔。\n"
            "Officers handed out more than 800 leaflets.")


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tiff"])
def test_image_without_ocr_flag_is_an_error_saying_to_use_it(tmp_path, suffix):
    path = tmp_path / f"scan{suffix}"
    path.write_bytes(b"not read at all")
    doc = read_one(path)
    assert doc.error is not None and "run with --ocr" in doc.error and "scan" in doc.error


@needs_tesseract
def test_image_read_by_ocr_with_confidence(tmp_path):
    path = tmp_path / "scan.png"
    path.write_bytes(render.to_png(OCR_TEXT))
    doc = read_one(path, ocr=True)
    assert doc.error is None, doc.error
    assert "共发放宣传资料1500余份" in doc.text and "more than 800 leaflets" in doc.text
    assert doc.meta["ocr_confidence"] >= 80 and doc.meta["ocr_pages"] == 1
    assert doc.warnings == []


@needs_tesseract
def test_page_below_the_confidence_floor_is_warned(tmp_path, monkeypatch):
    import pipeline.ingest.ocr as ocr

    monkeypatch.setattr(ocr, "CONFIDENCE_FLOOR", 100.0)
    path = tmp_path / "scan.png"
    path.write_bytes(render.to_png(OCR_TEXT))
    [warning] = read_one(path, ocr=True).warnings
    assert "page 1 read by OCR with confidence" in warning and "below 100" in warning


@needs_tesseract
def test_pdf_page_without_text_layer_read_by_ocr(tmp_path):
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = tmp_path / "page.png"
    png.write_bytes(render.to_png(OCR_TEXT))
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    image = ImageReader(str(png))
    width, height = image.getSize()
    pdf.drawImage(image, 20, 800 - height * 0.48, width * 0.48, height * 0.48)
    pdf.showPage()
    pdf.save()
    assert "--ocr" in read_one(path).error
    doc = read_one(path, ocr=True)
    assert doc.error is None, doc.error
    assert "共发放宣传资料1500余份" in doc.text
    assert doc.meta["ocr_pages"] == 1 and doc.meta["ocr_confidence"] >= 80


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_damaged_files_give_one_record_each(tmp_path, fmt):
    """Random bytes changed in a PDF or a Word file: each file gives one record, a result or
    an error naming it, and the reader raises nothing."""
    import random

    good = render.to_pdf(ZH, lines_per_page=6) if fmt == "pdf" else render.to_docx(ZH)
    rng = random.Random(14)
    paths = []
    for i in range(40):
        data = bytearray(good)
        for _ in range(rng.choice([1, 3, 10])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"damaged{i:02d}.{fmt}"
        path.write_bytes(bytes(data))
        paths.append(str(path))
    docs = list(read_documents(paths))
    assert [doc.source for doc in docs] == paths
    for doc in docs:
        assert doc.error is None or doc.error.startswith(doc.source), doc.error


def test_cli_reads_a_scan_only_with_ocr(tmp_path):
    import json
    import os
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "scan.png"
    path.write_bytes(render.to_png(OCR_TEXT))
    command = [sys.executable, os.path.join(ROOT, "classify.py"), str(path), "-j", "1", "-q"]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 3
    assert "run with --ocr" in json.loads(result.stdout)["error"]
    if not _has_tesseract():
        pytest.skip("Tesseract with chi_sim and eng is not installed")
    result = subprocess.run([*command, "--ocr"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert 1500 in [m["count"] for m in record["measures"]]
    assert record["meta"]["ocr_confidence"] >= 80 and record["meta"]["format"] == "image"
