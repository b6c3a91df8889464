"""The batch summary and the self-contained HTML report (rendered in Chromium when present)."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ARCHIVE, ROOT


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    summary, html = folder / "summary.json", folder / "report.html"
    result = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), ARCHIVE,
                             os.path.join(ROOT, "examples"), "-o", str(folder / "out.jsonl"),
                             "--summary", str(summary), "--report", str(html), "-q"],
                            capture_output=True, text=True)
    assert result.returncode == 3, result.stderr
    lines = (folder / "out.jsonl").read_text(encoding="utf-8").splitlines()
    return json.loads(summary.read_text(encoding="utf-8")), html, len(lines)


def test_summary_counts_documents_labels_and_measures(report):
    summary, _, records = report
    assert summary["documents"] == records
    assert summary["errors"] == 8
    assert summary["labels"]["pension"] >= 2
    totals = {(t["type"], t["object"], t["unit"]): t for t in summary["measure_totals"]}
    assert totals[("publicity", "宣传资料", "份")]["total"] >= 8600
    assert set(summary["co_occurrence"]) == {"fundraising", "low_price_tourism", "pension",
                                             "telecom"}


def test_report_is_self_contained_html(report):
    _, html, _ = report
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<svg" in page
    assert "src=" not in page and "<link" not in page  # nothing to fetch: opens offline
    assert "Documents per label" in page and "Top documents: pension" in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium is not installed")
def test_report_renders_its_charts_in_headless_chromium(report, tmp_path):
    _, html, _ = report
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", html.as_uri()],
        capture_output=True, text=True, timeout=120)
    dom = result.stdout
    assert dom.count("<svg") >= 3 and dom.count("<rect") >= 5
    assert "Label co-occurrence" in dom


def test_rates_get_a_mean_not_a_total():
    from pipeline.output.report import Summary, render_html

    summary = Summary(["pension"])
    for i, rate in enumerate((96, 90)):
        summary.add({"id": str(i), "source": "s", "lang": "zh", "labels": [],
                     "scores": {"pension": 0.1},
                     "measures": [{"type": "publicity", "object": "知晓率", "unit": "%",
                                   "count": rate, "text": f"知晓率达{rate}%"}]})
    data = summary.to_dict()
    row = data["measure_totals"][0]
    assert row["total"] is None and row["mean"] == 93
    assert "mean 93.0" in render_html(data)
