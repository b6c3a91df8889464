"""Score documents with a fitted linear model, with numpy alone.

What inference needs and nothing of scikit-learn or SciPy: the term analyzers (word and character
n-grams), the integer word index, TF-IDF on bare arrays, `LinearScorer` (vocabularies, IDF
weights and the stacked coefficients of the one-vs-rest logistic regressions) and `FraudModel`.
The scorer is saved beside the joblib file, so a process that only scores never imports
scikit-learn, whose import alone takes a second at every start.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, filterfalse, islice, repeat
from operator import add, is_not
from typing import Any, NamedTuple, Protocol

import numpy as np

from pipeline.document import Document

# Lower-case ASCII and fold digits to 0 in one pass; the view is NFKC, so letters are ASCII
_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789",
                      "abcdefghijklmnopqrstuvwxyz000000000")
SEP = "\x00"  # between the terms of a saved vocabulary: a view never holds NUL
_WINDOW = 50_000  # tokens per slice of a long document, to bound the terms held at once
_STOP = -2  # the word id of a stop word (-1: an unknown word)


class WordTerms:
    """Word n-grams of a Document: lower-cased tokens, digits folded to 0, punctuation left out.

    A long document is read in windows of tokens, so it never holds a list of all its terms.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2),
                 stop_words: frozenset[str] = frozenset()) -> None:
        self.ngram_range = tuple(ngram_range)
        self.stop_words = frozenset(stop_words)

    def __reduce__(self):
        # a set pickles in hash order, which changes from process to process: sorted, the same
        # training gives the same model file (and sha256)
        return type(self), (self.ngram_range, tuple(sorted(self.stop_words)))

    def __call__(self, doc: Document) -> Iterator[str]:
        if not doc.tokens:
            return iter(())
        folded = (doc.view or "").translate(_FOLD)
        if len(doc.tokens.starts) <= _WINDOW:
            return iter(self._terms(self._words(folded, doc.tokens.starts, doc.tokens.ends)))
        return chain.from_iterable(self._windows(folded, doc.tokens.starts, doc.tokens.ends))

    def _words(self, folded: str, starts, ends) -> list[str]:
        words = filter(str.isalnum, map(folded.__getitem__, map(slice, starts, ends)))
        if self.stop_words:
            words = filterfalse(self.stop_words.__contains__, words)
        return list(words)

    def _windows(self, folded: str, starts, ends) -> Iterator[list[str]]:
        """Terms window by window; each carries the last n-1 words of the one before."""
        carry: list[str] = []
        keep = self.ngram_range[1] - 1
        for i in range(0, len(starts), _WINDOW):
            words = carry + self._words(folded, starts[i:i + _WINDOW], ends[i:i + _WINDOW])
            yield self._terms(words, skip=len(carry))
            carry = words[len(words) - keep:] if keep else []

    def _terms(self, words: list[str], skip: int = 0) -> list[str]:
        """Terms of `words`, less those made only of the first `skip` (already counted)."""
        low, high = self.ngram_range
        terms = words[skip:] if low <= 1 else []
        for n in range(max(2, low), high + 1):
            grams = map(" ".join, zip(*(words[k:] for k in range(n))))
            terms.extend(grams if not skip else list(grams)[max(0, skip - n + 1):])
        return terms


