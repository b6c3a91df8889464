"""Score repost clustering on a test set made from our corpus: pair precision and recall.

    python -m pipeline.training.cluster_eval [--bases 300] [--unrelated 2000] [--seed 0]
    python -m pipeline.training.cluster_eval --fbs   # the clusters of fbs_sms's fraud rows

Base texts are short corpus texts (posts, SMS, scams, notices). Each gets 0 to 20 variants, each
made by one to three of the edits reposts show: other links, other numbers, another name, emoji,
other spacing, Traditional characters, a few words changed. The unrelated texts are other
corpus texts. Texts are first made distinct (no two over 0.3 estimated Jaccard), so that every
pair the clustering joins across bases is its error. A pair is two texts of one cluster; its
precision is the share of predicted pairs that share a base, recall the share of same-base pairs
that the clustering put together.
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import random
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from pipeline.cluster.minhash import PERMUTATIONS, signature
from pipeline.cluster.reposts import RepostClusters
from pipeline.text.normalize import normalize
from pipeline.training.corpus import load_examples

_GENRES = {"post", "sms", "scam", "notice"}
_EMOJI = "😀🔥👉❗✅💰📢🙏😱👍"
_HANZI = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
_WORDS = ["please", "now", "today", "urgent", "dear", "friend", "team", "notice", "soon", "here"]
_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "Emma", "David", "Lily"]


def _links(text: str, rng: random.Random) -> str:
    link = f"http://{rng.choice(['t.cn', 'bit.ly', 'a.xyz', 'k9.top'])}/{rng.randrange(16**6):x}"
    found = re.sub(r"https?://\S+", link, text)
    return found if found != text else f"{text} {link}"


def _numbers(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(rng.randrange(10 ** len(m.group()))), text)


def _name(text: str, rng: random.Random) -> str:
    where = rng.randrange(max(1, len(text) - 2))
    return text[:where] + rng.choice(_NAMES) + text[where + 2:]


def _emoji(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        where = rng.randrange(len(text) + 1)
        text = text[:where] + rng.choice(_EMOJI) + text[where:]
    return text


def _spacing(text: str, rng: random.Random) -> str:
    text = re.sub(r"\s+", rng.choice([" ", "  ", "\n", "\u3000", ""]), text)
    return rng.choice(["", " ", "\n"]) + text + rng.choice(["", " ", "\n"])


@functools.cache
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t").convert


def _traditional(text: str, rng: random.Random) -> str:
    return _to_traditional()(text)


def _words(text: str, rng: random.Random) -> str:
    """A few words changed: up to three hanzi, or one or two English words."""
    if re.search(r"[\u4e00-\u9fff]", text):
        chars = list(text)
        hanzi = [i for i, c in enumerate(chars) if "\u4e00" <= c <= "\u9fff"]
        for i in rng.sample(hanzi, min(len(hanzi), rng.randint(1, 3))):
            chars[i] = rng.choice(_HANZI)
        return "".join(chars)
    words = text.split(" ")
    for i in rng.sample(range(len(words)), min(len(words), rng.randint(1, 2))):
        words[i] = rng.choice(_WORDS)
    return " ".join(words)


EDITS = (_links, _numbers, _name, _emoji, _spacing, _traditional, _words)


@dataclass
class Item:
    base: int  # the base text it was made from (an unrelated text is its own base)
    text: str


def make_test_set(bases: int = 300, unrelated: int = 2000, seed: int = 0) -> list[Item]:
    """Base texts with their variants and unrelated texts, shuffled: the order of a stream."""
    rng = random.Random(seed)
    pool = [ex.text for ex in load_examples() if ex.genre in _GENRES and 30 <= len(ex.text) <= 600]
    rng.shuffle(pool)
    distinct: list[str] = []
    kept = np.zeros((bases + unrelated, PERMUTATIONS), dtype=np.uint32)
    for text in pool:
        sig = signature(normalize(text).view)
        if (kept[:len(distinct)] == sig).mean(axis=1).max(initial=0) <= 0.3:
            kept[len(distinct)] = sig
            distinct.append(text)
        if len(distinct) == bases + unrelated:
            break
    items = []
    for n, text in enumerate(distinct):
        items.append(Item(n, text))
        if n < bases:
            for _ in range(rng.randint(0, 20)):
                variant = text
                for edit in rng.sample(EDITS, rng.randint(1, 3)):
                    variant = edit(variant, rng)
                items.append(Item(n, variant))
    rng.shuffle(items)
    return items


def _pairs(counts: Counter) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def score(items: list[Item], clusters: RepostClusters) -> dict[str, float]:
    """Pair precision and recall of `clusters` assigning `items` in order."""
    assigned = [clusters.add(signature(normalize(item.text).view), seen=str(n),
                             text=item.text).id for n, item in enumerate(items)]
    predicted = _pairs(Counter(assigned))
    true = _pairs(Counter(item.base for item in items))
    both = _pairs(Counter(zip(assigned, (item.base for item in items))))
    return {"texts": len(items), "clusters": len(set(assigned)),
            "precision": both / predicted if predicted else 1.0,
            "recall": both / true if true else 1.0}


def fbs_clusters(path: str, top: int = 5) -> dict:
    """The repost clusters of the fraud rows (category FR:*) of the fbs_sms CSV at `path`, all
    of them in file order, with a window that forgets none: how many, and the largest."""
    with open(path, encoding="utf-8", newline="") as f:
        texts = [row["text"] for row in csv.DictReader(f) if row["category"].startswith("FR:")]
    clusters = RepostClusters(window=len(texts) + 1, text_chars=40)
    for n, text in enumerate(texts):
        clusters.add(signature(normalize(text).view), seen=str(n), text=text)
    sizes = [c.size for c in clusters.clusters.values()]
    return {"texts": len(texts), "clusters": len(sizes),
            "singletons": sum(size == 1 for size in sizes),
            "largest": [(c.size, c.text) for c in clusters.top(top)]}


def _print_fbs() -> int:
    from pipeline.training.realdata import shared_dir

    path = os.path.join(shared_dir(), "datasets", "fbs_sms", "fbs_sms.csv")
    if not os.path.isfile(path):
        print(f"no {path}")
        return 1
    found = fbs_clusters(path)
    print(f"fbs_sms fraud rows: {found['texts']} texts, {found['clusters']} clusters "
          f"({found['singletons']} of one text); largest:")
    for size, text in found["largest"]:
        print(f"  {size:6d}  {text}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bases", type=int, default=300)
    parser.add_argument("--unrelated", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threshold", type=float, default=0.4)
    parser.add_argument("--fbs", action="store_true",
                        help="cluster the fraud rows of fbs_sms instead (../shared/datasets)")
    args = parser.parse_args(argv)
    if args.fbs:
        return _print_fbs()
    items = make_test_set(args.bases, args.unrelated, args.seed)
    result = score(items, RepostClusters(threshold=args.threshold))
    print(f"{result['texts']} texts, {result['clusters']} clusters; pair precision "
          f"{result['precision']:.4f}, recall {result['recall']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
