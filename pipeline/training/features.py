"""Turn Documents (analysis view + tokens) into feature matrices for the linear models.

The term analyzers and the array arithmetic live in `scoring` (no scikit-learn there); this module
fits them with scikit-learn's CountVectorizer/TfidfTransformer and follows the estimator contract
(clone, get_params, set_params). Everything is importable at module level so fitted models pickle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer, HashingVectorizer, TfidfTransformer

from pipeline.document import Document
from pipeline.model.scoring import Block, CharTerms, Rows, TfidfWeights, WordTerms, tfidf

# the analyzers are imported here too: models pickled before scoring.py name them here
__all__ = ["CharTerms", "DocumentVectorizer", "WordTerms"]


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
        self.__dict__.pop("_blocks", None)  # those of an earlier fit
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
        blocks = self.blocks()
        if blocks is not None:
            return _stack([_csr(block.rows(docs)) for block in blocks])
        return _stack([_csr(tfidf(_rows(hasher.transform(docs)), _weights(transformer)))
                       for _, hasher, transformer in self.vectorizers_])

    def blocks(self) -> list[Block] | None:
        """The fitted vocabularies and TF-IDF weights as scoring Blocks (None when hashed),
        built on first use."""
        if "_blocks" not in self.__dict__:
            self._blocks = None if self.hashing else [
                Block(name, counter.analyzer, counter.vocabulary_, _weights(transformer))
                for name, counter, transformer in self.vectorizers_]
        return self._blocks

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # may be our own __dict__: never change that
        state.pop("_blocks", None)  # derived from the vectorizers: rebuilt on first use
        return state

    def feature_names(self) -> list[str] | None:
        """Names of the columns, or None when features are hashed."""
        if self.hashing:
            return None
        names = []
        for name, vectorizer, _ in self.vectorizers_:
            names.extend(f"{name}:{term}" for term in vectorizer.get_feature_names_out())
        return names


def _weights(transformer: TfidfTransformer) -> TfidfWeights:
    if transformer.norm not in ("l2", None):
        raise ValueError(f"TF-IDF norm {transformer.norm!r}: only l2 or none")
    return TfidfWeights(transformer.idf_ if transformer.use_idf else None,
                        transformer.sublinear_tf, transformer.norm)


def _rows(matrix: sp.spmatrix) -> Rows:
    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    return Rows(matrix.data, matrix.indices, matrix.indptr, matrix.shape[1])


def _csr(rows: Rows) -> sp.csr_matrix:
    return sp.csr_matrix((rows.data, rows.indices, rows.indptr),
                         shape=(len(rows.indptr) - 1, rows.width))


def _stack(blocks: list[sp.spmatrix]) -> sp.csr_matrix:
    if len(blocks) == 1:
        return sp.csr_matrix(blocks[0])
    return sp.hstack(blocks, format="csr") / np.sqrt(len(blocks))
