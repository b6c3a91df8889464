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


def shared_dir() -> str:
    return resolve()["shared"] or os.path.join(os.path.dirname(REPO_DIR), "shared")


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
    for read in _DATASETS:
        for name, texts, label in read(root):
            texts = _sample(texts, limit, seed)
            if texts:
                sets.append(RealSet(name, _as_examples(name, texts, [label] if label else []),
                                    label))
    return sets


# Each reader gives (name, texts, label or None) for the parts of one dataset that are present.
_Part = tuple[str, list[str], "str | None"]


def _dict_rows(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _rows(path: str, delimiter: str) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))


def _tf5(root: str) -> list[_Part]:
    folder = os.path.join(root, "telecom_fraud_texts_5")
    fraud, normal = [], []
    for path in sorted(glob.glob(os.path.join(folder, "label*-last.csv"))):
        rows = [row["content"] for row in _dict_rows(path)]
        (normal if path.endswith("label00-last.csv") else fraud).extend(rows)
    return [("telecom_fraud_texts_5 fraud", fraud, "telecom"),
            ("telecom_fraud_texts_5 normal SMS", normal, None)]


def _fbs(root: str) -> list[_Part]:
    path = os.path.join(root, "fbs_sms", "fbs_sms.csv")
    if not os.path.isfile(path):
        return []
    rows = _dict_rows(path)
    return [("fbs_sms FR:*", [r["text"] for r in rows if r["category"].startswith("FR:")],
             "telecom")]


def _ccks(root: str) -> list[_Part]:
    path = os.path.join(root, "ccks2019_fin_events", "event_type_entity_extract_eval.csv")
    if not os.path.isfile(path):
        return []
    rows = _rows(path, ",")
    return [("ccks2019 涉嫌非法集资", [r[1] for r in rows if len(r) > 2 and r[2] == "涉嫌非法集资"],
             "fundraising")]


def _thucnews(root: str) -> list[_Part]:
    path = os.path.join(root, "thucnews_titles", "test.txt")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [("thucnews_titles", [line.split("\t")[0] for line in f], None)]


def _tnews(root: str) -> list[_Part]:
    path = os.path.join(root, "tnews", "test.json")
    if not os.path.isfile(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [("tnews", [json.loads(line)["sentence"] for line in f if line.strip()], None)]


def _reviews(root: str) -> list[_Part]:
    folder = os.path.join(root, "consumer_fraud_reviews")
    if not os.path.isdir(folder):
        return []
    texts = [row.get("reviews", "") for path in sorted(glob.glob(os.path.join(folder, "*.csv")))
             for row in _dict_rows(path)]
    return [("consumer_fraud_reviews", texts, None)]


def _uci(root: str) -> list[_Part]:
    path = os.path.join(root, "uci_sms_spam_en", "SMSSpamCollection.tsv")
    if not os.path.isfile(path):
        return []
    rows = _rows(path, "\t")[1:]
    return [("uci_sms_spam_en ham", [r[1] for r in rows if len(r) > 1 and r[0] == "ham"], None)]


_DATASETS = (_tf5, _fbs, _ccks, _thucnews, _tnews, _reviews, _uci)


def real_dev_paths() -> list[str]:
    """The real dev files present: real_dev.jsonl (zh + en) and real_dev_en.jsonl."""
    names = ("real_dev.jsonl", "real_dev_en.jsonl")
    paths = [os.path.join(shared_dir(), "devsets", name) for name in names]
    return [path for path in paths if os.path.isfile(path)]


# fraud_news_reports: real telecom-fraud news, one search keyword per category (SOURCE.md).
# The eight categories whose articles are telecom fraud; the four others are shown for information.
NEWS_TELECOM = ("杀猪盘", "二手交易", "兼职刷单", "冒充客服", "微商代理", "短信", "网络贷款",
                "虚假购物")
NEWS_OTHER = ("投资", "虚拟货币", "传销", "诈骗")
# Issue 13's screens: an article of a telecom category that never names any of these words is
# taken not to be about fraud aimed at the elderly (or about illegal fund-raising), so pension
# (fundraising) on it counts as a false positive. The lists are fixed here, apart from the
# model's cue lexicons in pipeline/lang/cues/, so that changing those cannot move the target.
ELDERLY_CUES = ("老", "养老", "保健")
FUNDRAISING_CUES = ("集资", "吸收公众存款", "高息", "庞氏", "传销", "保本")
NEWS_MIN_BODY = 200


@dataclass
class NewsArticle:
    category: str  # the search keyword, 诈骗 and the quotes stripped: 杀猪盘, 短信, ...
    example: Example  # title + body, no labels

    @property
    def elderly_cue(self) -> bool:
        return any(cue in self.example.text for cue in ELDERLY_CUES)

    @property
    def fundraising_cue(self) -> bool:
        return any(cue in self.example.text for cue in FUNDRAISING_CUES)


def load_fraud_news(limit: int | None = None, seed: int = 0) -> list[NewsArticle]:
    """fraud_news_reports articles of the eight telecom and the four other categories whose body
    is longer than NEWS_MIN_BODY characters, as title + body ([] when the dataset is absent);
    with `limit`, a seeded sample of at most that many per category (no category has 200)."""
    path = os.path.join(shared_dir(), "datasets", "fraud_news_reports", "fraud_news_reports.csv")
    if not os.path.isfile(path):
        return []
    articles = []
    with open(path, encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            category = row["category"].replace("诈骗", "").strip(" “”\"") or "诈骗"
            body = (row.get("body") or "").strip()
            if category not in NEWS_TELECOM + NEWS_OTHER or len(body) <= NEWS_MIN_BODY:
                continue
            text = f"{(row.get('title') or '').strip()}\n\n{body}"
            articles.append(NewsArticle(category, Example(id=f"fraud_news:{i}", text=text,
                                                          labels=[])))
    if limit is not None:
        rng = random.Random(seed)
        kept = set()
        for category in NEWS_TELECOM + NEWS_OTHER:
            ids = [a.example.id for a in articles if a.category == category]
            kept.update(rng.sample(ids, limit) if len(ids) > limit else ids)
        articles = [a for a in articles if a.example.id in kept]
    return articles


def real_dev_sets() -> list[tuple[str, list[Example]]]:
    """(name, examples) of each real dev file, then of all of them together when there are
    several: `real_dev`, `real_dev_en`, `real_dev_all`."""
    sets = [(os.path.basename(path).removesuffix(".jsonl"), load_examples([path]))
            for path in real_dev_paths()]
    if len(sets) > 1:
        sets.append(("real_dev_all", [ex for _, examples in sets for ex in examples]))
    return sets
