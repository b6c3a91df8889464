"""Scores of a model on labelled examples: per-label P/R/F1, calibration, the worst errors.

Optional labels (borderline by the corpus rules) count neither way for their document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pipeline.training.corpus import Example


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