class WordIndex:
    """A word n-gram vocabulary keyed by integers, so a document's terms are found with numpy.

    Joining every n-gram into a string and looking it up costs more than segmenting the text;
    here each word is looked up once, and an n-gram is the number its word ids spell in base
    `len(words)`, found by binary search in the sorted keys of the vocabulary's n-grams.
    """

    def __init__(self, terms: WordTerms, vocabulary: dict[str, int]) -> None:
        self.terms = terms
        low, high = terms.ngram_range
        # Built with map() and numpy, no Python loop per term: this runs at every start
        term_list = list(vocabulary)
        spoken = " ".join(term_list).split(" ")  # every term's words, one after another
        words = dict(zip(dict.fromkeys(spoken), range(len(spoken))))
        all_ids = np.fromiter(map(words.__getitem__, spoken), np.int64, len(spoken))
        lengths = np.fromiter(map(str.count, term_list, repeat(" ")), np.int64, len(term_list)) + 1
        firsts = np.cumsum(lengths) - lengths  # where each term's words start in all_ids
        all_columns = np.fromiter(vocabulary.values(), np.int64, len(term_list))
        self.base = max(len(words), 1)
        if self.base ** high >= 2 ** 62:
            raise OverflowError("too many words for integer n-gram keys")
        # Per n: sorted keys, their columns, and per position which words occur there at all
        # (indexed by word id; the extra last entry answers for -1, an unknown word).
        self.tables = {}
        for n in range(low, high + 1):
            which = np.flatnonzero(lengths == n)
            table = all_ids[firsts[which, None] + np.arange(n)]  # one row of word ids per term
            keys = np.zeros(len(which), np.int64)
            members = []
            for k in range(n):
                keys = keys * self.base + table[:, k]
                member = np.zeros(self.base + 1, bool)
                member[table[:, k]] = True
                members.append(member)
            order = np.argsort(keys)
            self.tables[n] = (keys[order], all_columns[which][order], members)
        self.unigrams = None  # column by word id (-1: no unigram), when unigrams are terms
        if 1 in self.tables:
            keys, columns, _ = self.tables.pop(1)
            self.unigrams = np.full(self.base + 1, -1, np.int64)
            self.unigrams[keys] = columns
        # word -> id; a stop word (never in the vocabulary) answers _STOP, to be dropped
        self.words = dict.fromkeys(terms.stop_words, _STOP) | words

    def columns(self, doc: Document) -> Iterator[np.ndarray]:
        """Vocabulary columns of the terms of `doc` (one array per window, with repeats)."""
        if not doc.tokens:
            return
        strings = doc.tokens.strings
        if strings is not None and not self.terms.stop_words:
            yield self._lookup(self._ids(list(filter(str.isalnum, strings)), fold=True), 0)
            return
        folded = (doc.view or "").translate(_FOLD)
        starts, ends = doc.tokens.starts, doc.tokens.ends
        keep = self.terms.ngram_range[1] - 1
        carry = np.zeros(0, np.int64)
        for i in range(0, len(starts), _WINDOW):
            words = self.terms._words(folded, starts[i:i + _WINDOW], ends[i:i + _WINDOW])
            ids = self._ids(words, fold=False)
            if carry.size:
                ids = np.concatenate([carry, ids])
            yield self._lookup(ids, skip=len(carry))
            carry = ids[max(0, len(ids) - keep):] if keep else carry

    def _ids(self, words: list[str], fold: bool) -> np.ndarray:
        """Word ids (-1: unknown). With `fold`, an unknown word is looked up again folded
        (lower case, digits 0): the vocabulary holds folded words only, and folding the few
        unknown words costs less than folding the whole view."""
        get = self.words.get
        ids = np.fromiter(map(get, words, repeat(-1)), np.int64, len(words))
        if fold:
            unknown = np.flatnonzero(ids < 0)
            if unknown.size:  # all in C: map, not a Python loop
                again = map(str.translate, map(words.__getitem__, unknown.tolist()),
                            repeat(_FOLD))
                ids[unknown] = np.fromiter(map(get, again, repeat(-1)), np.int64, unknown.size)
        return ids

    def count(self, docs: Sequence[Document], width: int) -> Rows:
        """Term counts of `docs`: all at once (one lookup for the batch instead of a dozen
        numpy calls per post) when each keeps its token strings or fits in one window, else
        document by document."""
        if not all(d.tokens and (d.tokens.strings is not None or len(d.tokens.starts) <= _WINDOW)
                   for d in docs):
            return count_terms(self.columns, width, docs)
        words: list[str] = []
        ends = []  # where each document's words end in `words`
        for doc in docs:
            strings = doc.tokens.strings
            if strings is not None:
                words.extend(filter(str.isalnum, strings))
            else:  # folded already: _ids folds only the words it does not find, as here
                words.extend(self.terms._words((doc.view or "").translate(_FOLD),
                                               doc.tokens.starts, doc.tokens.ends))
            words.append("")  # an unknown word: no n-gram spans two documents
            ends.append(len(words))
        ids = self._ids(words, fold=True)
        stop = ids == _STOP
        if stop.any():  # drop stop words, as WordTerms does: n-grams join their neighbours
            kept = np.flatnonzero(~stop)
            ends, ids = np.searchsorted(kept, ends), ids[kept]
        columns, positions = self._lookup(ids, 0, with_positions=True)
        rows = np.searchsorted(ends, positions, side="right")
        keys, counts = np.unique(rows * width + columns, return_counts=True)
        indptr = np.zeros(len(docs) + 1, np.int64)
        np.cumsum(np.bincount(keys // width, minlength=len(docs)), out=indptr[1:])
        return Rows(counts.astype(np.float64), (keys % width).astype(np.int32), indptr, width)

    def _lookup(self, ids: np.ndarray, skip: int, with_positions: bool = False):
        """Columns of the n-grams of `ids`, less those made only of the first `skip` ids
        (and, `with_positions`, where each n-gram starts)."""
        found, where_found = [], []
        if self.unigrams is not None and len(ids) > skip:
            unigrams = self.unigrams[ids[skip:]]
            hit = np.flatnonzero(unigrams >= 0)
            found.append(unigrams[hit])
            where_found.append(hit + skip)
        for n, (keys, columns, members) in self.tables.items():
            count = len(ids) - n + 1
            first = max(0, skip - n + 1)
            if count <= first or not keys.size:
                continue
            known = members[0][ids[first:count]]
            for k in range(1, n):
                known &= members[k][ids[first + k:count + k]]
            at = np.flatnonzero(known) + first
            key = ids[at]
            for k in range(1, n):
                key = key * self.base + ids[at + k]
            # binary search is three times faster over sorted needles (each search starts
            # where the last one ended, in cache) than over needles in text order
            order = np.argsort(key)
            where = np.empty_like(key)
            where[order] = np.searchsorted(keys, key[order])
            where[where == keys.size] = 0
            hit = keys[where] == key
            found.append(columns[where[hit]])
            where_found.append(at[hit])
        empty = np.zeros(0, np.int64)
        columns = np.concatenate(found) if found else empty
        if with_positions:
            return columns, (np.concatenate(where_found) if where_found else empty)
        return columns


class CharTerms:
    """Character n-grams of the analysis view (ASCII lower-cased, digits folded to 0).

    Built with map() over shifted strings (no Python loop per character), in windows of
    _WINDOW characters, so a 20 MB document never holds all its n-grams at once.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 3)) -> None:
        self.ngram_range = tuple(ngram_range)

    def __call__(self, doc: Document) -> Iterator[str]:
        text = (doc.view or "").translate(_FOLD)
        overlap = self.ngram_range[1] - 1
        windows = range(0, max(len(text), 1), _WINDOW)
        return chain.from_iterable(
            self._grams(text[i:i + _WINDOW + overlap], skip=overlap if i else 0)
            for i in windows)

    def _grams(self, text: str, skip: int) -> list[str]:
        """n-grams of `text`, less those lying wholly inside its first `skip` characters."""
        low, high = self.ngram_range
        grams: list[str] = []
        for n in range(low, high + 1):
            shifted = map(add, text, text[1:]) if n >= 2 else iter(text)
            for k in range(2, n):
                shifted = map(add, shifted, text[k:])
            grams.extend(islice(shifted, max(0, skip - n + 1), None))
        return [g for g in grams if not g.isspace()]


_CHUNK_TERMS = 1 << 20  # terms counted at a time: bounds memory on a 20 MB document


def term_columns(analyzer, vocabulary: dict[str, int]):
    """Vocabulary columns of a document's terms, looked up in C (dict.get), in chunks."""
    get, known = vocabulary.get, partial(is_not, None)

    def columns(doc: Document) -> Iterator[np.ndarray]:
        ids = filter(known, map(get, analyzer(doc)))
        while (chunk := np.fromiter(islice(ids, _CHUNK_TERMS), dtype=np.int64)).size:
            yield chunk

    return columns


class Rows(NamedTuple):
    """A CSR matrix as bare arrays."""

    data: np.ndarray  # float64
    indices: np.ndarray  # int32 columns
    indptr: np.ndarray
    width: int


def count_terms(columns, width: int, docs: Sequence[Document]) -> Rows:
    """Term counts like CountVectorizer.transform, from `columns(doc)` (arrays of columns)."""
    found, values, indptr = [], [], [0]
    for doc in docs:
        parts = [np.unique(chunk, return_counts=True) for chunk in columns(doc) if chunk.size]
        if len(parts) == 1:
            unique, counts = parts[0]
        elif parts:
            unique, inverse = np.unique(np.concatenate([u for u, _ in parts]),
                                        return_inverse=True)
            counts = np.bincount(inverse, weights=np.concatenate([c for _, c in parts]))
        else:
            unique, counts = np.zeros(0, np.int64), np.zeros(0)
        found.append(unique)
        values.append(counts)
        indptr.append(indptr[-1] + len(unique))
    return Rows(np.concatenate(values).astype(np.float64),
                 np.concatenate(found).astype(np.int32), np.array(indptr), width)


class TfidfWeights(NamedTuple):
    """What TfidfTransformer.transform needs once fitted (norm "l2" or None)."""

    idf: np.ndarray | None
    sublinear_tf: bool
    norm: str | None


def tfidf(counts: Rows, weights: TfidfWeights) -> Rows:
    """TfidfTransformer.transform on bare arrays, in place on `counts` (fresh arrays)."""
    data = counts.data
    if weights.sublinear_tf:
        np.log(data, out=data)
        data += 1
    if weights.idf is not None:
        data *= weights.idf[counts.indices]
    if weights.norm == "l2":
        rows = np.repeat(np.arange(len(counts.indptr) - 1), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data ** 2, minlength=len(counts.indptr) - 1))
        norms[norms == 0] = 1
        data /= norms[rows]
    elif weights.norm is not None:
        raise ValueError(f"TF-IDF norm {weights.norm!r}: only l2 or none")
    return counts


class Block:
    """One fitted block of features: its terms, vocabulary and TF-IDF weights."""

    def __init__(self, kind: str, analyzer, vocabulary: dict[str, int],
                 weights: TfidfWeights) -> None:
        self.kind = kind
        self.analyzer = analyzer
        self.vocabulary = vocabulary
        self.weights = weights
        self._terms: list[str] | None = None
        self.index: WordIndex | None = None
        if isinstance(analyzer, WordTerms):
            try:
                self.index = WordIndex(analyzer, vocabulary)
            except OverflowError:  # a vocabulary too large for integer keys: use strings
                self.index = None
        self.width = len(vocabulary)

    def rows(self, docs: Sequence[Document]) -> Rows:
        counts = (self.index.count(docs, self.width) if self.index else
                  count_terms(term_columns(self.analyzer, self.vocabulary), self.width, docs))
        return tfidf(counts, self.weights)

    def terms(self) -> list[str]:
        """The vocabulary in column order (built once: explanations ask for it per label)."""
        if self._terms is None:
            self._terms = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return self._terms

    def spec(self) -> dict[str, Any]:
        analyzer = self.analyzer
        return {"kind": self.kind, "ngram_range": list(analyzer.ngram_range),
                "stop_words": sorted(getattr(analyzer, "stop_words", ())),
                "sublinear_tf": self.weights.sublinear_tf, "norm": self.weights.norm}


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + e^-x) without overflow


