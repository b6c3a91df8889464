"""Turn Documents (analysis view + tokens) into feature matrices for the linear models.

Everything here is importable at module level so the fitted model pickles and loads anywhere,
and the transformer follows scikit-learn's estimator contract (clone, get_params, set_params).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from itertools import chain, filterfalse, islice
from operator import add, is_not

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfTransformer

from .document import Document

# Lower-case ASCII and fold digits to 0 in one pass; the view is NFKC, so letters are ASCII
_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ123456789",
                      "abcdefghijklmnopqrstuvwxyz000000000")
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
        blocks = []
        for _, vectorizer, tfidf in self.vectorizers_:
            if isinstance(vectorizer, CountVectorizer):
                matrix = _count(vectorizer.analyzer, vectorizer.vocabulary_, docs)
            else:
                matrix = vectorizer.transform(docs)
            blocks.append(_tfidf(matrix, tfidf))
        return _stack(blocks)

    def feature_names(self) -> list[str] | None:
        """Names of the columns, or None when features are hashed."""
        if self.hashing:
            return None
        names = []
        for name, vectorizer, _ in self.vectorizers_:
            names.extend(f"{name}:{term}" for term in vectorizer.get_feature_names_out())
        return names


_CHUNK_TERMS = 1 << 20  # terms counted at a time: bounds memory on a 20 MB document


def _count(analyzer, vocabulary: dict[str, int], docs: Sequence[Document]) -> sp.csr_matrix:
    """Term counts like CountVectorizer.transform, with the lookups done in C (dict.get)."""
    get, known = vocabulary.get, partial(is_not, None)
    columns, values, indptr = [], [], [0]
    for doc in docs:
        ids = filter(known, map(get, analyzer(doc)))
        parts = []
        while (chunk := np.fromiter(islice(ids, _CHUNK_TERMS), dtype=np.int32)).size:
            parts.append(np.unique(chunk, return_counts=True))
        if len(parts) == 1:
            unique, counts = parts[0]
        elif parts:
            unique, inverse = np.unique(np.concatenate([u for u, _ in parts]),
                                        return_inverse=True)
            counts = np.bincount(inverse, weights=np.concatenate([c for _, c in parts]))
        else:
            unique, counts = np.zeros(0, np.int32), np.zeros(0)
        columns.append(unique)
        values.append(counts.astype(np.float32))
        indptr.append(indptr[-1] + len(unique))
    return sp.csr_matrix((np.concatenate(values), np.concatenate(columns), indptr),
                         shape=(len(docs), len(vocabulary)))


def _tfidf(counts: sp.csr_matrix, tfidf: TfidfTransformer) -> sp.csr_matrix:
    """What tfidf.transform gives, without its per-call input validation (a millisecond)."""
    matrix = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    if tfidf.sublinear_tf:
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1
    if tfidf.use_idf:
        matrix.data *= tfidf.idf_[matrix.indices]
    if tfidf.norm == "l2":
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        norms = np.sqrt(np.bincount(rows, weights=matrix.data ** 2, minlength=matrix.shape[0]))
        norms[norms == 0] = 1
        matrix.data /= norms[rows]
    elif tfidf.norm is not None:
        return tfidf.transform(counts)
    return matrix


def _stack(blocks: list[sp.spmatrix]) -> sp.csr_matrix:
    if len(blocks) == 1:
        return sp.csr_matrix(blocks[0])
    return sp.hstack(blocks, format="csr") / np.sqrt(len(blocks))
