"""Labelled corpora: load them for training and evaluation, check them, describe them.

    python -m pipeline.training.corpus check [PATH ...]  # schema, evidence, duplicates; exit 1
    python -m pipeline.training.corpus stats [PATH ...]  # sizes by language, genre, label, split
"""

from __future__ import annotations

import argparse
import collections
import csv
import glob
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import CorpusError
from pipeline.extract.measures import QUALIFIERS, TYPES
from pipeline.model.scoring import KINDS
from pipeline.resources import REPO_DIR

REQUIRED = ("id", "lang", "genre", "text", "labels")
KNOWN_KEYS = set(REQUIRED) | {"optional_labels", "counts", "url", "notes", "kind"}
LANGS = {"zh", "en"}
GENRES = {"report", "news", "notice", "post", "sms", "scam"}
COUNT_KEYS = {"value", "value_max", "qualifier", "unit", "what", "type", "evidence", "optional"}
NEAR_DUPLICATE = 0.7
DEFAULT_DIR = os.path.join(REPO_DIR, "corpora")


@dataclass
class Example:
    id: str
    text: str
    labels: list[str]
    optional_labels: list[str] = field(default_factory=list)
    lang: str | None = None
    genre: str | None = None
    counts: list[dict[str, Any]] | None = None
    kind: str | None = None
    where: str = ""


def corpus_files(paths: Iterable[str] | None = None) -> list[str]:
    """The .jsonl/.csv/.tsv files named by `paths` (files or directories); default corpora/."""
    files: list[str] = []
    for path in list(paths or []) or [DEFAULT_DIR]:
        if os.path.isdir(path):
            for ext in ("jsonl", "csv", "tsv"):
                files.extend(sorted(glob.glob(os.path.join(path, f"*.{ext}"))))
        elif os.path.isfile(path):
            files.append(path)
        else:
            raise CorpusError(f"{path}: no such corpus file or directory")
    if not files:
        raise CorpusError(f"no .jsonl, .csv or .tsv files in {', '.join(paths or [DEFAULT_DIR])}")
    return files


