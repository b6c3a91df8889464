"""Nothing a file holds stops the run: each hostile input becomes one record (issue 17)."""

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
import zipfile

import pytest
from conftest import ARCHIVE, ROOT

from pipeline.document import Document
from pipeline.ingest import readers
from pipeline.ingest.readers import read_documents, read_stream
from pipeline.output.writers import dumps, read_output

TEXT = "冒充客服退款诈骗，请勿点击陌生链接。"


def read(*paths, **options):
    return list(read_documents([str(p) for p in paths], **options))


def written(doc):
    """The document's output line, decoded as strict UTF-8 (what a reader of the file sees)."""
    return json.loads(dumps(doc.to_record()).decode("utf-8"))


def bad_docx(path):
    with zipfile.ZipFile(os.path.join(ARCHIVE, "community_brief.docx")) as seed, \
            zipfile.ZipFile(path, "w") as copy:
        for info in seed.infolist():
            data = seed.read(info.filename)
            copy.writestr(info, data[:len(data) // 2] if info.filename == "word/document.xml"
                          else data)


@pytest.mark.parametrize("name,content,needle", [
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("deep_object.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    ("broken_xml.docx", None, "not a readable .docx"),
])
def test_a_file_that_raises_is_its_error_record_and_the_next_file_is_read(tmp_path, name,
                                                                          content, needle):
    bad, good = tmp_path / name, tmp_path / "z_good.txt"
    if content is None:
        bad_docx(bad)
    else:
        bad.write_bytes(content)
    good.write_text(TEXT, encoding="utf-8")
    first, second = read(tmp_path)
    assert name in first.error and needle in first.error
    assert second.error is None and second.text == TEXT


@pytest.mark.parametrize("exception", [ValueError("bad xref"), NotImplementedError("filter"),
                                       KeyError("/Root"), MemoryError(), AssertionError()])
def test_any_exception_a_reader_raises_becomes_an_error_record_saying_what_to_do(
        tmp_path, monkeypatch, exception):
    def explode(path, shown, options):
        yield Document(shown, shown, "first part")
        raise exception

    monkeypatch.setitem(readers.READERS, ".pdf", explode)
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    docs = read(tmp_path)
    assert [d.error is None for d in docs] == [True, False, True]
    assert docs[1].error.startswith(f"{tmp_path.name}/a.pdf: could not be read "
                                    f"({type(exception).__name__}")
    assert "leave it out" in docs[1].error


def test_a_deeply_nested_jsonl_line_is_an_error_for_that_line_only(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b'}\n{"id": "ok", "text": "'
                     + TEXT.encode() + b'"}\n')
    bad, good = read(path)
    assert bad.error.startswith(f"{path}:1: JSON nested too deeply")
    assert (good.id, good.text) == ("ok", TEXT)


def test_lone_surrogates_are_written_as_replacement_characters_with_a_warning(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "a\\ud800", "text": "诈骗\\udfff提醒", "\\udc80": "x\\ud83d"}\n',
                    encoding="utf-8")
    [doc] = read(path)
    assert (doc.id, doc.text) == ("a\ufffd", "诈骗\ufffd提醒")  # same length: offsets hold
    assert doc.meta["\ufffd"] == "x\ufffd"
    assert "lone surrogates" in doc.warnings[0] and "id, text, meta" in doc.warnings[0]
    assert written(doc)["id"] == "a\ufffd"


def test_the_writer_never_fails_on_a_surrogate_whatever_made_the_record():
    from pipeline.engine.workers import encode

    record = Document("x\ud800", "api", "t").to_record()  # a library user's own Document
    line = json.loads(dumps(record).decode("utf-8"))
    assert line["id"] == "x\ufffd" and "U+FFFD" in line["warnings"][-1]
    error = Document.failed("e\udcff", "api", "bad \udcff").to_record()
    assert json.loads(dumps(error))["error"] == "bad \ufffd"
    [(encoded, failed, *_)] = encode([Document("\udcff", "api", "t")])
    assert json.loads(encoded)["id"] == "\ufffd" and not failed


def test_a_file_name_that_is_not_utf8_is_read_and_written(tmp_path):
    name = os.fsencode(tmp_path) + b"/report_\xff.txt"
    with open(name, "wb") as f:
        f.write(TEXT.encode())
    [doc] = read(tmp_path)
    assert doc.error is None and doc.text == TEXT
    assert written(doc)["source"] == f"{tmp_path.name}/report_\ufffd.txt"


def test_a_fifo_is_skipped_with_an_error_record_not_waited_on(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "z.txt").write_text(TEXT, encoding="utf-8")
    done = threading.Event()

    def rescue():  # a reader blocked in open() is released by a writer that closes at once
        while not done.wait(0.1):
            with contextlib.suppress(OSError):  # OSError: no reader waiting, nothing to release
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    threading.Thread(target=rescue, daemon=True).start()
    try:
        pipe, text = read(tmp_path)
    finally:
        done.set()
    assert pipe.error == (f"{tmp_path.name}/pipe.txt: a FIFO (named pipe), not a regular file; "
                          "fraudtag reads regular files only: leave it out or copy its content "
                          "to a file")
    assert text.text == TEXT


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_a_symlink_to_a_device_is_an_error_record(tmp_path, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    os.symlink(device, tmp_path / "dev.txt")
    # in a process of its own, with 2 GB of address space and a minute: a reader that does
    # open the device fails there, not in this process or the machine
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)); "
            "from pipeline.ingest.readers import read_documents; "
            "[doc] = read_documents([sys.argv[1]]); print(doc.error)")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-500:]
    assert "a character device, not a regular file" in result.stdout


