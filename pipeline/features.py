"""Turn Documents (analysis view + tokens) into feature matrices for the linear models.

Everything here is importable at module level so the fitted model pickles and loads anywhere,
and the transformer follows scikit-learn's estimator contract (clone, get_params, set_params).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Sequence
from functools import partial
from itertools import chain, filterfalse, islice, repeat
from operator import add, is_not
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfTransformer

from .document import Document

# Lower-case ASCII and fold digits to 0 in one pass; the view is NFKC, so letters are ASCII
_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789",
                      "abcdefghijklmnopqrstuvwxyz000000000")
_SEP = "\x00"  # between the terms of a pickled vocabulary: a view never holds NUL
_WINDOW = 50_000  # tokens per slice of a long document, to bound the terms held at once


class WordTerms:
    """Word n-grams of a Document: lower-cased tokens, digits folded to 0, punctuation left out.

    A long document is read in windows of tokens, so it never holds a list of all its terms.
    """

    def __init__(self, ngram_range: tuple[int, int] = (1, 2),
                 stop_words: frozenset[str] = frozenset()) -> None:
        self.ngram_range = tuple(ngram_range)
        self.stop_words = stop_words

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
        words: dict[str, int] = {}
        grams: dict[int, tuple[list[list[int]], list[int]]] = {
            n: ([], []) for n in range(low, high + 1)}
        for term, column in vocabulary.items():
            ids = [words.setdefault(word, len(words)) for word in term.split(" ")]
            grams[len(ids)][0].append(ids)
            grams[len(ids)][1].append(column)
        self.words = words
        self.base = max(len(words), 1)
        if self.base ** high >= 2 ** 62:
            raise OverflowError("too many words for integer n-gram keys")
        # Per n: sorted keys, their columns, and per position which words occur there at all
        # (indexed by word id; the extra last entry answers for -1, an unknown word).
        self.tables = {}
        for n, (ids, columns) in grams.items():
            table = np.array(ids, np.int64).reshape(len(ids), n)
            keys = np.zeros(len(ids), np.int64)
            members = []
            for k in range(n):
                keys = keys * self.base + table[:, k]
                member = np.zeros(self.base + 1, bool)
                member[table[:, k]] = True
                members.append(member)
            order = np.argsort(keys)
            self.tables[n] = (keys[order], np.asarray(columns, np.int64)[order], members)
        self.unigrams = None  # column by word id (-1: no unigram), when unigrams are terms
        if 1 in self.tables:
            keys, columns, _ = self.tables.pop(1)
            self.unigrams = np.full(self.base + 1, -1, np.int64)
            self.unigrams[keys] = columns

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
            for i in np.flatnonzero(ids < 0).tolist():
                word = words[i]
                folded = word.translate(_FOLD)
                if folded != word:
                    ids[i] = get(folded, -1)
        return ids

    def count(self, docs: Sequence[Document], width: int) -> _Rows:
        """Term counts of `docs`: all at once when each keeps its token strings (one lookup for
        the batch instead of a dozen numpy calls per post), else document by document."""
        if self.terms.stop_words or not all(d.tokens and d.tokens.strings is not None
                                            for d in docs):
            return _count(self.columns, width, docs)
        words: list[str] = []
        ends = []  # where each document's words end in `words`
        for doc in docs:
            words.extend(filter(str.isalnum, doc.tokens.strings))
            words.append("")  # an unknown word: no n-gram spans two documents
            ends.append(len(words))
        ids = self._ids(words, fold=True)
        columns, positions = self._lookup(ids, 0, with_positions=True)
        rows = np.searchsorted(ends, positions, side="right")
        keys, counts = np.unique(rows * width + columns, return_counts=True)
        indptr = np.zeros(len(docs) + 1, np.int64)
        np.cumsum(np.bincount(keys // width, minlength=len(docs)), out=indptr[1:])
        return _Rows(counts.astype(np.float64), (keys % width).astype(np.int32), indptr, width)

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
            where = np.searchsorted(keys, key)
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


class DocumentVectorizer(TransformerMixin, BaseEstimator):
    """Word and/or character n-gram TF-IDF features, from a vocabulary or hashed."""

    def __init__(self, word_ngrams: tuple[int, int] | None = (1, 2),
                 char_ngrams: tuple[int, int] | None = None, hashing: bool = False,
                 n_features: int = 2 ** 18, min_df: int = 2, max_features: int | None = 200_000,
                 sublinear_tf: bool = True, stop_words: tuple[str, ...] = ()) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.hashing = hashing
        self.n_features = n_features
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf
        self.stop_words = stop_words

    def _analyzers(self) -> list[tuple[str, object]]:
        analyzers = []
        if self.word_ngrams:
            analyzers.append(("word", WordTerms(self.word_ngrams, frozenset(self.stop_words))))
        if self.char_ngrams:
            analyzers.append(("char", CharTerms(self.char_ngrams)))
        if not analyzers:
            raise ValueError("DocumentVectorizer needs word_ngrams or char_ngrams")
        return analyzers

    def fit(self, docs: Sequence[Document], y=None) -> DocumentVectorizer:
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Sequence[Document], y=None) -> sp.csr_matrix:
        self.vectorizers_ = []
        blocks = []
        for name, analyzer in self._analyzers():
            if self.hashing:
                hasher = HashingVectorizer(analyzer=analyzer, n_features=self.n_features,
                                           alternate_sign=False, norm=None)
                tfidf = TfidfTransformer(sublinear_tf=self.sublinear_tf)
                blocks.append(tfidf.fit_transform(hasher.transform(docs)))
                self.vectorizers_.append((name, hasher, tfidf))
            else:
                counter = CountVectorizer(analyzer=analyzer, min_df=self.min_df,
                                          max_features=self.max_features, dtype=np.float32)
                tfidf = TfidfTransformer(sublinear_tf=self.sublinear_tf)
                blocks.append(tfidf.fit_transform(counter.fit_transform(docs)))
                self.vectorizers_.append((name, counter, tfidf))
        return _stack(blocks)

    def transform(self, docs: Sequence[Document]) -> sp.csr_matrix:
        return _stack([self._block(position, docs).csr()
                       for position in range(len(self.vectorizers_))])

    def linear_scores(self, docs: Sequence[Document], weights: np.ndarray) -> np.ndarray:
        """transform(docs) @ weights, without building sparse matrices: for a few posts,
        scipy's constructor checks cost more than the product itself."""
        total = np.zeros((len(docs), weights.shape[1]))
        offset = 0
        for position in range(len(self.vectorizers_)):
            rows = self._block(position, docs)
            block = weights[offset:offset + rows.width][rows.indices] * rows.data[:, None]
            sums = np.concatenate([np.zeros((1, weights.shape[1])), np.cumsum(block, axis=0)])
            total += sums[rows.indptr[1:]] - sums[rows.indptr[:-1]]
            offset += rows.width
        return total / np.sqrt(len(self.vectorizers_)) if len(self.vectorizers_) > 1 else total

    def _block(self, position: int, docs: Sequence[Document]) -> _Rows:
        """The TF-IDF rows of `docs` for one of the fitted vectorizers."""
        _, vectorizer, tfidf = self.vectorizers_[position]
        if isinstance(vectorizer, CountVectorizer):
            index = self._word_index(position)
            vocabulary = vectorizer.vocabulary_
            counts = (index.count(docs, len(vocabulary)) if index else
                      _count(_columns(vectorizer.analyzer, vocabulary), len(vocabulary), docs))
        else:
            counts = _Rows.of(vectorizer.transform(docs))
        return _tfidf(counts, tfidf)

    def _word_index(self, position: int) -> WordIndex | None:
        """The integer index of a word vocabulary, built on first use (None: use strings)."""
        cache = self.__dict__.setdefault("_indexes", {})
        if position not in cache:
            _, vectorizer, _ = self.vectorizers_[position]
            cache[position] = None
            if isinstance(vectorizer.analyzer, WordTerms):
                with contextlib.suppress(OverflowError):
                    cache[position] = WordIndex(vectorizer.analyzer, vectorizer.vocabulary_)
        return cache[position]

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # may be our own __dict__: never change that
        state.pop("_indexes", None)  # rebuilt on first use
        if "vectorizers_" in state:
            # A vocabulary pickles as one string of its terms in column order: joblib unpickles
            # a dict of 10^5 entries in pure Python, a third of a second at every start.
            packed, vectorizers = {}, []
            for position, (name, vectorizer, tfidf) in enumerate(state["vectorizers_"]):
                vocabulary = getattr(vectorizer, "vocabulary_", None)
                if isinstance(vocabulary, dict) and not any(_SEP in t for t in vocabulary):
                    terms = sorted(vocabulary, key=vocabulary.__getitem__)
                    if [vocabulary[t] for t in terms] == list(range(len(terms))):
                        vectorizer = copy.copy(vectorizer)
                        del vectorizer.vocabulary_
                        packed[position] = _SEP.join(terms)
                vectorizers.append((name, vectorizer, tfidf))
            state["vectorizers_"], state["_packed_vocabularies"] = vectorizers, packed
        return state

    def __setstate__(self, state: dict) -> None:
        packed = state.pop("_packed_vocabularies", {})
        super().__setstate__(state)
        for position, terms in packed.items():
            words = terms.split(_SEP) if terms else []
            self.vectorizers_[position][1].vocabulary_ = dict(zip(words, range(len(words))))

    def feature_names(self) -> list[str] | None:
        """Names of the columns, or None when features are hashed."""
        if self.hashing:
            return None
        names = []
        for name, vectorizer, _ in self.vectorizers_:
            names.extend(f"{name}:{term}" for term in vectorizer.get_feature_names_out())
        return names


