"""The Spark engine reads the formats it supports and names every other file in one error row
(local mode; skips without pyspark or Java)."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("the Spark engine needs Java", allow_module_level=True)


def test_mixed_folder_gives_records_and_one_error_per_unsupported_file(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "posts.jsonl").write_text(
        json.dumps({"id": "p1", "text": "发放宣传资料800余份，提醒老人谨防保健品骗局。"},
                   ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "note.txt").write_text("冒充客服要求下载会议软件共享屏幕的都是诈骗。", encoding="utf-8")
    for name, data in [("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
                       ("brief.docx", b"PK\x03\x04" + bytes(200)), ("page.html", b"<p>x</p>")]:
        (folder / name).write_bytes(data)
    (folder / "_SUCCESS").write_bytes(b"")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), "--engine",
                             "spark", "--master", "local[1]", str(folder), "-o", str(out),
                             "--format", "jsonl"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": ROOT})
    assert result.returncode == 3, result.stderr[-2000:]
    records = [json.loads(line) for name in sorted(os.listdir(out)) if name.endswith(".json")
               for line in (out / name).read_text(encoding="utf-8").splitlines()]
    errors = sorted(os.path.basename(r["id"]) for r in records if r.get("error"))
    assert errors == ["brief.docx", "page.html", "scan.png"]
    for record in records:
        if record.get("error"):
            assert "the Spark engine reads" in record["error"]
            assert "without --engine spark" in record["error"]
    ok = {r["id"] for r in records if not r.get("error")}
    assert "p1" in ok and any(i.endswith("note.txt") for i in ok) and len(records) == 5
