"""Readers, encodings, error records and report splitting, on tests/data/archive."""

import io
import json
import os

import pytest
from conftest import ARCHIVE

from pipeline.errors import InputError
from pipeline.ingest.encoding import decode
from pipeline.ingest.readers import read_documents
from pipeline.ingest.split import split_reports


def read(name, **options):
    return list(read_documents([os.path.join(ARCHIVE, name)], **options))


@pytest.mark.parametrize("name,encoding,start", [
    ("pension_report_utf8.txt", "utf-8", "青禾县公安局关于打击整治养老诈骗"),
    ("telecom_warning_bom.md", "utf-8-sig", "【反诈提醒】近期冒充电商客服"),
    ("fundraising_gb18030.txt", "gb18030", "远山市处非办提醒"),
    ("tourism_big5.txt", "big5", "旅遊局提醒：所謂「零團費」"),
    ("english_utf16.txt", "utf-16", "Police in Harbor County warned seniors"),
])
def test_text_files_decode_with_their_encoding(name, encoding, start):
    [doc] = read(name)
    assert doc.error is None
    assert doc.text.startswith(start)
    assert doc.meta["encoding"] == encoding
    assert doc.warnings == []


@pytest.mark.parametrize("text,encoding", [
    ("养老诈骗", "gbk"), ("防范非法集资宣传月", "gb2312"), ("長者詐騙", "big5"),
    ("旅行團強迫購物", "big5"), ("电信网络诈骗", "gb18030"), ("零团费", "gb18030"),
])
def test_short_legacy_texts_are_told_apart(text, encoding):
    decoded = decode(text.encode(encoding), "sample")
    assert decoded.text == text
    assert decoded.encoding in ({"gb18030"} if encoding != "big5" else {"big5"})


def test_truncated_utf8_keeps_text_and_warns():
    [doc] = read("truncated_utf8.txt")
    assert doc.error is None
    assert doc.text.endswith("\ufffd")
    assert "truncated" in doc.warnings[0] and "truncated_utf8.txt" in doc.warnings[0]


@pytest.mark.parametrize("name,needle", [
    ("empty.txt", "empty file"),
    ("image.bin.txt", "binary data"),
    ("notes.xyz", "unsupported file type '.xyz'"),
    ("broken.docx", "not a readable .docx"),
    ("scanned.pdf", "no text layer"),
    ("no_text_column.tsv", "no 'text' column (columns: id, body)"),
])
def test_bad_files_become_one_error_record_naming_the_file(name, needle):
    [doc] = read(name)
    assert doc.error is not None
    assert name in doc.error and needle in doc.error
    assert doc.to_record() == {"id": doc.id, "source": doc.source, "error": doc.error}


def test_jsonl_reports_the_physical_line_of_a_bad_record():
    docs = read("posts.jsonl")
    assert [d.id for d in docs] == ["post-1", docs[1].id, "post-3"]
    assert docs[1].error.startswith(docs[1].source + ":2: invalid JSON")
    assert docs[2].meta["line"] == 4  # the blank line 3 still counts
    assert docs[0].meta == {"channel": "weibo", "line": 1, "encoding": "utf-8"}


def test_json_array_and_missing_field():
    item1, item2 = read("items.json")
    assert item1.id == "item-1" and item1.meta["year"] == 2024
    assert "the 'text' field is missing (fields: body, id)" in item2.error
    assert "--text-field" in item2.error


def test_text_field_option_reads_another_column():
    [doc] = read("no_text_column.tsv", text_field="body")
    assert (doc.id, doc.text) == ("row-1", "内容")


def test_csv_in_gb18030():
    docs = read("reports.csv")
    assert [d.id for d in docs] == ["csv-1", "csv-2"]
    assert docs[1].text.startswith("市文化和旅游局开展不合理低价游")
    assert docs[0].meta == {"region": "远山", "line": 2, "encoding": "gb18030"}


def test_html_keeps_visible_text_only():
    [doc] = read("tourism_page.html")
    assert "不要读我" not in doc.text and "color" not in doc.text
    assert doc.text.startswith("提醒\n市文化和旅游局")
    assert doc.meta["title"] == "低价游提醒"


