"""Score the measure extractor against gold counts: recall, precision, redacted numbers found.

Usage:
    python -m pipeline.training.extract_eval        # corpora/*.jsonl with counts + devset
    python -m pipeline.training.extract_eval corpora/zh_pension.jsonl --errors 20

A gold count is found when a measure with the same value overlaps its evidence (located in the
original text with text.find). Optional gold counts are neither rewarded nor penalized: a
measure that matches one is left out of precision. Precision counts measures with a value;
measures with a null count are scored only against null-valued (redacted/garbled) gold.
Only documents with a "counts" key are scored.
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import CorpusError
from pipeline.extract.measures import extract_measures
from pipeline.resources import REPO_DIR
from pipeline.text.normalize import detect_language, normalize
from pipeline.training.corpus import read_jsonl_rows
from pipeline.training.realdata import shared_dir

_REPO = REPO_DIR


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    null_gold: int = 0
    null_found: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    false_positives: list[tuple[str, str, str]] = field(default_factory=list)

    def line(self, name: str) -> str:
        recall = self.found / self.gold if self.gold else float("nan")
        precision = self.correct / self.predicted if self.predicted else float("nan")
        null = self.null_found / self.null_gold if self.null_gold else float("nan")
        return (f"{name}: recall {recall:.3f} ({self.found}/{self.gold})  precision "
                f"{precision:.3f} ({self.correct}/{self.predicted})  redacted/garbled found "
                f"null {null:.3f} ({self.null_found}/{self.null_gold})")


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _spans(text: str, evidence: str) -> list[tuple[int, int]]:
    out, pos = [], text.find(evidence)
    while pos >= 0:
        out.append((pos, pos + len(evidence)))
        pos = text.find(evidence, pos + 1)
    return out


def _context(text: str, start: int, end: int, width: int = 25) -> str:
    snippet = text[max(0, start - width):start] + "[" + text[start:end] + "]" \
        + text[end:end + width]
    return snippet.replace("\n", " ")


def score_document(doc: dict, score: Score) -> None:
    """Add the document's results to `score`."""
    text = doc["text"]
    predicted = _predicted(text, doc.get("lang"))
    used = [False] * len(predicted)
    ignored = [False] * len(predicted)  # taken by an optional gold count: neither way
    # match required gold first, so an optional item cannot take a required item's measure
    for g in sorted(doc["counts"], key=lambda c: bool(c.get("optional"))):
        spans = _spans(text, g["evidence"])
        taken = [u or i for u, i in zip(used, ignored)]
        hit = _match(predicted, taken, g["value"], spans)
        if g.get("optional"):
            if hit is not None:
                ignored[hit] = True
            continue
        if hit is not None:
            used[hit] = True
        _tally_gold(score, g, hit is not None)
        if hit is None:
            where = spans[0] if spans else (0, 0)
            score.misses.append((doc["id"], f"{g['value']} {g['unit']} {g['qualifier']}",
                                 _context(text, *where)))
    for (start, end, count), correct, skip in zip(predicted, used, ignored):
        if count is None or skip:
            continue
        score.predicted += 1
        score.correct += correct
        if not correct:
            score.false_positives.append((doc["id"], str(count), _context(text, start, end)))


def _predicted(text: str, lang: str | None) -> list[tuple[int, int, Any]]:
    """(start, end, count) of every measure extracted from `text`, spans in `text`."""
    norm = normalize(text)
    measures, _ = extract_measures(norm.view, lang or detect_language(norm.view))
    return [(*norm.offsets.span(m.start, m.end), m.count) for m in measures]


def _match(predicted: list[tuple[int, int, Any]], taken: list[bool], value: Any,
           spans: list[tuple[int, int]]) -> int | None:
    """The first measure not yet taken with the gold `value` and overlapping its evidence."""
    for i, (start, end, count) in enumerate(predicted):
        if not taken[i] and _same(count, value) and any(start < ge and gs < end
                                                         for gs, ge in spans):
            return i
    return None


def _tally_gold(score: Score, gold: dict, found: bool) -> None:
    if gold["value"] is None:  # a redacted or garbled number: found when read as null
        score.null_gold += 1
        score.null_found += found
    else:
        score.gold += 1
        score.found += found


def default_paths() -> list[str]:
    """Return corpora/*.jsonl files that have counts, plus the shared devset when present."""
    paths = []
    for path in sorted(glob.glob(os.path.join(_REPO, "corpora", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            if any('"counts"' in line for line in f):
                paths.append(path)
    for name in ("real_dev.jsonl", "real_dev_en.jsonl"):
        dev = os.path.join(shared_dir(), "devsets", name)
        if os.path.exists(dev):
            paths.append(os.path.relpath(dev))
    return paths


def evaluate(path: str) -> Score:
    """Return the Score of the extractor on the documents of `path` that have counts."""
    score = Score()
    for _, doc in read_jsonl_rows(path):
        if "counts" in doc:
            score_document(doc, score)
    return score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Score measure extraction against gold counts.",
        epilog="example: python -m pipeline.training.extract_eval corpora/zh_pension.jsonl "
               "--errors 20")
    parser.add_argument("paths", nargs="*", help="JSONL files (default: corpora + devset)")
    parser.add_argument("--errors", type=int, default=0, metavar="N",
                        help="print the N first misses and false positives per file")
    args = parser.parse_args(argv)
    paths = args.paths or default_paths()
    if not paths:
        parser.error("no JSONL files with counts found; pass paths")
    total = Score()
    for path in paths:
        try:
            score = evaluate(path)
        except CorpusError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(score.line(os.path.relpath(path)))
        for name in ("gold", "found", "predicted", "correct", "null_gold", "null_found"):
            setattr(total, name, getattr(total, name) + getattr(score, name))
        if args.errors:
            for doc_id, what, ctx in score.misses[:args.errors]:
                print(f"  MISS {doc_id} {what}: {ctx}")
            for doc_id, what, ctx in score.false_positives[:args.errors]:
                print(f"  FP   {doc_id} {what}: {ctx}")
    if len(paths) > 1:
        print(total.line("all"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
