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


def _summary_of(records, labels=("pension", "telecom"), run=None):
    from pipeline.output.report import Summary

    summary = Summary(list(labels), run)
    for record in records:
        summary.add(record)
    return summary.to_dict()


def _record(id, measures=(), labels=()):
    return {"id": id, "source": "s", "lang": "zh", "labels": list(labels),
            "scores": {"pension": 0.9, "telecom": 0.1}, "measures": list(measures)}


def test_embedded_json_cannot_end_or_bend_its_script_element():
    from pipeline.output.report import render_html

    hostile = "<!--<script></script>&\u2028\u2029"
    data = _summary_of([{"id": hostile, "source": "s", "error": hostile}])
    page = render_html(data)
    start = page.index("<script type='application/json' id='summary'>") + len(
        "<script type='application/json' id='summary'>")
    content = page[start:page.index("</script>", start)]  # where an HTML parser ends it
    assert not set(content) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(content) == data
    assert page.endswith("</script></body></html>")


def test_groups_whose_counts_are_all_unknown_have_no_total():
    from pipeline.output.report import render_html

    redacted = {"type": "enforcement", "object": "犯罪嫌疑人", "unit": "名", "count": None,
                "text": "抓获犯罪嫌疑人XX名"}
    data = _summary_of([_record("a", [redacted]), _record("b", [redacted])])
    row = data["measure_totals"][0]
    assert row["total"] is None and row["measures"] == 2
    assert "<td>犯罪嫌疑人</td><td>名</td><td>—</td><td>2</td>" in render_html(data)


def test_measures_naming_nothing_are_not_the_top_bar():
    from pipeline.output.report import render_html

    noise = {"type": "other", "object": None, "unit": None, "count": None, "text": "XX"}
    named = {"type": "publicity", "object": "横幅", "unit": "条", "count": 3, "text": "横幅3条"}
    data = _summary_of([_record(str(i), [noise] * 5 + [named]) for i in range(3)])
    page = render_html(data)
    chart = page[page.index("<h2>Measures reported"):]
    chart = chart[:chart.index("</svg>")]
    assert "other · — · —" not in chart and "publicity · 横幅 · 条" in chart
    assert "15 measures name neither an object nor a unit" in page


def test_chart_labels_fit_their_column():
    import re

    from pipeline.output.report import _bars, _text_width

    long = "enforcement · 涉嫌组织领导传销活动的犯罪嫌疑人及其关联账户 · 个"
    svg = _bars("t", [(long, 3), ("short", 1)])
    for x, text in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="end">([^<]*)</text>',
                              svg):
        assert _text_width(text) <= float(x)  # right-aligned at x: starts at or after 0
    assert f"<title>{long}: 3</title>" in svg


def test_report_names_its_run_and_has_a_cjk_font_stack():
    from pipeline.output.report import render_html

    run = {"date": "2026-12-07T10:00:00+00:00", "version": "0.1.0", "inputs": ["archive/"],
           "model": {"path": "models/default", "created": "2026-12-01T00:00:00+00:00",
                     "sha256": "a62c1207cdabd7ed"}}
    page = render_html(_summary_of([_record("a")], run=run))
    assert "Run 2026-12-07T10:00:00+00:00" in page and "inputs: archive/" in page
    assert "model models/default (created 2026-12-01T00:00:00+00:00, sha256 a62c1207cdab" in page
    for font in ("Noto Sans CJK SC", "WenQuanYi", "Microsoft YaHei", "PingFang SC"):
        assert font in page


def test_the_cli_report_records_model_and_inputs(report):
    summary, _, _ = report
    run = summary["run"]
    assert run["inputs"] == [ARCHIVE, os.path.join(ROOT, "examples")]
    assert run["model"]["sha256"] and run["model"]["created"] and run["date"]


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig is not installed")
def test_the_font_stack_reaches_an_installed_cjk_font():
    """A bare Chromium draws hanzi as boxes unless the page names a CJK font it has."""
    from pipeline.output.report import FONTS

    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    families = {name.strip() for line in listed.stdout.splitlines() for name in line.split(",")}
    if not families:
        pytest.skip("no Chinese font installed (apt-get install fonts-noto-cjk)")
    assert any(f'"{family}"' in FONTS for family in families), sorted(families)
