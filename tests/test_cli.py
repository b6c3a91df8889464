"""classify.py as a user runs it: the fixture archive, a 20 MB file, exit codes, output shape."""

import csv
import io
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ARCHIVE, ROOT, fresh_python

CLASSIFY = os.path.join(ROOT, "classify.py")
BAD = {"empty.txt": "empty file", "image.bin.txt": "binary data", "notes.xyz": "unsupported",
       "broken.docx": "not a readable .docx", "scanned.pdf": "OCR",
       "no_text_column.tsv": "--text-field"}


def run(*args, stdin=None):
    return subprocess.run([sys.executable, CLASSIFY, *args], capture_output=True, text=True,
                          input=stdin)


@pytest.fixture(scope="module")
def archive_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("archive")
    shutil.copytree(ARCHIVE, folder / "archive")
    big = folder / "archive" / "big_report.txt"
    paragraph = ("今年以来，全县开展防范养老诈骗宣传，共发放宣传资料1500余份，悬挂横幅36条，"
                 "举办讲座12场。提醒老年人警惕保健品骗局和“以房养老”陷阱。\n")
    with open(big, "w", encoding="utf-8") as f:
        for _ in range(20_500_000 // len(paragraph.encode("utf-8")) + 1):
            f.write(paragraph)
    assert big.stat().st_size >= 20_000_000
    out = folder / "out.jsonl"
    peak = folder / "peak_kb.txt"
    # GNU time, a small process, reports the largest of classify.py and its workers; measured
    # from this (large) test process, the figure would include the memory copied at fork
    timer = ["/usr/bin/time", "-f", "%M", "-o", str(peak)] if os.path.exists("/usr/bin/time") else []
    result = subprocess.run([*timer, sys.executable, CLASSIFY, str(folder / "archive"), "-o",
                             str(out), "--split-reports"], capture_output=True, text=True)
    peak_kb = int(peak.read_text().split()[-1]) if timer else None
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return result, records, peak_kb


def test_archive_exits_3_with_one_record_per_document(archive_run):
    result, records, _ = archive_run
    assert result.returncode == 3, result.stderr
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    expected_ok = {"archive/pension_report_utf8.txt", "archive/telecom_warning_bom.md",
                   "archive/fundraising_gb18030.txt", "archive/tourism_big5.txt",
                   "archive/english_utf16.txt", "archive/truncated_utf8.txt",
                   "archive/tourism_page.html", "archive/community_brief.docx",
                   "archive/tourism_notice.pdf", "archive/big_report.txt",
                   "archive/compilation.txt#1", "archive/compilation.txt#2",
                   "archive/compilation.txt#3", "post-1", "post-3", "item-1", "csv-1", "csv-2"}
    ok = {r["id"] for r in records if "error" not in r}
    assert ok == expected_ok
    errors = {r["id"]: r["error"] for r in records if "error" in r}
    assert len(errors) == len(BAD) + 2  # plus the bad JSONL line and the JSON item
    for name, needle in BAD.items():
        assert needle in errors[f"archive/{name}"] and name in errors[f"archive/{name}"]
    assert "archive/posts.jsonl:2: invalid JSON" in errors["archive/posts.jsonl:2"]
    assert "--text-field" in errors["item-2"]
    assert f"{len(records)} documents, {len(errors)} errors" in result.stderr


def test_records_follow_the_output_contract(archive_run, shipped_model):
    _, records, _ = archive_run
    sources = {}
    for r in records:
        if "error" in r:
            assert set(r) <= {"id", "source", "error", "meta"}
            continue
        assert set(r) >= {"id", "source", "lang", "labels", "scores", "measures", "warnings"}
        assert set(r["scores"]) == set(shipped_model.labels)
        for label in r["labels"]:
            assert r["scores"][label] >= shipped_model.thresholds[label]
        sources[r["id"]] = r
    pension = sources["archive/pension_report_utf8.txt"]
    assert "pension" in pension["labels"]
    with open(os.path.join(ARCHIVE, "pension_report_utf8.txt"), encoding="utf-8") as f:
        text = f.read()
    for measure in pension["measures"]:
        assert text[measure["start"]:measure["end"]] == measure["text"]
    assert sources["archive/english_utf16.txt"]["lang"] == "en"
    assert sources["archive/truncated_utf8.txt"]["warnings"] == [
        "archive/truncated_utf8.txt: the file ends inside a UTF-8 character (truncated?); "
        "the last character was replaced with U+FFFD"]


def test_peak_memory_under_500_mb(archive_run):
    _, _, peak_kb = archive_run
    if peak_kb is None:
        pytest.skip("needs GNU time (/usr/bin/time) to measure a process tree's peak memory")
    assert peak_kb < 500 * 1024


def test_csv_output(tmp_path, shipped_model):
    out = tmp_path / "out.csv"
    result = run(os.path.join(ARCHIVE, "reports.csv"), "--format", "csv", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == ["csv-1", "csv-2"]
    assert {f"score_{label}" for label in shipped_model.labels} <= set(rows[0])
    assert "fundraising" in rows[0]["labels"].split(";")


def test_stdin_and_explain():
    result = run("-", "--explain", stdin=json.dumps(
        {"id": "p", "text": "警惕刷单返利诈骗：兼职刷单日结佣金都是骗局，转账前请拨打96110。"},
        ensure_ascii=False) + "\n")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["labels"] == ["telecom"]
    explanation = record["explanation"]["telecom"]
    text = "警惕刷单返利诈骗：兼职刷单日结佣金都是骗局，转账前请拨打96110。"
    assert [(x["text"], x["start"], x["end"]) for x in explanation["sentences"]] == \
        [(text, 0, len(text))]  # one sentence: the whole post
    assert any("刷单" in t["term"] for t in explanation["terms"])
    weights = [t["weight"] for t in explanation["terms"]]
    assert weights == sorted(weights, reverse=True) and weights[-1] > 0


def test_usage_error_is_exit_2():
    assert run("--format", "xml", "x.txt").returncode == 2


def test_unwritable_outputs_are_usage_errors_before_any_work(tmp_path):
    text = tmp_path / "one.txt"
    text.write_text("冒充客服诈骗", encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run(str(text), "-o", str(blocker / "out.jsonl"))
    assert result.returncode == 2
    assert "-o" in result.stderr and "its folder is a file" in result.stderr
    result = run(str(text), "-o", str(tmp_path / "out.jsonl"), "--report", str(tmp_path))
    assert result.returncode == 2 and "--report" in result.stderr and "is a folder" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()  # refused before reading or writing anything


def test_the_reading_process_imports_no_stage():
    """With -j N the CLI process only reads, sends and writes: it must not pay for importing the
    stages (numpy, the extraction regexes, cn2an), which the workers load for themselves."""
    printed = fresh_python(
        "import sys",
        "import pipeline.engine.workers, pipeline.app.cli, pipeline.ingest.readers, pipeline.engine.memory",
        "import pipeline.model.store, pipeline.output.writers, pipeline.app.progress",
        "heavy = {'numpy', 'cn2an', 'rjieba', 'pipeline.engine.stages', 'pipeline.extract.measures'}",
        "print(sorted(heavy & set(sys.modules)))")
    assert printed == "[]"
