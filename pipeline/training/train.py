"""Train a model on a labelled corpus and save it with its manifest, metrics and report.

    from pipeline.training.train import train
    metrics = train(["mine.jsonl"], "models/mine", seed=0)

The labels are the corpus's own. Thresholds are tuned per label on cross-validated
probabilities, so they reflect text the model did not see.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from pipeline.document import Document
from pipeline.engine.stages import Pipeline
from pipeline.errors import CorpusError, FraudtagError
from pipeline.lang.cues import CUES_DIR, read_cues
from pipeline.model.scoring import FraudModel, gate, matchers
from pipeline.model.store import save_model
from pipeline.settings import DEFAULT_SEGMENTER
from pipeline.training.classifier import (
    DEFAULT_VARIANT,
    VARIANTS,
    binarize,
    cross_val_proba,
    fit_model,
    tune_thresholds,
)
from pipeline.training.corpus import Example, corpus_files, load_examples
from pipeline.training.evaluate import (
    calibration,
    format_report,
    label_metrics,
    real_dev_reports,
    worst_errors,
)
from pipeline.training.kinds import kinds_of
from pipeline.training.realdata import real_dev_sets

Progress = Callable[[str], None]


def say(message: str) -> None:
    """Progress on stderr, the way the training commands report it."""
    print(f"[train] {message}", file=sys.stderr, flush=True)


def train(corpus: str | Sequence[str] | None, out_dir: str, *, seed: int = 0,
          variant: str = DEFAULT_VARIANT, cv: int = 5, min_df: int = 2,
          segmenter: str = DEFAULT_SEGMENTER, text_field: str = "text",
          label_field: str = "labels", label_sep: str = ",", real_dev: bool = True,
          cues: str = CUES_DIR, progress: Progress = say) -> dict[str, Any]:
    """Train on `corpus` (files or folders of JSONL or CSV/TSV; None: our corpora/), save the
    model in `out_dir`, and return its metrics: cross-validation, and the real dev sets when
    their labels are the model's. `cues` is a folder of evidence cues, <label>.txt per label
    ("none": no evidence gate); a label without a file is not gated."""
    started = time.perf_counter()
    if variant not in VARIANTS:
        raise FraudtagError(f"unknown variant {variant!r}; the variants are "
                            f"{', '.join(sorted(VARIANTS))}")
    if cv < 2:
        raise FraudtagError("cross-validation needs at least 2 folds")
    paths = [corpus] if isinstance(corpus, str) else corpus
    examples = load_examples(paths, text_field, label_field, label_sep)
    labels = sorted({label for ex in examples for label in ex.labels + ex.optional_labels})
    if not labels:
        raise CorpusError("the corpus has no labels; name the label field with --label-field")
    progress(f"{len(examples)} documents, labels: {', '.join(labels)}")
    y = binarize([ex.labels for ex in examples], labels)
    _warn_small_labels(y, labels, cv, progress)
    pipeline = Pipeline(segmenter=segmenter)
    docs = prepare(examples, pipeline, progress)
    params = dict(VARIANTS[variant], min_df=min_df)
    evidence = read_cues(cues, labels) if cues != "none" else {}
    proba = gate(cross_val_proba(params, docs, y, cv, seed, progress), docs,
                 matchers(labels, evidence))
    thresholds = tune_thresholds(y, proba, labels)
    cv_metrics = label_metrics(examples, proba, labels, thresholds)
    progress(f"cross-validated macro-F1 {cv_metrics['macro']['f1']:.3f}; fitting the final model")
    kinds = kinds_of(examples)
    if kinds is None:
        progress("the corpus does not say every text's kind (a genre or kind field): the "
                 "model scores no kinds")
    model = fit_model(params, docs, y, labels, thresholds, seed, kinds, evidence)
    report = [f"# Model report: {os.path.basename(os.path.normpath(out_dir))}", "",
              format_report(f"{cv}-fold cross-validation on the training corpus", cv_metrics,
                            calibration(examples, proba, labels),
                            worst_errors(examples, proba, labels, thresholds))]
    metrics: dict[str, Any] = {"cross_validation": cv_metrics}
    if real_dev:
        real_metrics, sections = real_dev_reports(
            _real_dev_for(labels, progress),
            lambda exs: evaluate(model, exs, pipeline, progress)[1], labels, thresholds)
        metrics.update(real_metrics)
        report.extend(sections)
        for name, m in real_metrics.items():
            progress(f"{name} macro-F1 {m['macro']['f1']:.3f}")
    seconds = round(time.perf_counter() - started, 1)
    save_model(model, out_dir, {
        "training": {"corpus": [os.path.relpath(p) for p in corpus_files(paths)],
                     "corpus_sha256": corpus_sha256(paths), "documents": len(examples),
                     "variant": variant, "params": params, "cv": cv, "seed": seed,
                     "segmenter": segmenter, "seconds": seconds},
        "metrics": {name: {"macro_f1": m["macro"]["f1"],
                           "per_label_f1": {k: v["f1"] for k, v in m["labels"].items()}}
                    for name, m in metrics.items()},
    })
    _write_outputs(out_dir, metrics, "\n".join(report))
    progress(f"saved {out_dir} in {seconds} s")
    return metrics


def _warn_small_labels(y: np.ndarray, labels: list[str], cv: int, progress: Progress) -> None:
    """Say which labels have too few examples for their figures and threshold to mean much."""
    for label, count in zip(labels, y.sum(axis=0)):
        if count < cv:
            progress(f"warning: label {label!r} has {count} example(s), fewer than the {cv} "
                     "folds: its cross-validated F1 and threshold mean little; add examples")
    if (y.sum(axis=1) == 0).all():
        progress("warning: no example carries a label (only optional ones): every score will "
                 "be low")


def _real_dev_for(labels: list[str], progress: Progress) -> list[tuple[str, list[Example]]]:
    """The real dev sets (named), when the model's labels are the ones they are labelled with."""
    sets = real_dev_sets()
    theirs = {label for _, real in sets for ex in real for label in ex.labels + ex.optional_labels}
    if sets and not set(labels) & theirs:
        progress(f"the real dev sets are labelled {', '.join(sorted(theirs))}, not with this "
                 "corpus's labels: not evaluated on them")
        return []
    return sets


