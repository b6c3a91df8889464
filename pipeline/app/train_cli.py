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
import os
import sys
import time

import numpy as np

from pipeline.engine.stages import Pipeline
from pipeline.errors import FraudtagError
from pipeline.lang.cues import CUES_DIR
from pipeline.model.store import load_model
from pipeline.resources import shipped_model_dir
from pipeline.settings import DEFAULT_SEGMENTER, SEGMENTERS
from pipeline.training.classifier import (
    DEFAULT_VARIANT,
    VARIANTS,
    FraudModel,
    binarize,
    cross_val_proba,
    fit_model,
    tune_thresholds,
)
from pipeline.training.corpus import load_examples
from pipeline.training.evaluate import (
    calibration,
    format_news,
    format_report,
    label_metrics,
    news_figures,
    real_dev_reports,
    side_by_side,
    worst_errors,
)
from pipeline.training.kinds import kind_rows
from pipeline.training.realdata import (
    load_fraud_news,
    load_real_dev,
    load_real_sets,
    real_dev_paths,
    real_dev_sets,
)
from pipeline.training.train import evaluate, prepare, say, train

DEFAULT_MODEL = shipped_model_dir()
_say = say


def run_train(args: argparse.Namespace) -> int:
    if args.corpus and not args.out:
        raise FraudtagError("--corpus needs --out DIR, so that your model does not replace the "
                            "shipped one (pass --out models/default to mean it)")
    out = args.out or DEFAULT_MODEL
    train(args.corpus, out, seed=args.seed, variant=args.variant, cv=args.cv,
          min_df=args.min_df, segmenter=args.segmenter, text_field=args.text_field,
          label_field=args.label_field, label_sep=args.label_sep, real_dev=args.real_dev,
          cues=args.cues)
    with open(os.path.join(out, "report.md"), encoding="utf-8") as f:
        print(f.read())
    return 0


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
        print(f"{', '.join(paths)}: {len(examples)} documents\n")
        print(side_by_side([(args.model, evaluate(model, examples, pipeline)[0]),
                            (args.compare, evaluate(other, examples, pipeline)[0])]))
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
    if model.kinds:
        rows = kind_rows(model, lambda exs: prepare(exs, pipeline), sets, articles,
                         real_dev_sets())
        print("\nKind of text\n\n| texts | count | measure | value | target |\n"
              "|---|---|---|---|---|")
        print("\n".join(rows), flush=True)
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
    p.add_argument("--out", default=None, metavar="DIR",
                   help="where to save the model (default models/default; required with "
                        "--corpus)")
    p.add_argument("--model", default=DEFAULT_MODEL, help="model to evaluate (--eval, --real)")
    p.add_argument("--variant", default=DEFAULT_VARIANT, choices=sorted(VARIANTS))
    p.add_argument("--segmenter", default=DEFAULT_SEGMENTER, choices=SEGMENTERS)
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
    p.add_argument("--compare", metavar="MODEL_DIR",
                   help="compare --model with MODEL_DIR side by side, on --eval PATH or the real "
                        "dev sets")
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
        return run_train(args)
    except (FraudtagError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