def test_docx_paragraphs_and_tables():
    [doc] = read("community_brief.docx")
    assert doc.text.splitlines()[0] == "城东社区防范养老诈骗工作简报"
    assert doc.text.splitlines()[-1] == "防骗讲座\t12场"


def test_pdf_text_layer():
    [doc] = read("tourism_notice.pdf")
    assert "".join(doc.text.split()).startswith("市文化和旅游局开展不合理低价游专项整治")
    assert doc.meta["pages"] == 1


def test_compilation_splits_only_when_asked():
    assert len(read("compilation.txt")) == 1
    parts = read("compilation.txt", split=True)
    assert [d.id.rsplit("/", 1)[-1] for d in parts] == [
        "compilation.txt#1", "compilation.txt#2", "compilation.txt#3"]
    assert parts[1].text.startswith("2. 西岭镇打击非法集资工作报告")
    assert parts[2].meta["parts"] == 3


def test_section_headings_of_one_report_do_not_split_it():
    report = "一、主要做法\n走访老人。\n二、工作成效\n效果明显。\n三、下一步打算\n继续宣传。"
    assert split_reports(report) == []
    assert len(split_reports("第一篇 甲\n内容\n第二篇 乙\n内容")) == 2


def test_stdin_mixes_jsonl_and_plain_lines():
    stream = io.BytesIO("{\"id\": \"a\", \"text\": \"刷单返利是诈骗\"}\n\n一条普通的微博\n{bad\n"
                        .encode())
    docs = list(read_documents(["-"], stdin=stream))
    assert [(d.id, d.text) for d in docs[:2]] == [("a", "刷单返利是诈骗"), ("stdin:3", "一条普通的微博")]
    assert docs[2].error.startswith("stdin:4: invalid JSON")


def test_missing_path_and_empty_glob_are_errors(tmp_path):
    docs = list(read_documents([str(tmp_path / "nope.txt"), str(tmp_path / "*.docx")]))
    assert len(docs) == 2 and all("no such file" in d.error for d in docs)


def test_directory_order_is_sorted_and_recursive(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("乙", encoding="utf-8")
    (tmp_path / "a.txt").write_text("甲", encoding="utf-8")
    docs = list(read_documents([str(tmp_path)]))
    name = tmp_path.name
    assert [d.id for d in docs] == [f"{name}/a.txt", f"{name}/b/z.txt"]


def test_binary_with_nul_is_refused():
    with pytest.raises(InputError, match="NUL bytes"):
        decode(b"\x00\x01\x02" * 10, "blob")


@pytest.mark.parametrize("data", [bytes(range(1, 256)) * 10,  # every byte but NUL
                                  b"\x89PNG\r\n\x1a\n\x02\x11\x08\x06\x1f\x15\xc4\x89" * 50])
def test_binary_without_nul_is_not_silently_garbled(data):
    assert b"\x00" not in data
    with pytest.raises(InputError, match="control bytes"):
        decode(data, "blob")


def test_text_with_a_few_control_characters_is_still_text():
    text = "第一段\f第二段\x1b[0m 提示\x07：" + "防范电信网络诈骗。" * 20
    assert decode(text.encode("utf-8"), "t").text == text


def test_binary_file_record_says_what_to_do():
    record = json.loads(json.dumps(read("image.bin.txt")[0].to_record()))
    assert "convert it" in record["error"]


@pytest.mark.parametrize("depth,error", [(50_000, True), (400, False)])
def test_a_page_nested_too_deep_is_an_error_record_not_a_hang(tmp_path, depth, error):
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * depth + "防范电信网络诈骗宣传" + "</div>" * depth
                    + "<br><img src=x></body></html>", encoding="utf-8")
    [doc] = read_documents([str(page)])
    if error:
        assert doc.error == (f"{page}: elements nested {depth + 2} deep (at most 500 are read): "
                             "not a page a browser shows; save the page's text as .txt")
    else:
        assert doc.error is None and "防范电信网络诈骗宣传" in doc.text
