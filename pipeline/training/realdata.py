"""Real texts we did not write, for evaluation only: ../shared/devsets and ../shared/datasets.

Nothing here is ever trained on. The location defaults to the `shared` folder beside the
repository and can be set with FRAUDTAG_SHARED; when it is absent, callers skip cleanly.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import random
from dataclasses import dataclass

from pipeline.resources import REPO_DIR
from pipeline.settings import resolve
from pipeline.training.corpus import Example, load_examples

REPO = REPO_DIR


def shared_dir() -> str:
    return resolve()["shared"] or os.path.join(os.path.dirname(REPO), "shared")


def real_dev_path() -> str | None:
    path = os.path.join(shared_dir(), "devsets", "real_dev.jsonl")
    return path if os.path.isfile(path) else None


def load_real_dev() -> list[Example] | None:
    path = real_dev_path()
    return load_examples([path]) if path else None


@dataclass
class RealSet:
    """A public dataset mapped to our labels: recall of `label`, or a false-positive rate."""

    name: str
    examples: list[Example]
    label: str | None  # None: every text is a negative, report the false-positive rate


def _sample(texts: list[str], limit: int, seed: int) -> list[str]:
    unique = list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))
    if len(unique) > limit:
        unique = random.Random(seed).sample(unique, limit)
    return unique


def _as_examples(name: str, texts: list[str], labels: list[str]) -> list[Example]:
    return [Example(id=f"{name}:{i}", text=t, labels=list(labels)) for i, t in enumerate(texts)]


def load_real_sets(limit: int = 1000, seed: int = 0) -> list[RealSet]:
    """The public datasets as each SOURCE.md proposes, `limit` texts each (a seeded sample)."""
    root = os.path.join(shared_dir(), "datasets")
    if not os.path.isdir(root):
        return []
    sets: list[RealSet] = []

    def add(name: str, texts: list[str], label: str | None) -> None:
        texts = _sample(texts, limit, seed)
        if texts:
            sets.append(RealSet(name, _as_examples(name, texts, [label] if label else []), label))

    tf5 = os.path.join(root, "telecom_fraud_texts_5")
    if os.path.isdir(tf5):
        fraud, normal = [], []
        for path in sorted(glob.glob(os.path.join(tf5, "label*-last.csv"))):
            with open(path, encoding="utf-8", newline="") as f:
                rows = [row["content"] for row in csv.DictReader(f)]
            (normal if path.endswith("label00-last.csv") else fraud).extend(rows)
        add("telecom_fraud_texts_5 fraud", fraud, "telecom")
        add("telecom_fraud_texts_5 normal SMS", normal, None)
    fbs = os.path.join(root, "fbs_sms", "fbs_sms.csv")
    if os.path.isfile(fbs):
        with open(fbs, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        add("fbs_sms FR:*", [r["text"] for r in rows if r["category"].startswith("FR:")],
            "telecom")
    ccks = os.path.join(root, "ccks2019_fin_events", "event_type_entity_extract_eval.csv")
    if os.path.isfile(ccks):
        with open(ccks, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        add("ccks2019 涉嫌非法集资", [r[1] for r in rows if len(r) > 2 and r[2] == "涉嫌非法集资"],
            "fundraising")
    thuc = os.path.join(root, "thucnews_titles", "test.txt")
    if os.path.isfile(thuc):
        with open(thuc, encoding="utf-8") as f:
            add("thucnews_titles", [line.split("\t")[0] for line in f], None)
    tnews = os.path.join(root, "tnews", "test.json")
    if os.path.isfile(tnews):
        with open(tnews, encoding="utf-8") as f:
            add("tnews", [json.loads(line)["sentence"] for line in f if line.strip()], None)
    reviews = os.path.join(root, "consumer_fraud_reviews")
    if os.path.isdir(reviews):
        texts = []
        for path in sorted(glob.glob(os.path.join(reviews, "*.csv"))):
            with open(path, encoding="utf-8", newline="") as f:
                texts.extend(row.get("reviews", "") for row in csv.DictReader(f))
        add("consumer_fraud_reviews", texts, None)
    uci = os.path.join(root, "uci_sms_spam_en", "SMSSpamCollection.tsv")
    if os.path.isfile(uci):
        with open(uci, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f, delimiter="\t"))[1:]
        add("uci_sms_spam_en ham", [r[1] for r in rows if len(r) > 1 and r[0] == "ham"], None)
    return sets