_CHUNK_TERMS = 1 << 20  # terms counted at a time: bounds memory on a 20 MB document


def _columns(analyzer, vocabulary: dict[str, int]):
    """Vocabulary columns of a document's terms, looked up in C (dict.get), in chunks."""
    get, known = vocabulary.get, partial(is_not, None)

    def columns(doc: Document) -> Iterator[np.ndarray]:
        ids = filter(known, map(get, analyzer(doc)))
        while (chunk := np.fromiter(islice(ids, _CHUNK_TERMS), dtype=np.int64)).size:
            yield chunk

    return columns


class _Rows(NamedTuple):
    """A CSR matrix as bare arrays."""

    data: np.ndarray  # float64
    indices: np.ndarray  # int32 columns
    indptr: np.ndarray
    width: int

    @classmethod
    def of(cls, matrix: sp.spmatrix) -> _Rows:
        matrix = sp.csr_matrix(matrix, dtype=np.float64)
        return cls(matrix.data, matrix.indices, matrix.indptr, matrix.shape[1])

    def csr(self) -> sp.csr_matrix:
        return sp.csr_matrix((self.data, self.indices, self.indptr),
                             shape=(len(self.indptr) - 1, self.width))


def _count(columns, width: int, docs: Sequence[Document]) -> _Rows:
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
    return _Rows(np.concatenate(values).astype(np.float64),
                 np.concatenate(found).astype(np.int32), np.array(indptr), width)


def _tfidf(counts: _Rows, tfidf: TfidfTransformer) -> _Rows:
    """What tfidf.transform gives, without its per-call input validation (a millisecond).

    Works in place on `counts`, which are fresh arrays."""
    if tfidf.norm not in ("l2", None):
        return _Rows.of(tfidf.transform(counts.csr()))
    data = counts.data
    if tfidf.sublinear_tf:
        np.log(data, out=data)
        data += 1
    if tfidf.use_idf:
        data *= tfidf.idf_[counts.indices]
    if tfidf.norm == "l2":
        rows = np.repeat(np.arange(len(counts.indptr) - 1), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data ** 2, minlength=len(counts.indptr) - 1))
        norms[norms == 0] = 1
        data /= norms[rows]
    return counts


def _stack(blocks: list[sp.spmatrix]) -> sp.csr_matrix:
    if len(blocks) == 1:
        return sp.csr_matrix(blocks[0])
    return sp.hstack(blocks, format="csr") / np.sqrt(len(blocks))
