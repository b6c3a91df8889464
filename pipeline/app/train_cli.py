"""Train, evaluate and compare fraud-type models.

Examples:
  python train.py                                  # corpora/ -> models/default/
  python train.py --corpus mine.csv --text-field body --label-field tags --label-sep ";" \\
                  --out models/mine
  python train.py --eval ../shared/devsets/real_dev.jsonl         # evaluate models/default
  python train.py --compare models/mine            # two models side by side on the same data
  python train.py --variants                       # compare model variants on real text
  python train.py --real                           # evaluate on the public datasets
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from pipeline.document import Document
from pipeline.errors import FraudtagError
from pipeline.lang.cues import CUES_DIR, read_cues
from pipeline.model.scoring import gate, matchers
from pipeline.model.store import load_model, save_model
from pipeline.resources import REPO_DIR
from pipeline.runner import Pipeline
from pipeline.training.classifier import (
    DEFAULT_VARIANT,
    VARIANTS,
    FraudModel,
    binarize,
    cross_val_proba,
    fit_model,
    tune_thresholds,
)
from pipeline.training.corpus import Example, corpus_files, load_examples
from pipeline.training.evaluate import (
    calibration,
    format_news,
    format_report,
    label_metrics,
    news_figures,
    real_dev_reports,
    worst_errors,
)
from pipeline.training.realdata import (
    load_fraud_news,
    load_real_dev,
    load_real_sets,
    real_dev_paths,
    real_dev_sets,
)

DEFAULT_MODEL = os.path.join(REPO_DIR, "models", "default")


def _say(message: str) -> None:
    print(f"[train] {message}", file=sys.stderr, flush=True)


def prepare(examples: Sequence[Example], pipeline: Pipeline) -> list[Document]:
    docs = []
    for n, ex in enumerate(examples, 1):
        doc = pipeline.prepare(Document(ex.id, ex.where, ex.text))
        if doc.error:
            raise FraudtagError(doc.error)
        docs.append(doc)
        if n % 500 == 0:
            _say(f"analysed {n}/{len(examples)} documents")
    return docs


def corpus_sha256(paths: Sequence[str] | None) -> str:
    digest = hashlib.sha256()
    for path in corpus_files(paths):
        digest.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def evaluate(model: FraudModel, examples: Sequence[Example], pipeline: Pipeline
             ) -> tuple[dict[str, Any], np.ndarray]:
    unknown = {label for ex in examples for label in ex.labels} - set(model.labels)
    if unknown:
        _say(f"labels not in the model, ignored: {', '.join(sorted(unknown))}")
    proba = model.predict_proba(prepare(examples, pipeline))
    return label_metrics(examples, proba, model.labels, model.thresholds), proba


def train(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    examples = load_examples(args.corpus, args.text_field, args.label_field, args.label_sep)
    labels = sorted({label for ex in examples for label in ex.labels + ex.optional_labels})
    if len(labels) < 1:
        raise FraudtagError("the corpus has no labels; name the label field with --label-field")
    _say(f"{len(examples)} documents, labels: {', '.join(labels)}")
    pipeline = Pipeline(segmenter=args.segmenter)
    docs = prepare(examples, pipeline)
    y = binarize([ex.labels for ex in examples], labels)
    params = dict(VARIANTS[args.variant], min_df=args.min_df)
    cues = read_cues(args.cues, labels) if args.cues != "none" else {}
    proba = gate(cross_val_proba(params, docs, y, args.cv, args.seed, _say), docs,
                 matchers(labels, cues))
    thresholds = tune_thresholds(y, proba, labels)
    cv_metrics = label_metrics(examples, proba, labels, thresholds)
    _say(f"cross-validated macro-F1 {cv_metrics['macro']['f1']:.3f}; fitting the final model")
    model = fit_model(params, docs, y, labels, thresholds, args.seed, cues)
    report = [f"# Model report: {os.path.basename(os.path.normpath(args.out))}", "",
              format_report(f"{args.cv}-fold cross-validation on the training corpus", cv_metrics,
                            calibration(examples, proba, labels),
                            worst_errors(examples, proba, labels, thresholds))]
    metrics: dict[str, Any] = {"cross_validation": cv_metrics}
    if args.real_dev:
        real_metrics, sections = real_dev_reports(
            real_dev_sets(), lambda exs: evaluate(model, exs, pipeline)[1], labels, thresholds)
        metrics.update(real_metrics)
        report.extend(sections)
        for name, m in real_metrics.items():
            _say(f"{name} macro-F1 {m['macro']['f1']:.3f}")
    seconds = round(time.perf_counter() - started, 1)
    save_model(model, args.out, {
        "training": {"corpus": [os.path.relpath(p) for p in corpus_files(args.corpus)],
                     "corpus_sha256": corpus_sha256(args.corpus), "documents": len(examples),
                     "variant": args.variant, "params": params, "cv": args.cv, "seed": args.seed,
                     "segmenter": args.segmenter, "seconds": seconds},
        "metrics": {name: {"macro_f1": m["macro"]["f1"],
                           "per_label_f1": {k: v["f1"] for k, v in m["labels"].items()}}
                    for name, m in metrics.items()},
    })
    _write_outputs(args.out, metrics, "\n".join(report))
    _say(f"saved {args.out} in {seconds} s")
    return 0


def _write_outputs(directory: str, metrics: dict[str, Any], report: str) -> None:
    with open(os.path.join(directory, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as f:
        f.write(report)
    print(report)


def run_eval(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    pipeline = Pipeline(segmenter=args.segmenter)
    paths = args.eval or real_dev_paths()
    if not paths:
        raise FraudtagError("nothing to evaluate: pass --eval PATH (../shared is absent)")
    if not args.eval and not args.compare:
        _, sections = real_dev_reports(real_dev_sets(), lambda exs: evaluate(model, exs,
                                       pipeline)[1], model.labels, model.thresholds)
        print("\n".join(sections))
        return 0
    examples = load_examples(paths, args.text_field, args.label_field, args.label_sep)
    if args.compare:
        other = load_model(args.compare)
        for name, m in ((args.model, model), (args.compare, other)):
            metrics, _ = evaluate(m, examples, pipeline)
            print(format_report(f"{name} on {', '.join(paths)}", metrics))
        return 0
    metrics, proba = evaluate(model, examples, pipeline)
    print(format_report(f"{args.model} on {', '.join(paths)}", metrics,
                        calibration(examples, proba, model.labels),
                        worst_errors(examples, proba, model.labels, model.thresholds)))
    return 0


def run_real(args: argparse.Namespace) -> int:
    """Recall and false-positive rates on the public datasets mapped to our labels."""
    model = load_model(args.model)
    pipeline = Pipeline(segmenter=args.segmenter)
    sets = load_real_sets(limit=args.limit, seed=args.seed)
    if not sets:
        print("../shared/datasets is absent: nothing to evaluate")
        return 0
    print("| dataset | texts | measure | value | target |\n|---|---|---|---|---|")
    results = []
    for real_set in sets:
        proba = model.predict_proba(prepare(real_set.examples, pipeline))
        results.append((real_set, proba))
        decided = model.decide(proba)
        if real_set.label:
            hits = sum(real_set.label in d for d in decided)
            target = ">= 0.90" if real_set.label == "telecom" else ">= 0.80"
            print(f"| {real_set.name} | {len(decided)} | recall {real_set.label} | "
                  f"{hits / len(decided):.3f} | {target} |")
        else:
            flagged = sum(bool(d) for d in decided)
            print(f"| {real_set.name} | {len(decided)} | false-positive rate | "
                  f"{flagged / len(decided):.3f} | <= 0.03 |", flush=True)
    if args.sweep:
        _sweep(model, args.sweep, results)
    articles = load_fraud_news(limit=args.limit, seed=args.seed)
    if articles:
        proba = model.predict_proba(prepare([a.example for a in articles], pipeline))
        print("\n" + format_news(news_figures(articles, model.decide(proba))), flush=True)
    return 0


def _sweep(model: FraudModel, label: str, results: list) -> None:
    """The same figures with `label`'s threshold moved: what a stricter cut buys and costs."""
    if label not in model.labels:
        raise FraudtagError(f"--sweep {label}: the model's labels are {', '.join(model.labels)}")
    column = model.labels.index(label)
    others = np.array([model.thresholds[other] if other != label else np.inf
                       for other in model.labels])
    print(f"\n{label} threshold | " + " | ".join(s.name for s, _ in results))
    print("|".join(["---"] * (len(results) + 1)))
    for cut in (0.5, 0.6, 0.7, 0.8, 0.9):
        values = []
        for real_set, proba in results:
            hit = proba[:, column] >= cut
            if real_set.label:
                column_of = model.labels.index(real_set.label)
                found = hit if real_set.label == label else proba[:, column_of] >= \
                    model.thresholds[real_set.label]
                values.append(f"recall {found.mean():.3f}")
            else:
                flagged = hit | (proba >= others).any(axis=1)
                values.append(f"FPR {flagged.mean():.3f}")
        print(f"{cut:.1f} | " + " | ".join(values))


