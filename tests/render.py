"""Render our own corpus texts as the files an archive holds: PDF, hard-wrapped GB18030 text,
a saved web page, a Word file and a scanned page (PNG). Used by the format-invariance test and by
bench/bench_formats.py. The furniture added (headers, page numbers, nav bars, footers) is ours.
"""

from __future__ import annotations

import glob
import html
import io
import json
import os
import unicodedata
import zlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

# boilerplate numbers the renders add: none of them may come back as a count
PDF_HEADER_ZH = "青禾县反诈中心 工作简报 2023年第4期"
PDF_HEADER_EN = "Harbor County Fraud Prevention Bulletin No. 17"
NAV = ("首页", "新闻中心", "通知公告", "办事服务", "访问量 98765", "今日访问 321")
FOOTER = ("版权所有 青禾县人民政府办公室", "备案号 京ICP备12345678号", "网站标识码 4406000012",
          "分享到 微信 微博 QQ空间 收藏 1024")
BOILERPLATE_NUMBERS = {98765, 321, 12345678, 4406000012, 1024, 17, 4}


def corpus_sample(n_zh: int, n_en: int, max_chars: int = 900,
                  simplified: bool = False) -> list[dict]:
    """Corpus documents with gold counts, both languages, picked by a fixed hash of the id;
    with `simplified`, no Traditional Chinese (Tesseract reads it with chi_tra, not chi_sim)."""
    rows = []
    for path in sorted(glob.glob(os.path.join(REPO, "corpora", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if [c for c in row.get("counts", []) if c.get("value") is not None
                        and not c.get("optional")] and 200 <= len(row["text"]) <= max_chars \
                        and not (simplified and _traditional(row["text"])):
                    rows.append(row)
    rows.sort(key=lambda row: zlib.crc32(row["id"].encode()))
    zh = [row for row in rows if row["lang"] == "zh"][:n_zh]
    en = [row for row in rows if row["lang"] == "en"][:n_en]
    return zh + en


def _traditional(text: str) -> bool:
    from pipeline.text.normalize import _translation_table

    table = _translation_table()
    return sum(ord(c) in table and not 0xFF00 <= ord(c) <= 0xFFEF and c != "\u3000"
               for c in text) > 3


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _latin(paragraph: str) -> bool:
    return sum(c.isascii() for c in paragraph) > 0.8 * len(paragraph)


def wrap(paragraph: str, columns: int) -> list[str]:
    """Hard-wrap a paragraph at `columns` display columns, between words in English."""
    lines, line, width = [], "", 0
    tokens = paragraph.split(" ") if _latin(paragraph) else list(paragraph)
    sep = " " if _latin(paragraph) else ""
    for token in tokens:
        w = sum(_width(c) for c in token) + (len(sep) if line else 0)
        if line and width + w > columns:
            lines.append(line)
            line, width = token, w - len(sep)
        else:
            line, width = (line + sep + token) if line else token, width + w
    if line:
        lines.append(line)
    return lines


def to_wrapped_text(text: str, columns: int = 38) -> bytes:
    """The text hard-wrapped at `columns`, CRLF line ends, in GB18030 (an old Windows file)."""
    lines = []
    for paragraph in text.split("\n"):
        lines.extend(wrap(paragraph, columns) if paragraph.strip() else [""])
    return "\r\n".join(lines).encode("gb18030")


def to_pdf(text: str, columns: int = 1, lines_per_page: int = 14) -> bytes:
    """A PDF of `text`: wrapped lines, a running header on every page, a page number footer
    (第 N 页 共 M 页 / Page N of M / - N -), in one or two columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    zh = not _latin(text)
    if zh:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font, size = ("STSong-Light", 11) if zh else ("Helvetica", 11)
    page_w, page_h = A4
    margin, gutter = 60, 24
    col_w = (page_w - 2 * margin - (columns - 1) * gutter) / columns
    lines = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        lines.extend(_wrap_points(paragraph, col_w, font, size))
    per_page = lines_per_page * columns
    pages = [lines[i:i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    header = PDF_HEADER_ZH if zh else PDF_HEADER_EN
    for n, page in enumerate(pages, 1):
        pdf.setFont(font if zh else "Helvetica", 9)
        pdf.drawString(margin, page_h - 40, header)
        footer = (f"第 {n} 页 共 {len(pages)} 页" if zh else f"Page {n} of {len(pages)}") \
            if n % 2 else f"- {n} -"
        pdf.drawCentredString(page_w / 2, 30, footer)
        pdf.setFont(font, size)
        placed = [(*reversed(divmod(i, lines_per_page)), line) for i, line in enumerate(page)]
        for row, column, line in sorted(placed):  # row by row: stream order is not reading order
            pdf.drawString(margin + column * (col_w + gutter), page_h - 80 - row * size * 1.8,
                           line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _wrap_points(paragraph: str, width: float, font: str, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    tokens = paragraph.split(" ") if _latin(paragraph) else list(paragraph)
    sep = " " if _latin(paragraph) else ""
    lines, line = [], ""
    for token in tokens:
        candidate = (line + sep + token) if line else token
        if line and stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = token
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def to_html(text: str) -> bytes:
    """A saved web page: the first line as title and heading, the rest with <br> line breaks
    inside paragraphs, a nav bar with a visit counter, a share bar, a footer, scripts."""
    title, _, body = text.partition("\n")
    paragraphs = []
    for paragraph in body.split("\n"):
        if paragraph.strip():
            lines = wrap(paragraph, 60)
            paragraphs.append("<p>" + "<br>\n".join(html.escape(x) for x in lines) + "</p>")
    nav = "".join(f'<li><a href="/{i}">{html.escape(x)}</a></li>' for i, x in enumerate(NAV))
    footer = "".join(f"<p>{html.escape(x)}</p>" for x in FOOTER)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)} - 青禾县人民政府</title>
<script>var visits = 98765; document.write(visits);</script>
<style>.nav li {{ display: inline; }}</style></head>
<body><div class="header"><ul class="nav">{nav}</ul></div>
<div class="share">分享到：微信 微博 QQ空间 点赞 1024</div>
<div class="main"><article><h1>{html.escape(title)}</h1>
{chr(10).join(paragraphs)}
</article></div>
<div class="related"><h3>相关新闻</h3><ul><li><a href="/a">关于开展2023年第4期培训的通知</a></li>
<li><a href="/b">访问量统计 98765 次</a></li></ul></div>
<div class="footer">{footer}</div>
<script>console.log("count 98765");</script></body></html>"""
    return page.encode("utf-8")


def to_docx(text: str) -> bytes:
    """A Word file: paragraphs whose lines end in manual line breaks, a table of two rows, a
    header and a footer with a page number."""
    import docx

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "青禾县反诈中心 内部资料 2023年第4期"
    section.footer.paragraphs[0].text = "第 1 页"
    paragraphs = [p for p in text.split("\n") if p.strip()]
    table_after = min(1, len(paragraphs))
    for i, paragraph in enumerate(paragraphs):
        p = document.add_paragraph()
        for j, line in enumerate(wrap(paragraph, 40)):
            run = p.add_run(line)
            if j:
                run._r.addprevious(run._r.makeelement(docx.oxml.ns.qn("w:br"), {}))
        if i + 1 == table_after:
            table = document.add_table(rows=2, cols=2)
            for r, (key, value) in enumerate([("报送单位", "县政府办公室"), ("联系人", "张晓明")]):
                table.cell(r, 0).text = key
                table.cell(r, 1).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_png(text: str, width_px: int = 1240) -> bytes:
    """A scanned page: the text drawn in black on white at about 150 dpi, grey noise-free."""
    import pytest
    from PIL import Image, ImageDraw, ImageFont

    if not os.path.isfile(CJK_FONT):  # a scan of Chinese needs a font that draws it
        pytest.skip(f"{CJK_FONT} is not installed (apt-get install fonts-noto-cjk)")
    font = ImageFont.truetype(CJK_FONT, 30, index=2)  # Noto Sans CJK SC
    columns = (width_px - 160) // 16  # display columns of 15-16 px at size 30
    lines = []
    for paragraph in text.split("\n"):
        if paragraph.strip():
            lines.extend(wrap(paragraph, columns))
    height = 160 + 48 * len(lines)
    image = Image.new("L", (width_px, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((80, 80 + 48 * i), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(150, 150))
    return out.getvalue()
