"""The HTML report shows, per document, the cue spans that earned each label (issue 13)."""

import json
import os
import subprocess
import sys

from conftest import ROOT

from pipeline.output.report import Summary, label_evidence, render_html

TEXTS = [
    {"id": "call-1", "text": "【反诈提醒】近期有人冒充客服来电，称您的网购订单异常，要求下载会议软件"
                             "共享屏幕办理退款。凡是要求共享屏幕的“客服”都是诈骗，请拨打96110咨询。"},
    {"id": "tour-1", "text": "“299元云南六日游”行程里天天进购物店，导游要求每人消费满三千元，"
                             "游客投诉后旅游部门已约谈该旅行社。"},
    {"id": "chat-1", "text": "明天见"},
]


def _record(id_, labels, evidence):
    return {"id": id_, "source": "s.jsonl", "lang": "zh", "labels": labels,
            "scores": {label: 0.9 for label in labels}, "measures": [], "warnings": [],
            "evidence": evidence}


def test_the_report_marks_each_labels_cues_in_their_words():
    summary = Summary(["telecom", "pension"])
    summary.add(_record("d1", ["telecom"], {"telecom": [
        {"text": "冒充客服", "start": 5, "end": 9, "before": "近期有人", "after": "来电"}]}))
    summary.add(_record("d2", [], {}))
    summary.add(_record("d3", ["pension", "telecom"], {
        "pension": [{"text": "<老人>", "start": 0, "end": 4, "before": "", "after": "手机"}],
        "telecom": []}))
    data = summary.to_dict()
    assert [d["id"] for d in data["label_evidence"]] == ["d1", "d3"]  # labelled documents only
    assert data["top_documents"]["telecom"][0]["cues"][0]["text"] == "冒充客服"
    page = render_html(data)
    assert "Label evidence per document" in page
    assert "…近期有人<mark>冒充客服</mark>来电…" in page
    assert "<mark>&lt;老人&gt;</mark>手机" in page  # cue text is escaped, never markup
    assert "<老人>" not in page.split("<script")[0]


def test_label_evidence_falls_back_to_the_explanation_and_to_nothing():
    explained = {"labels": ["telecom"], "explanation": {"telecom": {"evidence": [
        {"text": "短信", "start": 0, "end": 2}]}}}
    assert label_evidence(explained, "telecom") == [{"text": "短信", "before": "", "after": ""}]
    assert label_evidence({"labels": ["telecom"]}, "telecom") == []


def test_the_cli_report_shows_the_evidence_of_every_labelled_document(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in TEXTS),
                      encoding="utf-8")
    out, page = tmp_path / "out.jsonl", tmp_path / "report.html"
    result = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), str(source),
                             "-o", str(out), "--report", str(page), "-q"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    texts = {t["id"]: t["text"] for t in TEXTS}
    assert "telecom" in records["call-1"]["labels"]
    assert "low_price_tourism" in records["tour-1"]["labels"]
    assert records["chat-1"]["labels"] == [] and records["chat-1"]["evidence"] == {}
    html = page.read_text(encoding="utf-8")
    for id_, record in records.items():
        for label in record["labels"]:
            spans = record["evidence"][label]
            assert spans, (id_, label)  # a label is emitted only with evidence
            for span in spans:
                assert texts[id_][span["start"]:span["end"]] == span["text"]
                assert f"<mark>{span['text']}</mark>" in html
    assert "Label evidence per document (the first 2 labelled)" in html