def _split_labels(value: Any, separator: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [part.strip() for part in str(value).split(separator) if part.strip()]


def load_examples(paths: Iterable[str] | None = None, text_field: str = "text",
                  label_field: str = "labels", separator: str = ",") -> list[Example]:
    """Labelled examples from JSONL (our corpus format) or CSV/TSV files."""
    examples = []
    for path in corpus_files(paths):
        rows = read_jsonl_rows(path) if path.endswith(".jsonl") else _csv_rows(path)
        for where, row in rows:
            text = row.get(text_field)
            if not isinstance(text, str) or not text.strip():
                raise CorpusError(f"{where}: no text in field {text_field!r}; name it with "
                                  "--text-field")
            if label_field not in row:
                raise CorpusError(f"{where}: no {label_field!r} field; name it with "
                                  "--label-field")
            examples.append(Example(
                id=str(row.get("id") or where), text=text,
                labels=_split_labels(row.get(label_field), separator),
                optional_labels=_split_labels(row.get("optional_labels"), separator),
                lang=row.get("lang"), genre=row.get("genre"), counts=row.get("counts"),
                kind=row.get("kind"),
                where=where))
    return examples


def read_jsonl_rows(path: str) -> Iterable[tuple[str, dict]]:
    """(file:line, object) for every non-blank line; CorpusError on invalid JSON."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise CorpusError(f"{path}:{number}: invalid JSON ({e.msg}); fix the line"
                                  ) from None
            if not isinstance(row, dict):
                raise CorpusError(f"{path}:{number}: expected a JSON object")
            yield f"{path}:{number}", row


def _csv_rows(path: str) -> Iterable[tuple[str, dict]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t" if path.endswith(".tsv") else ",")
        for row in reader:
            yield f"{path}:{reader.line_num}", row


def split_of(doc_id: str) -> str:
    """"test" for a fixed fifth of ids (by hash), else "train"."""
    return "test" if int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 5 == 0 else "train"


def check(paths: Iterable[str] | None = None) -> list[str]:
    """Every problem in the corpus files, each prefixed with file:line."""
    problems: list[str] = []
    seen_ids: dict[str, str] = {}
    texts: list[tuple[str, str]] = []
    for path in corpus_files(paths):
        if not path.endswith(".jsonl"):
            continue
        try:
            rows = list(read_jsonl_rows(path))
        except CorpusError as e:
            problems.append(str(e))
            continue
        for where, row in rows:
            problems.extend(_check_row(where, row))
            doc_id = str(row.get("id"))
            if doc_id in seen_ids:
                problems.append(f"{where}: id {doc_id} already used at {seen_ids[doc_id]}")
            seen_ids.setdefault(doc_id, where)
            if isinstance(row.get("text"), str):
                texts.append((where, row["text"]))
    problems.extend(near_duplicates(texts))
    problems.extend(shared_sentences(texts))
    return problems


def _check_row(where: str, row: dict) -> list[str]:
    problems = [f"{where}: missing field {key!r}" for key in REQUIRED if key not in row]
    unknown = set(row) - KNOWN_KEYS
    if unknown:
        problems.append(f"{where}: unknown fields {sorted(unknown)}")
    problems.extend(f"{where}: {p}" for p in _check_kinds(row))
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        return problems + [f"{where}: text is empty or not a string"]
    problems.extend(f"{where}: {p}" for p in _check_labels(row))
    for n, count in enumerate(row.get("counts") or []):
        problems.extend(f"{where}: counts[{n}]: {p}" for p in _check_count(count, text))
    return problems


def _check_kinds(row: dict) -> list[str]:
    """What is wrong with the row's language, genre and kind."""
    problems = []
    if row.get("lang") not in LANGS:
        problems.append(f"lang {row.get('lang')!r} is not one of {sorted(LANGS)}")
    if row.get("genre") not in GENRES:
        problems.append(f"genre {row.get('genre')!r} is not one of {sorted(GENRES)}")
    if "kind" in row and row["kind"] not in KINDS:
        problems.append(f"kind {row['kind']!r} is not one of {list(KINDS)}")
    if row.get("genre") == "sms" and row.get("labels") and "kind" not in row:
        problems.append("a labelled SMS needs a kind (scam or warning)")
    return problems


def _check_labels(row: dict) -> list[str]:
    problems = []
    for key in ("labels", "optional_labels"):
        value = row.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{key} must be a list of label names")
    both = set(row.get("labels") or []) & set(row.get("optional_labels") or [])
    if both:
        problems.append(f"{sorted(both)} both in labels and optional_labels")
    return problems


def _check_count(count: Any, text: str) -> list[str]:
    if not isinstance(count, dict):
        return ["not an object"]
    problems = [f"missing {k!r}" for k in ("value", "qualifier", "unit", "type", "evidence")
                if k not in count]
    if set(count) - COUNT_KEYS:
        problems.append(f"unknown fields {sorted(set(count) - COUNT_KEYS)}")
    value = count.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
        problems.append(f"value {value!r} is not a number or null")
    if count.get("qualifier") not in QUALIFIERS:
        problems.append(f"qualifier {count.get('qualifier')!r} is not one of {sorted(QUALIFIERS)}")
    if count.get("qualifier") == "range" and not isinstance(count.get("value_max"), (int, float)):
        problems.append("a range needs a numeric value_max")
    if count.get("type") not in TYPES:
        problems.append(f"type {count.get('type')!r} is not one of {sorted(TYPES)}")
    evidence = count.get("evidence")
    if not isinstance(evidence, str) or not evidence or evidence not in text:
        problems.append(f"evidence {evidence!r} is not a substring of the text")
    return problems


_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?|[^.\n]+\.(?=\s|$)")
MIN_SENTENCE = 25


def shared_sentences(texts: list[tuple[str, str]]) -> list[str]:
    """Sentences of MIN_SENTENCE+ characters that stand in more than one document."""
    first: dict[str, str] = {}
    problems = []
    for where, text in texts:
        for sentence in {" ".join(s.split()) for s in _SENTENCE.findall(text)}:
            if len(sentence) < MIN_SENTENCE:
                continue
            if sentence in first and first[sentence] != where:
                problems.append(f"{where}: sentence also in {first[sentence]}: "
                                f"{sentence[:40]!r}")
            first.setdefault(sentence, where)
    return problems


def near_duplicates(texts: list[tuple[str, str]], threshold: float = NEAR_DUPLICATE) -> list[str]:
    """Pairs of texts whose character 5-gram sets have Jaccard similarity above `threshold`."""
    if len(texts) < 2:
        return []
    import numpy as np
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(analyzer="char", ngram_range=(5, 5), n_features=2 ** 22,
                                   binary=True, norm=None, alternate_sign=False, lowercase=False)
    matrix = vectorizer.transform([text for _, text in texts]).tocsr()
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    overlap = (matrix @ matrix.T).tocoo()
    problems = []
    for i, j, shared in zip(overlap.row, overlap.col, overlap.data):
        if i < j:
            union = sizes[i] + sizes[j] - shared
            if union and shared / union > threshold:
                problems.append(f"{texts[j][0]}: near-duplicate of {texts[i][0]} "
                                f"(5-gram Jaccard {shared / union:.2f})")
    return problems


def stats(paths: Iterable[str] | None = None) -> dict[str, Any]:
    """Counts by language, genre, label, number of labels, split, and gold measures."""
    examples = load_examples(paths)
    table: dict[str, Any] = collections.defaultdict(collections.Counter)
    for ex in examples:
        table["documents"]["all"] += 1
        table["lang"][ex.lang] += 1
        table["genre"][ex.genre] += 1
        table["split"][split_of(ex.id)] += 1
        table["labels per document"][min(len(ex.labels), 3)] += 1
        for label in ex.labels:
            table["label"][label] += 1
            table[f"label {label} by lang"][ex.lang] += 1
        if not ex.labels:
            table["documents"]["negatives"] += 1
        if len(ex.labels) >= 2:
            table["documents"]["positives with 2+ labels"] += 1
        if ex.labels:
            table["documents"]["positives"] += 1
        if ex.genre == "report":
            table["documents"]["reports"] += 1
        if ex.counts is not None:
            table["gold measures"]["documents annotated"] += 1
            table["gold measures"]["counts"] += len(ex.counts)
            table["gold measures"]["null values"] += sum(c.get("value") is None
                                                         for c in ex.counts)
    return {k: dict(sorted(v.items(), key=lambda kv: str(kv[0]))) for k, v in table.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.training.corpus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["check", "stats"])
    parser.add_argument("paths", nargs="*", help="corpus files or directories (default corpora/)")
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            problems = check(args.paths)
            for problem in problems:
                print(problem)
            n = len(load_examples(args.paths))
            print(f"{n} documents, {len(problems)} problems")
            return 1 if problems else 0
        for section, counts in stats(args.paths).items():
            print(f"{section}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
        return 0
    except CorpusError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