def prepare(examples: Sequence[Example], pipeline: Pipeline,
            progress: Progress = say) -> list[Document]:
    """The examples analysed (normalized and tokenized); CorpusError names one that fails."""
    docs = []
    for n, ex in enumerate(examples, 1):
        doc = pipeline.prepare(Document(ex.id, ex.where, ex.text))
        if doc.error:
            raise CorpusError(doc.error)
        docs.append(doc)
        if n % 500 == 0:
            progress(f"analysed {n}/{len(examples)} documents")
    return docs


def corpus_sha256(paths: Sequence[str] | None) -> str:
    digest = hashlib.sha256()
    for path in corpus_files(paths):
        digest.update(os.path.basename(path).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def evaluate(model: FraudModel, examples: Sequence[Example], pipeline: Pipeline,
             progress: Progress = say) -> tuple[dict[str, Any], np.ndarray]:
    """Per-label metrics of `model` on labelled `examples`, and its probabilities."""
    unknown = {label for ex in examples for label in ex.labels} - set(model.labels)
    if unknown:
        progress(f"labels not in the model, ignored: {', '.join(sorted(unknown))}")
    proba = model.predict_proba(prepare(examples, pipeline, progress))
    return label_metrics(examples, proba, model.labels, model.thresholds), proba


def _write_outputs(directory: str, metrics: dict[str, Any], report: str) -> None:
    with open(os.path.join(directory, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, ensure_ascii=False, indent=2)
        f.write("\n")
    with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as f:
        f.write(report)
