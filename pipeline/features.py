"""Turn Documents (analysis view + tokens) into feature matrices for the linear models.

Everything here is importable at module level so the fitted model pickles and loads anywhere,
and the transformer follows scikit-learn's estimator contract (clone, get_params, set_params).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer

from .document import Document

_DIGITS = re.compile(r"\d")
_WORDLIKE = re.compile(r"\w")


class WordTerms:
    """Word n-grams of a Document: lower-cased tokens, digits folded to 0, punctuation left out."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2)) -> None:
        self.ngram_range = tuple(ngram_range)

    def __call__(self, doc: Document) -> list[str]:
        words = [_DIGITS.sub("0", w.lower()) for w in doc.words() if _WORDLIKE.search(w)]
        low, high = self.ngram_range
        terms = list(words) if low <= 1 else []
        for n in range(max(2, low), high + 1):
            terms.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
        return terms


class CharTerms:
    """Character n-grams of the analysis view (lower-cased, digits folded)."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 3)) -> None:
        self.ngram_range = tuple(ngram_range)

    def __call__(self, doc: Document) -> list[str]:
        text = _DIGITS.sub("0", (doc.view or "").lower())
        low, high = self.ngram_range
        terms = []
        for n in range(low, high + 1):
            terms.extend(text[i:i + n] for i in range(len(text) - n + 1))
        return [t for t in terms if not t.isspace()]


class DocumentVectorizer(TransformerMixin, BaseEstimator):
    """Word and/or character n-gram TF-IDF features, from a vocabulary or hashed."""

    def __init__(self, word_ngrams: tuple[int, int] | None = (1, 2),
                 char_ngrams: tuple[int, int] | None = None, hashing: bool = False,
                 n_features: int = 2 ** 18, min_df: int = 2, max_features: int | None = 200_000,
                 sublinear_tf: bool = True) -> None:
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.hashing = hashing
        self.n_features = n_features
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def _analyzers(self) -> list[tuple[str, object]]:
        analyzers = []
        if self.word_ngrams:
            analyzers.append(("word", WordTerms(self.word_ngrams)))
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
                vectorizer = TfidfVectorizer(analyzer=analyzer, min_df=self.min_df,
                                             max_features=self.max_features,
                                             sublinear_tf=self.sublinear_tf, dtype=np.float32)
                blocks.append(vectorizer.fit_transform(docs))
                self.vectorizers_.append((name, vectorizer, None))
        return _stack(blocks)

    def transform(self, docs: Sequence[Document]) -> sp.csr_matrix:
        blocks = []
        for _, vectorizer, tfidf in self.vectorizers_:
            matrix = vectorizer.transform(docs)
            blocks.append(tfidf.transform(matrix) if tfidf is not None else matrix)
        return _stack(blocks)

    def feature_names(self) -> list[str] | None:
        """Names of the columns, or None when features are hashed."""
        if self.hashing:
            return None
        names = []
        for name, vectorizer, _ in self.vectorizers_:
            names.extend(f"{name}:{term}" for term in vectorizer.get_feature_names_out())
        return names


def _stack(blocks: list[sp.spmatrix]) -> sp.csr_matrix:
    if len(blocks) == 1:
        return sp.csr_matrix(blocks[0])
    return sp.hstack(blocks, format="csr") / np.sqrt(len(blocks))
