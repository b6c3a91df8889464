"""Scores of a model on labelled examples: per-label P/R/F1, calibration, the worst errors.

Optional labels (borderline by the corpus rules) count neither way for their document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pipeline.training.corpus import Example
from pipeline.training.realdata import (
    ELDERLY_CUES,
    FUNDRAISING_CUES,
    NEWS_MIN_BODY,
    NEWS_OTHER,
    NEWS_TELECOM,
    NewsArticle,
)


def label_metrics(examples: Sequence[Example], proba: np.ndarray, labels: list[str],
                  thresholds: dict[str, float]) -> dict[str, Any]:
    """Per-label precision/recall/F1/support and macro/micro averages."""
    per_label: dict[str, dict[str, float]] = {}
    totals = np.zeros(3)
    for j, label in enumerate(labels):
        tp = fp = fn = support = 0
        for ex, p in zip(examples, proba[:, j]):
            if label in ex.optional_labels:
                continue
            gold, predicted = label in ex.labels, p >= thresholds[label]
            support += gold
            tp += gold and predicted
            fp += predicted and not gold
            fn += gold and not predicted
        per_label[label] = _prf(tp, fp, fn) | {"support": support, "threshold": thresholds[label]}
        totals += (tp, fp, fn)
    scored = [label for label in labels if per_label[label]["support"] > 0]
    macro = {k: float(np.mean([per_label[label][k] for label in scored])) if scored else 0.0
             for k in ("precision", "recall", "f1")}
    return {"labels": per_label, "macro": macro, "micro": _prf(*totals),
            "documents": len(examples)}


def _prf(tp: float, fp: float, fn: float) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def calibration(examples: Sequence[Example], proba: np.ndarray, labels: list[str],
                bins: int = 10) -> dict[str, Any]:
    """Reliability table over every (document, label) pair and the Brier score."""
    pairs = [(proba[i, j], label in ex.labels)
             for i, ex in enumerate(examples) for j, label in enumerate(labels)
             if label not in ex.optional_labels]
    if not pairs:
        return {"brier": None, "table": []}
    p = np.array([pair[0] for pair in pairs])
    y = np.array([pair[1] for pair in pairs], dtype=float)
    table = []
    edges = np.linspace(0, 1, bins + 1)
    for k in range(bins):
        inside = (p >= edges[k]) & ((p < edges[k + 1]) if k < bins - 1 else (p <= 1))
        if inside.any():
            table.append({"bin": f"{edges[k]:.1f}-{edges[k + 1]:.1f}", "pairs": int(inside.sum()),
                          "mean_score": round(float(p[inside].mean()), 4),
                          "positive_rate": round(float(y[inside].mean()), 4)})
    return {"brier": round(float(np.mean((p - y) ** 2)), 4), "table": table}


def worst_errors(examples: Sequence[Example], proba: np.ndarray, labels: list[str],
                 thresholds: dict[str, float], top: int = 20, snippets: bool = True
                 ) -> list[dict[str, Any]]:
    """The `top` most confident wrong decisions, with a snippet of each text if `snippets`.

    Snippets of third-party texts are left out of anything saved in the repository.
    """
    errors = []
    for i, ex in enumerate(examples):
        for j, label in enumerate(labels):
            if label in ex.optional_labels:
                continue
            gold, p = label in ex.labels, float(proba[i, j])
            if gold != (p >= thresholds[label]):
                errors.append({"id": ex.id, "label": label, "gold": gold, "score": round(p, 4),
                               "margin": round(abs(p - thresholds[label]), 4),
                               "snippet": _snippet(ex.text) if snippets else ""})
    errors.sort(key=lambda e: -e["margin"])
    return errors[:top]


def _snippet(text: str) -> str:
    return " ".join(text.split())[:160]


def format_report(title: str, metrics: dict[str, Any], calib: dict[str, Any] | None = None,
                  errors: list[dict[str, Any]] | None = None) -> str:
    """A readable Markdown report of the figures."""
    lines = [f"## {title}", "", f"{metrics['documents']} documents", "",
             "| label | precision | recall | F1 | support | threshold |",
             "|---|---|---|---|---|---|"]
    for label, m in metrics["labels"].items():
        lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                     f"{m['support']} | {m['threshold']:.3f} |")
    for name in ("macro", "micro"):
        m = metrics[name]
        lines.append(f"| **{name}** | {m['precision']:.3f} | {m['recall']:.3f} | "
                     f"{m['f1']:.3f} | | |")
    if calib and calib["table"]:
        lines += ["", f"Calibration (Brier score {calib['brier']}):", "",
                  "| score bin | pairs | mean score | share positive |", "|---|---|---|---|"]
        lines += [f"| {row['bin']} | {row['pairs']} | {row['mean_score']:.3f} | "
                  f"{row['positive_rate']:.3f} |" for row in calib["table"]]
    if errors:
        lines += ["", "Worst errors:", "", "| id | label | gold | score | text |",
                  "|---|---|---|---|---|"]
        lines += [f"| {e['id']} | {e['label']} | {'yes' if e['gold'] else 'no'} | "
                  f"{e['score']:.3f} | {e['snippet'].replace('|', '/')} |" for e in errors]
    return "\n".join(lines) + "\n"


def real_dev_reports(sets: Sequence[tuple[str, Sequence[Example]]],
                     proba_of: Callable[[Sequence[Example]], np.ndarray], labels: list[str],
                     thresholds: dict[str, float]) -> tuple[dict[str, Any], list[str]]:
    """Metrics and a report section for each named real dev set (realdata.real_dev_sets)."""
    metrics, sections = {}, []
    for name, examples in sets:
        proba = proba_of(examples)
        m = label_metrics(examples, proba, labels, thresholds)
        metrics[name] = m
        sections.append(format_report(
            f"Real texts ({name}, never trained on)", m, calibration(examples, proba, labels),
            worst_errors(examples, proba, labels, thresholds, snippets=False)))
    return metrics, sections


def news_figures(articles: Sequence[NewsArticle], decided: Sequence[Sequence[str]]
                 ) -> dict[str, Any]:
    """fraud_news_reports figures (realdata.load_fraud_news): on the eight telecom categories,
    telecom recall and how often pension and fundraising are tagged, overall and on the
    articles with no elderly or fund-raising cue; the label shares of the other categories."""
    telecom = [(a, set(d)) for a, d in zip(articles, decided) if a.category in NEWS_TELECOM]

    def rate(pairs: list, label: str) -> dict[str, Any]:
        hits = sum(label in d for _, d in pairs)
        return {"hits": hits, "of": len(pairs), "rate": round(hits / len(pairs), 4) if pairs else 0}

    figures: dict[str, Any] = {
        "telecom_recall": rate(telecom, "telecom"),
        "pension": rate(telecom, "pension"),
        "pension_no_elderly_cue": rate([p for p in telecom if not p[0].elderly_cue], "pension"),
        "fundraising": rate(telecom, "fundraising"),
        "fundraising_no_fundraising_cue": rate([p for p in telecom if not p[0].fundraising_cue],
                                               "fundraising"),
        "other_categories": {},
    }
    labels = sorted({label for d in decided for label in d})
    for category in NEWS_OTHER:
        pairs = [(a, set(d)) for a, d in zip(articles, decided) if a.category == category]
        if pairs:
            shares = {label: rate(pairs, label)["rate"] for label in labels}
            shares["none"] = round(sum(not d for _, d in pairs) / len(pairs), 4)
            figures["other_categories"][category] = {"articles": len(pairs), **shares}
    return figures


def format_news(figures: dict[str, Any]) -> str:
    """The news figures as two Markdown tables."""
    rows = [("telecom recall", "telecom_recall", ">= 0.95"),
            ("pension, all articles", "pension", ""),
            ("pension, no elderly cue (" + "/".join(ELDERLY_CUES) + ")",
             "pension_no_elderly_cue", "<= 0.02"),
            ("fundraising, all articles", "fundraising", ""),
            ("fundraising, no fund-raising cue (" + "/".join(FUNDRAISING_CUES) + ")",
             "fundraising_no_fundraising_cue", "<= 0.03")]
    lines = ["fraud_news_reports, the eight telecom categories (" + "、".join(NEWS_TELECOM) +
             f"; body > {NEWS_MIN_BODY} characters; title + body)", "",
             "| measure | articles | tagged | rate | target |", "|---|---|---|---|---|"]
    for name, key, target in rows:
        f = figures[key]
        lines.append(f"| {name} | {f['of']} | {f['hits']} | {f['rate']:.3f} | {target} |")
    other = figures["other_categories"]
    if other:
        columns = [k for k in next(iter(other.values())) if k != "articles"]
        lines += ["", "Other categories, share of articles per label (for information):", "",
                  "| category | articles | " + " | ".join(columns) + " |",
                  "|---" * (len(columns) + 2) + "|"]
        for category, f in other.items():
            lines.append(f"| {category} | {f['articles']} | " +
                         " | ".join(f"{f[c]:.3f}" for c in columns) + " |")
    return "\n".join(lines) + "\n"


def side_by_side(models: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """A markdown table of several models' precision, recall and F1 per label on the same
    examples, one column group per (name, metrics) (labels a model lacks are left blank)."""
    names = [name for name, _ in models]
    labels = sorted({label for _, m in models for label in m["labels"]})
    lines = ["| label | " + " | ".join(f"{n} P | {n} R | {n} F1" for n in names) + " |",
             "|---" * (1 + 3 * len(names)) + "|"]
    for label in [*labels, "macro"]:
        cells = []
        for _, metrics in models:
            row = metrics["macro"] if label == "macro" else metrics["labels"].get(label)
            cells += ([f"{row[k]:.3f}" for k in ("precision", "recall", "f1")] if row
                      else ["", "", ""])
        lines.append(f"| {'**macro**' if label == 'macro' else label} | " + " | ".join(cells)
                     + " |")
    return "\n".join(lines)