class LinearScorer:
    """Probabilities of one-vs-rest logistic regressions over TF-IDF blocks."""

    def __init__(self, blocks: list[Block], weights: np.ndarray, intercepts: np.ndarray) -> None:
        self.blocks = blocks
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.intercepts = np.asarray(intercepts, dtype=np.float64)

    def decision(self, docs: Sequence[Document]) -> np.ndarray:
        """features(docs) @ weights + intercepts, without building sparse matrices: for a few
        posts, SciPy's constructor checks cost more than the product itself."""
        total = np.zeros((len(docs), self.weights.shape[1]))
        offset = 0
        for block in self.blocks:
            rows = block.rows(docs)
            # np.take and in-place products: a fancy index W[indices] and fresh arrays at each
            # step cost four times as much for the same numbers (bit for bit)
            part = np.take(self.weights, rows.indices + offset if offset else rows.indices,
                           axis=0)
            part *= rows.data[:, None]
            sums = np.empty((len(part) + 1, part.shape[1]))
            sums[0] = 0
            np.cumsum(part, axis=0, out=sums[1:])
            total += sums[rows.indptr[1:]] - sums[rows.indptr[:-1]]
            offset += rows.width
        if len(self.blocks) > 1:  # the blocks are stacked, scaled by 1/sqrt(blocks)
            total /= np.sqrt(len(self.blocks))
        return total + self.intercepts

    def predict_proba(self, docs: Sequence[Document]) -> np.ndarray:
        return sigmoid(self.decision(docs))

    def contributions(self, doc: Document, column: int, top: int) -> list[dict]:
        """The terms of `doc` that pushed column `column`'s score up the most."""
        found = []
        offset = 0
        scale = 1 / np.sqrt(len(self.blocks)) if len(self.blocks) > 1 else 1.0
        for block in self.blocks:
            rows = block.rows([doc])
            weights = self.weights[offset + rows.indices, column] * rows.data * scale
            found.extend((float(w), block, int(i)) for w, i in zip(weights, rows.indices))
            offset += block.width
        found.sort(key=lambda item: -item[0])
        return [{"term": block.terms()[i], "weight": round(weight, 4)}
                for weight, block, i in found[:top] if weight > 0]

    # saved as a zip of .npy arrays (np.load reads it, allow_pickle=False: it runs no code)
    def save(self, path: str) -> dict[str, Any]:
        """Write the arrays to `path`; return what the manifest records about the blocks."""
        arrays = {"weights": self.weights, "intercepts": self.intercepts}
        for k, block in enumerate(self.blocks):
            arrays[f"vocabulary_{k}"] = np.frombuffer(SEP.join(block.terms()).encode(), np.uint8)
            if block.weights.idf is not None:
                arrays[f"idf_{k}"] = block.weights.idf
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, np.ascontiguousarray(array),
                                          allow_pickle=False)
                # a fixed date: the same model gives the same bytes (and sha256)
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(info, buffer.getvalue(), zipfile.ZIP_DEFLATED)
        return {"blocks": [block.spec() for block in self.blocks]}

    @classmethod
    def load(cls, path: str, spec: dict[str, Any]) -> LinearScorer:
        with np.load(path, allow_pickle=False) as arrays:
            blocks = []
            for k, item in enumerate(spec["blocks"]):
                text = arrays[f"vocabulary_{k}"].tobytes().decode()
                terms = text.split(SEP) if text else []
                analyzer = (WordTerms(tuple(item["ngram_range"]), frozenset(item["stop_words"]))
                            if item["kind"] == "word" else CharTerms(tuple(item["ngram_range"])))
                idf = arrays[f"idf_{k}"] if f"idf_{k}" in arrays.files else None
                blocks.append(Block(item["kind"], analyzer, dict(zip(terms, range(len(terms)))),
                                    TfidfWeights(idf, item["sublinear_tf"], item["norm"])))
            return cls(blocks, arrays["weights"], arrays["intercepts"])


