"""Repost clusters from the command line: batch --clusters (1 and 2 workers) and --stream."""

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

POSTS = ["【XX银行】您的账户存在异常，请于{n}小时内点击 http://k{n}.xyz/v 完成验证，逾期冻结。",
         "【市反诈中心】提醒：冒充客服退款的都是诈骗，请勿点击陌生链接，如有疑问拨打96110。",
         "今晚七点小区门口见，记得带伞"]


@pytest.fixture(scope="module")
def posts(tmp_path_factory):
    path = tmp_path_factory.mktemp("posts") / "posts.jsonl"
    lines = [json.dumps({"id": f"p{n}", "text": POSTS[n % 3].format(n=n)}, ensure_ascii=False)
             for n in range(150)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _classify(*args, stdin=None):
    result = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), *args],
                            input=stdin, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_clusters_and_summary(posts, tmp_path, jobs):
    out, summary, report = (tmp_path / name for name in ("out.jsonl", "s.json", "r.html"))
    _classify(str(posts), "--clusters", "-o", str(out), "--summary", str(summary), "-q",
              "-j", jobs, "--batch-size", "16", "--report", str(report))
    page = report.read_text(encoding="utf-8")
    assert "<h2>Largest repost clusters</h2>" in page
    assert "<td>50</td><td>p0</td><td>p147</td><td>telecom 50</td><td>scam</td>" in page
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["cluster_size"] for r in records[:6]] == [1, 1, 1, 2, 2, 2]
    assert len({r["cluster"] for r in records}) == 3 and records[-1]["cluster_size"] == 50
    top = json.loads(summary.read_text(encoding="utf-8"))["clusters"]
    assert [(c["size"], c["first_seen"], c["last_seen"]) for c in top] == \
        [(50, "p0", "p147"), (50, "p1", "p148"), (50, "p2", "p149")]
    assert top[0]["text"].startswith("【XX银行】") and top[0]["kind"] == "scam"


def test_batch_without_clusters_adds_none(posts, tmp_path):
    out = tmp_path / "out.jsonl"
    _classify(str(posts), "-o", str(out), "-q", "-j", "1")
    assert not any("cluster" in json.loads(line) for line in out.read_text().splitlines())


def test_stream_gives_clusters_and_alerts(posts):
    stdout = _classify("--stream", "--alert", "telecom:0.8",
                       stdin=posts.read_text(encoding="utf-8")).stdout
    records = [json.loads(line) for line in stdout.splitlines()]
    alerts = [(r["id"], r["alert"]["reason"]) for r in records if "alert" in r]
    scam, warning = records[0]["cluster"], records[1]["cluster"]
    assert ("p0", "new") in alerts and ("p27", "grew to 10") in alerts
    assert all(r["cluster"] in (scam, warning) for r in records if "alert" in r)
    assert len(alerts) == len(set(alerts))


def test_csv_and_parquet_carry_kind_and_cluster(posts, tmp_path):
    import csv

    import pyarrow.parquet as pq

    _classify(str(posts), "--clusters", "-o", str(tmp_path / "out.csv"), "-q", "-j", "1")
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["kind"], r["cluster_size"]) for r in rows[:4]] == \
        [("scam", "1"), ("warning", "1"), ("other", "1"), ("scam", "2")]
    assert rows[3]["cluster"] == rows[0]["cluster"]
    _classify(str(posts), "--clusters", "-o", str(tmp_path / "out.parquet"), "-q", "-j", "1")
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [(r["kind"], r["cluster_size"]) for r in table[:4]] == \
        [("scam", 1), ("warning", 1), ("other", 1), ("scam", 2)]
    assert [k for k, _ in table[0]["kind_scores"]] == ["scam", "warning", "news", "report", "other"]