def test_a_file_over_the_size_limit_is_an_error_record(tmp_path, monkeypatch):
    monkeypatch.setenv("FRAUDTAG_MAX_FILE_BYTES", "1000")
    (tmp_path / "big.jsonl").write_text(json.dumps({"text": "x" * 2000}), encoding="utf-8")
    (tmp_path / "small.txt").write_text(TEXT, encoding="utf-8")
    big, small = read(tmp_path)
    assert big.error.endswith("over the limit of 1,000 for one file; split it, or raise "
                              "FRAUDTAG_MAX_FILE_BYTES")
    assert small.text == TEXT


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])  # str.splitlines's
# other breaks (\x1c, \x0b, \r, ...) are control characters, which JSON strings escape
def test_jsonl_splits_lines_at_newlines_only(tmp_path, separator):
    text = f"第一句{separator}第二句"
    path = tmp_path / "posts.jsonl"
    path.write_bytes(json.dumps({"id": f"a{separator}", "text": text}, ensure_ascii=False)
                     .encode() + b"\r\n" + json.dumps({"id": "b", "text": TEXT}).encode())
    first, second = read(path)
    assert (first.id, first.text, first.error) == (f"a{separator}", text, None)
    assert (second.id, second.meta["line"]) == ("b", 2)
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"".join(dumps(d.to_record()) + b"\n" for d in (first, second)))
    # --resume reads it back
    assert [r["id"] for r in read_output(str(out), "jsonl", [])] == [f"a{separator}", "b"]


def test_a_csv_cell_longer_than_131072_characters_is_read_and_so_is_the_rest(tmp_path):
    long = "甲" * 140_000
    path = tmp_path / "posts.csv"
    path.write_text(f"id,text\nlong,{long}\nnext,{TEXT}\n", encoding="utf-8")
    first, second = read(path)
    assert (first.id, first.text) == ("long", long)
    assert (second.id, second.text, second.meta["line"]) == ("next", TEXT, 3)