class Scorer(Protocol):
    """What scores documents for a FraudModel: the numpy LinearScorer, or an EstimatorScorer."""

    def predict_proba(self, docs: Sequence[Document]) -> np.ndarray: ...

    def contributions(self, doc: Document, column: int, top: int) -> list[dict]: ...


class EstimatorScorer:
    """Scores with a fitted scikit-learn pipeline (calibrated SVC, hashed features): for models
    that have no LinearScorer. It calls the estimator's methods and imports nothing of
    scikit-learn itself."""

    def __init__(self, estimator: Any) -> None:
        self.estimator = estimator

    def predict_proba(self, docs: Sequence[Document]) -> np.ndarray:
        proba = np.asarray(self.estimator.predict_proba(list(docs)))
        # One label: scikit-learn answers as a binary classifier, P(no) then P(yes)
        return proba[:, 1:] if len(self.estimator.named_steps["model"].estimators_) == 1 \
            else proba

    def contributions(self, doc: Document, column: int, top: int) -> list[dict]:
        features = self.estimator.named_steps["features"]
        names = features.feature_names()
        coef = _coefficients(self.estimator.named_steps["model"].estimators_[column])
        if names is None or coef is None:
            return []
        row = features.transform([doc]).tocsr()
        contributions = row.data * coef[row.indices]
        order = np.argsort(-contributions)[:top]
        return [{"term": names[row.indices[i]].split(":", 1)[1],
                 "weight": round(float(contributions[i]), 4)}
                for i in order if contributions[i] > 0]


