"""Format invariance on a larger sample than the test: our corpus texts with gold counts
rendered as PDF, hard-wrapped GB18030 text, a web page and a Word file (tests/render.py), read
back and run through the shipped model, against the plain text.

    python bench/format_invariance.py [--zh 150] [--en 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

import render  # noqa: E402  (tests/render.py)
from test_format_invariance import FORMATS, _found, _gold  # noqa: E402

from pipeline.document import Document  # noqa: E402
from pipeline.engine.stages import Pipeline  # noqa: E402
from pipeline.ingest.readers import read_documents  # noqa: E402
from pipeline.model.store import load_model  # noqa: E402


def _score(rows, docs) -> tuple[float, float]:
    """Gold-count recall and the precision of reported values against gold values."""
    gold = found = predicted = correct = 0
    for row, doc in zip(rows, docs):
        values = _gold(row)
        gold += len(values)
        found += sum(_found(doc, v) for v in values)
        counts = [m["count"] for m in doc.measures or [] if m["count"] is not None]
        predicted += len(counts)
        correct += sum(any(abs(c - v) <= 1e-6 * max(1, abs(v)) for v in values) for c in counts)
    return found / gold, correct / predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zh", type=int, default=150)
    parser.add_argument("--en", type=int, default=100)
    args = parser.parse_args()
    pipeline = Pipeline(load_model(os.path.join(ROOT, "models", "default")))
    rows = render.corpus_sample(args.zh, args.en)
    plain = pipeline.run([Document(r["id"], r["id"], r["text"]) for r in rows])
    recall, precision = _score(rows, plain)
    print(f"{len(rows)} documents ({sum(r['lang'] == 'zh' for r in rows)} zh), "
          f"{sum(len(_gold(r)) for r in rows)} gold counts\n")
    print("| format | errors | same labels | gold counts found alike | count recall | "
          "value precision | furniture numbers reported |")
    print("|---|---|---|---|---|---|---|")
    print(f"| plain text | 0 | | | {recall:.3f} | {precision:.3f} | |")
    with tempfile.TemporaryDirectory() as folder:
        for fmt, (suffix, make) in FORMATS.items():
            paths = []
            for row in rows:
                path = os.path.join(folder, row["id"] + suffix)
                with open(path, "wb") as f:
                    f.write(make(row["text"]))
                paths.append(path)
            docs = pipeline.run(list(read_documents(paths)))
            same = total = furniture = 0
            for row, a, b in zip(rows, plain, docs):
                for value in _gold(row):
                    total += 1
                    same += _found(a, value) == _found(b, value)
                reported = {m["count"] for m in a.measures}
                furniture += sum(m["count"] not in reported
                                 and m["count"] in render.BOILERPLATE_NUMBERS
                                 for m in b.measures or [])
            labels = sum(a.labels == b.labels for a, b in zip(plain, docs))
            recall, precision = _score(rows, docs)
            print(f"| {fmt} | {sum(d.error is not None for d in docs)} | {labels}/{len(rows)} | "
                  f"{same}/{total} ({same / total:.3f}) | {recall:.3f} | {precision:.3f} | "
                  f"{furniture} |")


if __name__ == "__main__":
    main()