def test_recursive_glob_reads_each_file_once_through_a_symlink_loop(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.makedirs("examples/sub")
    for name in ("examples/a.txt", "examples/sub/b.md"):
        with open(name, "w", encoding="utf-8") as f:
            f.write(TEXT)
    os.symlink(".", "examples/loop")  # examples/loop/loop/... to the limit of path length
    os.symlink("a.txt", "examples/same.txt")  # a second name for one file
    expected = ["examples/a.txt", "examples/sub/b.md"]
    assert [d.id for d in read("examples/**")] == expected
    assert [d.id for d in read("examples/**/*.md")] == ["examples/sub/b.md"]
    assert [d.id for d in read("examples/*.txt", "examples/a.txt")] == ["examples/a.txt"]


def test_symlinked_folders_are_not_entered_and_one_leading_out_is_reported(tmp_path,
                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.makedirs("archive/sub")
    os.makedirs("elsewhere")
    for name in ("archive/a.txt", "archive/sub/b.md", "elsewhere/c.txt"):
        with open(name, "w", encoding="utf-8") as f:
            f.write(TEXT)
    os.symlink(".", "archive/loop")
    os.symlink("..", "archive/sub/up")  # with the loop above: 2^depth paths for glob.glob
    os.symlink("../elsewhere", "archive/linked")
    os.symlink("/", "archive/sub/root")  # followed, the run would read the whole disk
    docs = read("archive")
    assert [d.id for d in docs] == ["archive/a.txt", "archive/linked", "archive/sub/b.md",
                                    "archive/sub/root"]
    assert docs[1].error == (
        f"archive/linked: a symlink to a folder outside the input folder "
        f"({os.path.realpath('elsewhere')}), not followed so that no link can take the run "
        "elsewhere on the disk: give that folder as an input to read it")
    assert docs[3].error.startswith("archive/sub/root: a symlink to a folder outside the input "
                                    "folder (/)")
    assert [d.id for d in read("archive/**/*.txt", "archive/**/*.md")] == [
        "archive/a.txt", "archive/sub/b.md"]


def test_recursive_glob_still_matches_like_glob_without_symlinks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.makedirs("d/x/y")
    for name in ("d/1.txt", "d/x/2.txt", "d/x/y/3.md", "d/x/.hidden.txt"):
        with open(name, "w", encoding="utf-8") as f:
            f.write(TEXT)
    import glob

    for pattern in ("d/**/*.txt", "d/x/**/*", "**/*.md", "d/*/**/3.md", "d/**/.hidden.txt"):
        files = sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
        assert sorted(d.id for d in read(pattern)) == files, pattern


def test_a_stream_goes_on_past_lines_that_cannot_be_read():
    lines = [b'{"id": "deep", "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
             b"\x00\x01\x02 binary", b'{"id": "s\\ud800", "text": "' + TEXT.encode() + b'"}',
             "一条\u2028普通的微博".encode(), b'{"id": "ok", "text": "' + TEXT.encode() + b'"}']
    docs = list(read_stream(io.BytesIO(b"\n".join(lines) + b"\n"), "stdin",
                            readers.ReadOptions()))
    assert [d.id for d in docs] == ["stdin:1", "stdin:2", "s\ufffd", "stdin:4", "ok"]
    assert docs[0].error.startswith("stdin:1: JSON nested too deeply")
    assert docs[1].error.startswith("stdin:2") and "binary" in docs[1].error
    assert docs[3].text == "一条\u2028普通的微博"


def test_a_stream_line_over_the_size_limit_is_an_error_and_the_next_line_is_read(monkeypatch):
    monkeypatch.setenv("FRAUDTAG_MAX_FILE_BYTES", "100")
    stream = io.BytesIO(b"x" * 1000 + b"\n" + TEXT.encode() + b"\n")
    long, short = read_stream(stream, "stdin", readers.ReadOptions())
    assert long.error.startswith("stdin:1: a line longer than 100 bytes")
    assert (short.id, short.text) == ("stdin:2", TEXT)


class Fussy:
    """A pipeline that fails on any batch holding the text "boom"."""

    def run(self, docs):
        if any(d.text == "boom" for d in docs):
            raise RuntimeError("boom")
        for d in docs:
            d.labels, d.scores = [], {}
        return list(docs)


def test_a_document_that_breaks_the_pipeline_costs_only_its_own_record():
    from pipeline.engine.workers import run_guarded

    docs = [Document("a", "s", "fine"), Document("b", "s", "boom"), Document("c", "s", "fine")]
    done = run_guarded(Fussy(), docs)
    assert [d.id for d in done] == ["a", "b", "c"]
    assert [d.error is None for d in done] == [True, False, True]
    assert done[1].error.startswith("s: could not be analysed (RuntimeError: boom)")



def test_resume_reads_a_csv_output_whose_measures_cell_passes_131072_characters(tmp_path):
    import csv

    from pipeline.output.writers import _flat

    csv.field_size_limit(131_072)  # the default: reading a CSV input may have raised it
    out = tmp_path / "out.csv"
    measures = json.dumps([{"text": "发放宣传资料1500余份"}] * 10_000, ensure_ascii=False)
    columns = list(_flat({"id": "", "source": ""}, []))  # what a run without labels writes
    cells = {"big": measures.replace(chr(34), chr(34) * 2), "next": "[]"}
    lines = [",".join(columns)] + [
        ",".join(i if c == "id" else "a.csv" if c == "source" else
                 f'"{cells[i]}"' if c == "measures_json" else "" for c in columns)
        for i in ("big", "next")]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert len(measures) > 131_072
    assert [r["id"] for r in read_output(str(out), "csv", [])] == ["big", "next"]


def test_the_progress_bar_counts_regular_files_and_passes_over_the_rest(tmp_path):
    from pipeline.app.progress import Progress

    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    os.symlink(tmp_path / "nowhere", tmp_path / "gone.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    progress = Progress([str(tmp_path)], enabled=True)
    try:
        assert progress.bar.total == len(TEXT.encode())
    finally:
        progress.close()


@pytest.mark.parametrize("depth", [150, 900])
def test_a_record_nested_past_the_depth_limit_is_an_error_and_the_file_goes_on(tmp_path, depth):
    deep = "[" * depth + "]" * depth
    lines = tmp_path / "posts.jsonl"
    lines.write_text(f'{{"text": "{TEXT}", "m": {deep}}}\n{{"id": "ok", "text": "{TEXT}"}}\n',
                     encoding="utf-8")
    array = tmp_path / "items.json"
    array.write_text(f'[{{"text": "{TEXT}", "m": {deep}}}, {{"id": "ok2", "text": "{TEXT}"}}]',
                     encoding="utf-8")
    bad, good, bad2, good2 = read(lines, array)
    assert "nest" in bad.error and bad.error.startswith(f"{lines}:1: ")
    assert bad2.error.startswith(f"{array}[0]: the record nests more than 100 levels")
    assert (good.id, good2.id) == ("ok", "ok2")
    for doc in (bad, good, bad2, good2):
        written(doc)


@pytest.mark.parametrize("name,content", [("a.jsonl", b""), ("b.jsonl", b"\n \n\r\n"),
                                          ("c.json", b"[]"), ("d.csv", b"id,text\n")])
def test_a_structured_file_with_no_records_is_one_error_record(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    [doc] = read(tmp_path / name)
    assert doc.error == (f"{tmp_path / name}: no records in the file (empty, blank lines, an "
                         "empty array or a header only); nothing to classify")