def _coefficients(estimator: Any) -> np.ndarray | None:
    if hasattr(estimator, "coef_"):
        return np.ravel(estimator.coef_)
    if hasattr(estimator, "calibrated_classifiers_"):
        coefs = [np.ravel(c.estimator.coef_) for c in estimator.calibrated_classifiers_]
        return np.mean(coefs, axis=0)
    return None


KINDS = ("scam", "warning", "news", "report", "other")  # what a text is, beside its labels


@dataclass
class FraudModel:
    """A model's labels, per-label thresholds and manifest, with the Scorer that scores
    documents and, when loaded in full, the fitted scikit-learn estimator it was made from.

    The evidence cues of its labels (pipeline/lang/cues.py): a label with cues scores 0 on a
    text that holds none. When `kinds` is set, the scorer's columns after the labels' score the
    kinds (KINDS).
    """

    labels: list[str]
    thresholds: dict[str, float]
    scorer: Scorer
    manifest: dict[str, Any] = field(default_factory=dict)
    estimator: Any = None  # the scikit-learn Pipeline (None when loaded for scoring only)
    kinds: list[str] = field(default_factory=list)
    cues: dict[str, tuple[str, ...]] | None = None  # None: those in the manifest, if any

    def __post_init__(self) -> None:
        if self.cues is None:
            self.cues = {label: tuple(cues) for label, cues in
                         self.manifest.get("evidence_cues", {}).items()}
        self.matchers = matchers(self.labels, self.cues)

    def predict_proba(self, docs: Sequence[Document]) -> np.ndarray:
        """Probabilities, one row per document, one column per label (in `labels` order); a
        label that reaches its threshold but whose cues the document lacks scores 0."""
        return self.predict(docs)[0]

    def predict(self, docs: Sequence[Document]) -> tuple[np.ndarray, np.ndarray]:
        """The labels' probabilities (after the evidence gate) and the kinds' (each row summing
        to 1; no columns when the model has no kinds), one row per document."""
        if not docs:
            return np.zeros((0, len(self.labels))), np.zeros((0, len(self.kinds)))
        scores = self.scorer.predict_proba(list(docs))
        n = len(self.labels)
        floors = {column: self.thresholds[self.labels[column]] for column in self.matchers}
        labels = gate(np.array(scores[:, :n]), docs, self.matchers, floors)
        kinds = scores[:, n:n + len(self.kinds)]
        if len(self.kinds):
            kinds = kinds / kinds.sum(axis=1, keepdims=True)
            self._gate_scams(kinds, docs)
        return labels, kinds

    def _gate_scams(self, kinds: np.ndarray, docs: Sequence[Document]) -> None:
        """A scam is a fraud attempt, so it holds a cue of some label (a channel, money, a
        prize, an impersonation opener), a link or a request for money (cues.ATTEMPT): where
        `scam` leads on a text that holds none ("hi", "你好"), it scores 0 and the other kinds
        share its mass. Like the labels' gate, only the texts it decides are searched."""
        if "scam" not in self.kinds or not self.matchers:
            return
        from pipeline.lang.cues import ATTEMPT

        column = self.kinds.index("scam")
        for i in np.flatnonzero(kinds.argmax(axis=1) == column):
            view = docs[i].view or ""
            if not ATTEMPT.search(view) and \
                    not any(matcher.search(view) for matcher in self.matchers.values()):
                kinds[i, column] = 0.0
                kinds[i] /= kinds[i].sum()

    def model_proba(self, docs: Sequence[Document]) -> np.ndarray:
        """The linear model's label probabilities, before the evidence gate."""
        if not docs:
            return np.zeros((0, len(self.labels)))
        return self.scorer.predict_proba(list(docs))[:, :len(self.labels)]

    def decide(self, probabilities: np.ndarray) -> list[list[str]]:
        cut = np.array([self.thresholds[label] for label in self.labels])
        return [[label for label, hit in zip(self.labels, row) if hit]
                for row in probabilities >= cut]

    def evidence(self, doc: Document, label: str, limit: int = 5) -> list[tuple[int, int]]:
        """Up to `limit` view spans of `label`'s cues in `doc` ([] for a label without cues)."""
        matcher = self.matchers.get(self.labels.index(label))
        return matcher.spans(doc.view or "", limit) if matcher else []

    def term_contributions(self, doc: Document, label: str, top: int = 8) -> list[dict]:
        """The terms of `doc` that pushed the score for `label` up the most."""
        return self.scorer.contributions(doc, self.labels.index(label), top)


def matchers(labels: Sequence[str], cues: dict[str, tuple[str, ...]]) -> dict[int, Any]:
    """{column: CueMatcher} for the labels that have cues."""
    from pipeline.lang.cues import CueMatcher

    return {labels.index(label): CueMatcher(found) for label, found in cues.items()
            if label in labels and found}


def gate(proba: np.ndarray, docs: Sequence[Document], by_column: dict[int, Any],
         floors: dict[int, float] | None = None) -> np.ndarray:
    """`proba` with 0 where a label has cues and the document holds none of them (evidence
    gate). Only scores at or above the column's floor (default 0.01) are checked, one regex
    search per document and gated label: scoring checks only those that reach the threshold,
    which decides the same labels for a fraction of the searches."""
    if not by_column or not len(proba):
        return proba
    for column, matcher in by_column.items():
        floor = (floors or {}).get(column, 0.01)
        for i in np.flatnonzero(proba[:, column] >= floor):
            if not matcher.search(docs[i].view or ""):
                proba[i, column] = 0.0
    return proba
