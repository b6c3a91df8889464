"""The kind of a text, learned beside its labels: is it a scam, a warning, news, a report, other?

A corpus row's kind is its `kind` field, else what its genre says: a scam is a scam; news and
reports are themselves; a notice or a post that speaks of a fraud type warns about it, and one
that does not is `other`, like an unlabelled SMS. A labelled SMS can be the scam or the warning,
so it needs its `kind` field (`corpus check` says so).

The kinds are scored by logistic regressions over the labels' own features, stacked as more
columns of the same numpy scorer: no second vocabulary or pass over the text, but nine columns
instead of four make the scorer's product about 40% slower (0.18 -> 0.26 s on 3 MB of reports).

A kind is what a text does, not how long it is, but in the corpus the two go together: most of
its news are headlines and short items, all its reports are long. Unweighted, the regressions
learnt "long and official = report" and read 300-700-character government news as reports. So
each kind's examples are weighted so that its length bands (`LENGTH_BANDS`, in Chinese
characters; an English text counts a third of its characters) weigh alike, each example's
weight capped at `MAX_BAND_WEIGHT` so that a thin band does not dominate. The long news band is
the thin one (about 2% of the news, against most of the reports): at a cap of 5 it weighed a
fifth of its share and long English news still read as reports; at 10 (measured with
`python train.py --real`, issue 18) real_dev_en's genres match 0.862 instead of 0.845 and
fbs_sms's scams 0.888 instead of 0.883; 20 gave the same dev figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from pipeline.model.scoring import KINDS, LinearScorer
from pipeline.training.corpus import Example

_SAME_AS_GENRE = {"scam", "news", "report"}


def kind_of(example: Example) -> str | None:
    """The kind of a corpus example, or None when neither its kind nor its genre says."""
    if example.kind:
        return example.kind
    if example.genre in _SAME_AS_GENRE:
        return example.genre
    if example.genre in ("notice", "post"):
        return "warning" if example.labels else "other"
    if example.genre == "sms" and not example.labels:
        return "other"
    return None


def kinds_of(examples: Sequence[Example]) -> list[str] | None:
    """Every example's kind, or None when some example's kind is unknown (then no kind model)."""
    kinds = [kind_of(ex) for ex in examples]
    return None if any(kind is None for kind in kinds) else kinds


LENGTH_BANDS = (150, 400, 1000)  # Chinese characters, or three English characters each
MAX_BAND_WEIGHT = 10.0
_CHARS_PER_UNIT = {"en": 3}


def text_length(text: str, lang: str | None) -> float:
    """The length of `text` in Chinese-character units (English: a third of its characters)."""
    return len(text) / _CHARS_PER_UNIT.get(lang or "", 1)


def length_weights(lengths: Sequence[float], kinds: Sequence[str]) -> np.ndarray:
    """One weight per example: within each kind, every length band holds the same total
    weight (a band's weight per example at most MAX_BAND_WEIGHT); each kind sums to its size."""
    bands = np.digitize(np.asarray(lengths, dtype=float), LENGTH_BANDS)
    kinds = np.asarray(kinds)
    weights = np.ones(len(kinds))
    for kind in np.unique(kinds):
        of_kind = kinds == kind
        present = np.unique(bands[of_kind])
        even_share = of_kind.sum() / len(present)  # the examples each band should weigh as
        for band in present:
            cell = of_kind & (bands == band)
            weights[cell] = min(even_share / cell.sum(), MAX_BAND_WEIGHT)
    return weights


def fit_kinds(features: Any, kinds: Sequence[str], seed: int, c: float = 10.0,
              lengths: Sequence[float] | None = None) -> np.ndarray:
    """Weights and intercepts of one logistic regression per kind (KINDS order) over the fitted
    features `features` (a sparse matrix): shape (n_features + 1, len(KINDS)). With the texts'
    `lengths`, each kind's length bands weigh alike (`length_weights`)."""
    weights = None if lengths is None else length_weights(lengths, kinds)
    columns = []
    for kind in KINDS:
        y = np.array([k == kind for k in kinds], dtype=int)
        model = LogisticRegression(C=c, class_weight="balanced", solver="liblinear",
                                   random_state=seed).fit(features, y, sample_weight=weights)
        columns.append(np.append(model.coef_.ravel(), model.intercept_[0]))
    return np.column_stack(columns)


def with_kinds(scorer: LinearScorer, kind_weights: np.ndarray) -> LinearScorer:
    """`scorer` with the kinds' columns after its labels' columns."""
    return LinearScorer(scorer.blocks, np.hstack([scorer.weights, kind_weights[:-1]]),
                        np.concatenate([scorer.intercepts, kind_weights[-1]]))


# What the real texts' genres say their kind is (posts can be any kind: left out)
GENRE_KIND = {"news": "news", "report": "report", "notice": "warning"}


def kind_rows(model, prepare, sets, articles, dev_sets) -> list[str]:
    """Markdown rows of the kind figures on real text: `scam` on the public scam SMS, `news` or
    `warning` on fraud news articles, and the genre of the real dev documents."""
    def kinds(examples):
        return [model.kinds[int(row.argmax())] for row in model.predict(prepare(examples))[1]]

    rows = []
    for real_set in sets:
        if real_set.name.startswith(("telecom_fraud_texts_5 fraud", "fbs_sms")):
            found = kinds(real_set.examples)
            rows.append(f"| {real_set.name} | {len(found)} | kind scam | "
                        f"{found.count('scam') / len(found):.3f} | >= 0.95 |")
    for real_set in sets:  # ordinary texts: a monitor's false scam alarms
        if real_set.label is None:
            found = kinds(real_set.examples)
            rows.append(f"| {real_set.name} | {len(found)} | read as scam (false) | "
                        f"{found.count('scam') / len(found):.3f} |  |")
    if articles:
        found = kinds([a.example for a in articles])
        share = sum(k in ("news", "warning") for k in found) / len(found)
        rows.append(f"| fraud_news_reports | {len(found)} | kind news or warning | {share:.3f} | "
                    ">= 0.95 |")
    for name, examples in dev_sets:
        kept = [ex for ex in examples if ex.genre in GENRE_KIND]
        if kept:
            hits = sum(k == GENRE_KIND[ex.genre] for k, ex in zip(kinds(kept), kept))
            rows.append(f"| {name} (news, report, notice) | {len(kept)} | kind as its genre | "
                        f"{hits / len(kept):.3f} | >= 0.85 |")
    return rows
