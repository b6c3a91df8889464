"""A batch's summary (JSON) and a self-contained HTML report for analysts (inline SVG charts)."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter, defaultdict
from typing import Any

from pipeline.extract.measures import RATES, add_counts

_YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")
_DATE_FIELDS = ("date", "year", "published", "publish_date", "pub_date", "time", "created")
TOP = 5
EVIDENCE_DOCUMENTS = 100  # labelled documents listed with their evidence, in input order
EVIDENCE_SPANS = 5  # evidence cues shown per label and document


class Summary:
    """Counts gathered record by record, so a batch of any size needs no second pass."""

    def __init__(self, labels: list[str], run: dict[str, Any] | None = None) -> None:
        self.labels = labels
        self.run = run or {}  # when, with which model, over which inputs
        self.documents = self.errors = 0
        self.langs: Counter = Counter()
        self.label_counts: Counter = Counter()
        self.pairs: Counter = Counter()
        self.totals: dict[tuple, dict[str, Any]] = {}
        self.years: dict[str, Counter] = defaultdict(Counter)
        self.top: dict[str, list[tuple[float, dict]]] = {label: [] for label in labels}
        self.error_samples: list[dict[str, str]] = []
        self.evidence: list[dict[str, Any]] = []  # the first labelled documents' evidence

    def add(self, record: dict[str, Any]) -> None:
        self.documents += 1
        if "error" in record:
            self.errors += 1
            if len(self.error_samples) < 20:
                self.error_samples.append({"id": record["id"], "error": record["error"]})
            return
        self.langs[record.get("lang")] += 1
        labels = record.get("labels", [])
        self.label_counts.update(labels or ["(none)"])
        for a in labels:
            for b in labels:
                self.pairs[(a, b)] += 1
        for m in record.get("measures", []):
            key = (m.get("type"), m.get("object"), m.get("unit"))
            total = self.totals.setdefault(key, {"total": 0, "measures": 0, "documents": set()})
            total["measures"] += 1
            total["documents"].add(record["id"])
            if isinstance(m.get("count"), (int, float)):
                total["total"] = add_counts(total["total"], m["count"])
                total["counted"] = total.get("counted", 0) + 1
        year = _year_of(record)
        if year:
            for label in labels or ["(none)"]:
                self.years[year][label] += 1
        self._add_labelled(record, labels)

    def _add_labelled(self, record: dict[str, Any], labels: list[str]) -> None:
        """The record among the top documents of its labels, and its evidence listed."""
        cues = {label: label_evidence(record, label) for label in labels}
        if labels and len(self.evidence) < EVIDENCE_DOCUMENTS:
            self.evidence.append({"id": record["id"], "source": record["source"],
                                  "labels": cues})
        for label in labels:
            entry = (record["scores"][label], {
                "id": record["id"], "source": record["source"],
                "score": record["scores"][label],
                "evidence": [m["text"] for m in record.get("measures", [])[:3]],
                "cues": cues[label]})
            ranked = self.top.setdefault(label, [])
            ranked.append(entry)
            ranked.sort(key=lambda e: -e[0])
            del ranked[TOP:]

    def to_dict(self) -> dict[str, Any]:
        totals = sorted(self.totals.items(), key=lambda kv: (-kv[1]["measures"], str(kv[0])))
        return {
            "run": self.run,
            "documents": self.documents, "errors": self.errors, "languages": dict(self.langs),
            "labels": {label: self.label_counts.get(label, 0)
                       for label in [*self.labels, "(none)"]},
            "co_occurrence": {a: {b: self.pairs.get((a, b), 0) for b in self.labels}
                              for a in self.labels},
            "measure_totals": [_total(k, v) for k, v in totals],
            "documents_by_year": {y: dict(c) for y, c in sorted(self.years.items())},
            "top_documents": {label: [e[1] for e in ranked] for label, ranked in self.top.items()},
            "label_evidence": self.evidence,
            "error_samples": self.error_samples,
        }


def label_evidence(record: dict[str, Any], label: str) -> list[dict[str, Any]]:
    """The cue spans that earned `label` on `record` (its `evidence`, else its explanation's),
    each as text with the words beside it: [] when the record carries none (a model without
    cues, or records written without --report)."""
    spans = (record.get("evidence") or {}).get(label)
    if spans is None:
        spans = ((record.get("explanation") or {}).get(label) or {}).get("evidence") or []
    return [{"text": s["text"], "before": s.get("before", ""), "after": s.get("after", "")}
            for s in spans[:EVIDENCE_SPANS]]


def _year_of(record: dict[str, Any]) -> str | None:
    meta = record.get("meta") or {}
    for name in _DATE_FIELDS:
        if name in meta:
            m = _YEAR.search(str(meta[name]))
            if m:
                return m.group(1)
    m = _YEAR.search(record.get("source", ""))
    return m.group(1) if m else None


def _shown(value: Any) -> str:
    return "—" if value is None else str(value)


def _text_width(text: str, size: int = 13) -> float:
    """Roughly how wide `text` renders: a hanzi (or any wide character) takes a full em, other
    characters about six tenths of one."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.6 for c in text)


def _clip(text: str, room: float) -> str:
    """`text` cut with an ellipsis to fit `room` pixels."""
    if _text_width(text) <= room:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _bars(title: str, items: list[tuple[str, float]], width: int = 720) -> str:
    """A horizontal bar chart as inline SVG; the label column is as wide as its longest label
    (up to half the chart), longer labels are cut with an ellipsis and shown whole on hover."""
    if not items:
        return f"<h2>{html.escape(title)}</h2><p>No data.</p>"
    top = max(v for _, v in items) or 1
    row = 26
    label_w = min(width / 2, max(_text_width(str(name)) for name, _ in items) + 16)
    svg = [f'<svg role="img" aria-label="{html.escape(title)}" width="{width}" '
           f'height="{row * len(items) + 10}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, value) in enumerate(items):
        y = i * row + 5
        w = max(1, (width - label_w - 90) * value / top)
        svg.append(f'<g><title>{html.escape(str(name))}: {value:,.0f}</title>'
                   f'<text x="{label_w - 8:.1f}" y="{y + 16}" text-anchor="end">'
                   f'{html.escape(_clip(str(name), label_w - 16))}</text>'
                   f'<rect x="{label_w:.1f}" y="{y}" width="{w:.1f}" height="{row - 8}" '
                   f'fill="#3b6ea5"/><text x="{label_w + w + 6:.1f}" y="{y + 16}">'
                   f'{value:,.0f}</text></g>')
    svg.append("</svg>")
    return f"<h2>{html.escape(title)}</h2>" + "".join(svg)


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_table(headers: list[str], rows: list[list[str]]) -> str:
    """A table whose cells are HTML already escaped by the caller."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cues_html(cues: list[dict[str, Any]]) -> str:
    """Each cue marked in the words around it, one per line; a dash when there is none."""
    if not cues:
        return "—"
    return "<br>".join(_cue_html(c) for c in cues)


def _cue_html(cue: dict[str, Any]) -> str:
    before, after = cue.get("before", ""), cue.get("after", "")
    return (("…" + html.escape(before) if before else "") + f"<mark>{html.escape(cue['text'])}"
            f"</mark>" + (html.escape(after) + "…" if after else ""))


def _evidence_section(documents: list[dict[str, Any]]) -> str:
    """Per document, each label and the cue spans that earned it."""
    if not documents:
        return ""
    rows = [[html.escape(d["id"]), html.escape(label), _cues_html(cues)]
            for d in documents for label, cues in d["labels"].items()]
    return (f"<h2>Label evidence per document (the first {len(documents)} labelled)</h2>"
            "<p>A label is emitted only when the text holds one of its cues; these are the cues "
            "found (up to five per label).</p>" + _html_table(["id", "label", "evidence"], rows))


def _total(key: tuple, value: dict[str, Any]) -> dict[str, Any]:
    """One row of measure totals. Rates do not add up across documents: they get a mean."""
    row = {"type": key[0], "object": key[1], "unit": key[2], "total": value["total"],
           "measures": value["measures"], "documents": len(value["documents"])}
    counted = value.get("counted", 0)
    if key[2] in RATES:
        row["total"] = None
        row["mean"] = round(value["total"] / counted, 2) if counted else None
    elif not counted:  # every count redacted or garbled: the total is unknown, not 0
        row["total"] = None
    return row


_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                "\u2028": "\\u2028", "\u2029": "\\u2029"})


def embedded_json(value: Any) -> str:
    """`value` as JSON that can sit inside a <script> element: no <, > or & (so no "</script>"
    or "<!--" can end or bend the element) and no U+2028/2029 (line ends to old JavaScript)."""
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_UNSAFE)


FONTS = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
         '"WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", sans-serif')


def _run_line(run: dict[str, Any]) -> str:
    """When the batch ran, with which model, over which inputs."""
    if not run:
        return ""
    model = run.get("model") or {}
    inputs = run.get("inputs") or []
    shown = ", ".join(inputs[:10]) + (f" and {len(inputs) - 10} more" if len(inputs) > 10 else "")
    parts = [f"Run {run.get('date', '—')}",
             f"model {model.get('path', '—')} (created {model.get('created', '—')}, "
             f"sha256 {str(model.get('sha256', '—'))[:12]}, fraudtag {run.get('version', '—')})",
             f"inputs: {shown or '—'}"]
    return "<p class='run'>" + html.escape("; ".join(parts)) + "</p>"


def _total_cell(t: dict[str, Any]) -> str:
    if t["total"] is not None:
        return f"{t['total']:,.0f}"
    if t.get("mean") is not None:
        return f"mean {t['mean']:,.1f}"
    return "—"


def render_html(summary: dict[str, Any], title: str = "fraudtag report") -> str:
    """One HTML file with every chart inline: it opens with no network."""
    labels = [k for k in summary["labels"] if k != "(none)"]
    parts = [f"<h1>{html.escape(title)}</h1>", _run_line(summary.get("run", {})),
             f"<p>{summary['documents']:,} documents, {summary['errors']:,} errors; languages: "
             + ", ".join(f"{k} {v:,}" for k, v in summary["languages"].items()) + "</p>",
             _bars("Documents per label", list(summary["labels"].items()))]
    parts.append("<h2>Label co-occurrence</h2>" + _table(
        ["", *labels], [[a, *(summary["co_occurrence"][a][b] for b in labels)] for a in labels]))
    # a measure that names neither what was counted nor a unit (mostly a redacted number,
    # "XX") says nothing on its own: such groups are listed last and left out of the chart
    named = [t for t in summary["measure_totals"] if t["object"] or t["unit"]]
    unnamed = [t for t in summary["measure_totals"] if not (t["object"] or t["unit"])]
    totals = (named + unnamed)[:20]
    parts.append(_bars("Measures reported (count of measures, by type · object · unit)",
                       [(" · ".join(_shown(x) for x in (t["type"], t["object"], t["unit"])),
                         t["measures"]) for t in named[:20]]))
    if unnamed:
        parts.append(f"<p>{sum(t['measures'] for t in unnamed):,} measures name neither an "
                     "object nor a unit (often redacted numbers); they are left out of the "
                     "chart.</p>")
    parts.append(_table(["type", "object", "unit", "total", "measures", "documents"],
                        [[t["type"], _shown(t["object"]), _shown(t["unit"]), _total_cell(t),
                          t["measures"], t["documents"]] for t in totals]))
    years = summary["documents_by_year"]
    parts.append(_bars("Documents by year (where a date is known)",
                       [(y, sum(c.values())) for y, c in years.items()]))
    for label, docs in summary["top_documents"].items():
        parts.append(f"<h2>Top documents: {html.escape(label)}</h2>" + _html_table(
            ["id", "score", "evidence (the cues that earned the label)", "measures"],
            [[html.escape(d["id"]), f"{d['score']:.3f}", _cues_html(d.get("cues", [])),
              html.escape(" / ".join(d["evidence"]))] for d in docs]))
    parts.append(_evidence_section(summary.get("label_evidence", [])))
    if summary.get("clusters"):  # with --clusters: the largest repost clusters
        parts.append("<h2>Largest repost clusters</h2>" + _table(
            ["size", "first seen", "last seen", "labels", "kind", "text"],
            [[c["size"], c["first_seen"], c["last_seen"],
              ", ".join(f"{label} {n}" for label, n in c["labels"].items()) or "—",
              c["kind"] or "—", c["text"]] for c in summary["clusters"]]))
    if summary["error_samples"]:
        parts.append("<h2>Errors (first 20)</h2>" + _table(
            ["id", "error"], [[e["id"], e["error"]] for e in summary["error_samples"]]))
    style = (f"body{{font-family:{FONTS};max-width:960px;margin:2em auto;color:#222}}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
             "padding:4px 8px;text-align:left}svg text{font-size:13px;font-family:inherit}"
             ".run{color:#555}mark{background:#ffe08a;padding:0 1px}")
    data = embedded_json(summary)
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>{''.join(parts)}"
            f"<script type='application/json' id='summary'>{data}</script></body></html>")