def run_variants(args: argparse.Namespace) -> int:
    """Each variant: cross-validated and real-dev macro-F1, training time."""
    examples = load_examples(args.corpus, args.text_field, args.label_field, args.label_sep)
    labels = sorted({label for ex in examples for label in ex.labels + ex.optional_labels})
    pipeline = Pipeline(segmenter=args.segmenter)
    docs = prepare(examples, pipeline)
    y = binarize([ex.labels for ex in examples], labels)
    real = load_real_dev()
    real_docs = prepare(real, pipeline) if real else []
    megabytes = sum(len(ex.text.encode("utf-8")) for ex in examples) / 1e6
    print("| variant | CV macro-F1 | real dev macro-F1 | " +
          " | ".join(f"real {label}" for label in labels) + " | fit seconds | scoring MB/s |")
    print("|---" * (len(labels) + 5) + "|")
    for name, params in VARIANTS.items():
        proba = cross_val_proba(params, docs, y, args.cv, args.seed, _say)
        thresholds = tune_thresholds(y, proba, labels)
        cv = label_metrics(examples, proba, labels, thresholds)
        started = time.perf_counter()
        model = fit_model(params, docs, y, labels, thresholds, args.seed)
        seconds = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(0, len(docs), 64):  # features + model on analysed documents
            model.predict_proba(docs[i:i + 64])
        scoring = megabytes / (time.perf_counter() - started)
        if real:
            m = label_metrics(real, model.predict_proba(real_docs), labels, thresholds)
            cells = [f"{m['macro']['f1']:.3f}"] + [f"{m['labels'][lb]['f1']:.3f}" for lb in labels]
        else:
            cells = ["n/a"] * (len(labels) + 1)
        print(f"| {name} | {cv['macro']['f1']:.3f} | " + " | ".join(cells) +
              f" | {seconds:.1f} | {scoring:.1f} |", flush=True)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="train.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", nargs="+", metavar="PATH",
                   help="training files or directories, JSONL or CSV/TSV (default corpora/)")
    p.add_argument("--text-field", default="text", help="field holding the text (default text)")
    p.add_argument("--label-field", default="labels", help="field holding the labels")
    p.add_argument("--label-sep", default=",", help="separator of labels in a CSV cell")
    p.add_argument("--out", default=DEFAULT_MODEL, help="where to save the model")
    p.add_argument("--model", default=DEFAULT_MODEL, help="model to evaluate (--eval, --real)")
    p.add_argument("--variant", default=DEFAULT_VARIANT, choices=sorted(VARIANTS))
    p.add_argument("--segmenter", default="rjieba", choices=["rjieba", "jieba"])
    p.add_argument("--cv", type=int, default=5, help="cross-validation folds (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--min-df", type=int, default=2,
                   help="keep terms seen in at least this many documents (default 2)")
    p.add_argument("--cues", default=CUES_DIR, metavar="DIR",
                   help="evidence cues, <label>.txt per label (default pipeline/lang/cues; "
                        "'none': no evidence gate)")
    p.add_argument("--no-real-dev", dest="real_dev", action="store_false",
                   help="do not evaluate on ../shared/devsets when training")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--eval", nargs="*", metavar="PATH",
                      help="evaluate --model on labelled files (default the real dev set)")
    mode.add_argument("--compare", metavar="MODEL_DIR", help="compare --model with MODEL_DIR")
    mode.add_argument("--variants", action="store_true", help="compare model variants")
    mode.add_argument("--real", action="store_true", help="evaluate on ../shared/datasets")
    p.add_argument("--limit", type=int, default=1000, help="texts per public dataset (--real)")
    p.add_argument("--sweep", metavar="LABEL",
                   help="with --real, also the figures at other thresholds for LABEL")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.cv < 2:
        parser().error("--cv needs at least 2 folds")
    try:
        if args.variants:
            return run_variants(args)
        if args.real:
            return run_real(args)
        if args.eval is not None or args.compare:
            return run_eval(args)
        return train(args)
    except (FraudtagError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
