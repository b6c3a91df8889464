"""Tokens and sentences of the analysis view: jieba's algorithm for Chinese, spaCy for English.

Token and sentence boundaries are stored as compact arrays of view offsets, so a 20 MB document
costs a few bytes per token instead of a Python string per token.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Callable, Iterator
from itertools import accumulate, compress, repeat
from operator import not_
from typing import Protocol

import numpy as np

from pipeline.resources import DATA_DIR

SEGMENTERS = ("rjieba", "jieba")
USER_DICT = os.path.join(DATA_DIR, "userdict.txt")
_OFFSET = np.dtype(f"uint{8 * array('I').itemsize}")  # numpy's twin of the offset arrays
_CHUNK = 100_000  # characters per piece: bounds the temporary lists of a huge document
MAX_RUN = 100  # characters of one whitespace-free run that spaCy sees at once
MAX_REMEMBERED = 500_000  # distinct English pieces kept with their tokens before starting over
_WHITESPACE_SPLIT = re.compile(r"(\s+)")
_NO_TOKENS = np.zeros((0, 2), np.int64)
_SENTENCE_END = re.compile(r"[。！？!?；;…\n]+|\.(?=\s|$)")


class Tokens:
    """Token starts and ends (view offsets) and sentence spans (view offsets).

    A view of one chunk keeps the segmenter's own token strings (whitespace tokens included):
    the classifier reads those, and the offsets and sentences, which only explanations and
    training need, are worked out from them on first use. Long documents keep offsets only.
    """

    __slots__ = ("_starts", "_ends", "strings", "_sentences", "_view", "_split")

    def __init__(self, starts: array | None, ends: array | None,
                 sentences: list[tuple[int, int]] | None, strings: list[str] | None = None,
                 view: str | None = None,
                 split: Callable[[str], list[tuple[int, int]]] | None = None) -> None:
        self._starts, self._ends, self.strings = starts, ends, strings
        self._sentences, self._view, self._split = sentences, view, split or split_sentences

    @property
    def starts(self) -> array:
        self._fill()
        return self._starts

    @property
    def ends(self) -> array:
        self._fill()
        return self._ends

    def _fill(self) -> None:
        if self._starts is None:
            self._starts, self._ends = array("I"), array("I")
            _offsets(self.strings or [], 0, self._starts, self._ends)

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            self._sentences = self._split(self._view or "")
        return self._sentences

    def words(self, view: str) -> Iterator[str]:
        for start, end in zip(self.starts, self.ends):
            yield view[start:end]


class Segmenter(Protocol):
    def cut(self, text: str) -> list[str]: ...


def _read_user_dict() -> list[tuple[str, int, str]]:
    entries = []
    with open(USER_DICT, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts:
                entries.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return entries


def _rjieba_class() -> type:
    """rjieba.Jieba, without building the default instance that `import rjieba` builds.

    That instance loads jieba's whole dictionary (75 ms, an eighth of a cold start) and we
    never use it: we make our own. The compiled module is loaded on its own and registered
    under its name, so a later `import rjieba` reuses it; anything unexpected falls back to
    the plain import.
    """
    import importlib.machinery
    import importlib.util
    import sys

    module = sys.modules.get("rjieba.rjieba")
    if module is None and "rjieba" not in sys.modules:
        spec = importlib.util.find_spec("rjieba")
        folder = (spec.submodule_search_locations or [None])[0] if spec else None
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        found = [name for name in (os.listdir(folder) if folder else ())
                 if name.startswith("rjieba.") and name.endswith(suffixes)]
        if len(found) == 1:
            loader = importlib.machinery.ExtensionFileLoader(
                "rjieba.rjieba", os.path.join(folder, found[0]))
            module = importlib.util.module_from_spec(
                importlib.util.spec_from_loader("rjieba.rjieba", loader))
            loader.exec_module(module)
            sys.modules["rjieba.rjieba"] = module
    if module is not None:
        return module.Jieba
    import rjieba

    return rjieba.Jieba


class RJiebaSegmenter:
    """jieba's dictionary and algorithm in Rust (rjieba), our own instance with our words."""

    def __init__(self) -> None:
        try:
            jieba_class = _rjieba_class()
        except ImportError:
            raise ImportError("rjieba is not installed: pip install rjieba") from None
        self._jieba = jieba_class()
        for word, freq, tag in _read_user_dict():
            self._jieba.add_word(word, freq, tag or None)
        self._jieba.cut("预热")

    def cut(self, text: str) -> list[str]:
        return self._jieba.cut(text)


class JiebaSegmenter:
    """The reference jieba (pure Python), an instance of our own, never jieba's global one."""

    def __init__(self) -> None:
        import logging

        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        with open(USER_DICT, "rb") as f:  # jieba leaves a file it opens itself unclosed
            self._jieba.load_userdict(f)
        self._jieba.initialize()

    def cut(self, text: str) -> list[str]:
        return self._jieba.lcut(text)


def make_segmenter(name: str = "rjieba") -> Segmenter:
    """Return the Chinese segmenter called `name` ("rjieba", the default, or "jieba")."""
    if name == "rjieba":
        return RJiebaSegmenter()
    if name == "jieba":
        return JiebaSegmenter()
    raise ValueError(f"unknown segmenter {name!r}; choose one of {', '.join(SEGMENTERS)}")


class EnglishTokenizer:
    """spaCy's blank English tokenizer, run once per distinct piece of text between spaces.

    spaCy cuts text at whitespace and tokenizes each run on its own (its special cases hold no
    whitespace but whitespace itself), so a run's tokens never depend on its neighbours. spaCy
    caches runs too, but stops saving to its cache for the rest of a document once a special
    case has been seen (spaCy #1250), and a lone newline is one: after the first line break of
    a report every word went through the affix regexes again, at 0.4 MB/s. Here a view is cut
    at spaces (one C call), every distinct piece is tokenized once, its token offsets kept in
    flat arrays, and a view's tokens are assembled from them with numpy. A run longer than
    MAX_RUN is cut into pieces of MAX_RUN first: spaCy's affix search is quadratic in a run's
    length (16 KB of "=" took 20-55 s), and no word is that long. The vocabulary that learns
    pieces computes no lexical attributes (half of spaCy's time, and no boundary depends on
    them); sentences come from a full pipeline's sentencizer, only when asked for
    (explanations), over the same tokens.
    """

    def __init__(self) -> None:
        self._cut = _spacy_english_tokenizer()
        self._sentence_pipeline = None  # built on the first explanation
        self._reset()

    def _reset(self) -> None:
        self._ids: dict[str, int] = {}
        self._runs: dict[str, np.ndarray] = {}  # run -> its tokens (_run_tokens)
        self._first = np.zeros(1024, np.int64)  # per piece id: where its tokens start in _rel
        self._count = np.zeros(1024, np.int64)  # per piece id: how many tokens it has
        self._rel = np.zeros((4096, 2), np.int64)  # token (start, end) relative to its piece
        self._pieces = self._tokens = 0

    def _learn(self, piece: str) -> int:
        """The id of `piece` (text without spaces), tokenized by spaCy and stored."""
        parts = []
        at = 0
        for i, run in enumerate(_WHITESPACE_SPLIT.split(piece)):  # newlines, tabs ...
            if i % 2 == 0:
                for cut in range(0, len(run), MAX_RUN):
                    found = self._run_tokens(run[cut:cut + MAX_RUN])
                    if len(found):
                        parts.append(found + (at + cut))
            at += len(run)
        tokens = np.concatenate(parts) if parts else _NO_TOKENS
        if self._pieces == len(self._first):
            self._first = np.resize(self._first, 2 * self._pieces)
            self._count = np.resize(self._count, 2 * self._pieces)
        while self._tokens + len(tokens) > len(self._rel):
            self._rel = np.resize(self._rel, (2 * len(self._rel), 2))
        piece_id = self._pieces
        self._first[piece_id], self._count[piece_id] = self._tokens, len(tokens)
        self._rel[self._tokens:self._tokens + len(tokens)] = tokens
        self._tokens += len(tokens)
        self._pieces += 1
        if len(piece) <= MAX_RUN:  # a long piece is tokenized each time: no memory for junk
            self._ids[piece] = piece_id
        return piece_id

    def _run_tokens(self, run: str) -> np.ndarray:
        """Token (start, end) offsets in `run` (at most MAX_RUN characters, no whitespace), by
        spaCy once per distinct run: a hostile run repeats the same pieces, and a spaCy call
        per piece (a Doc each) grows the heap that the garbage collector walks. Kept as arrays,
        not a Python tuple per token, for the same reason."""
        found = self._runs.get(run)
        if found is None:
            found = np.array([(t.idx, t.idx + len(t)) for t in self._cut(run)],
                             np.int64).reshape(-1, 2)
            self._runs[run] = found
        return found

    def add_offsets(self, chunk: str, offset: int, starts: array, ends: array) -> None:
        """Append the view offsets of the tokens of `chunk` (at `offset` in its view)."""
        if max(self._pieces, len(self._runs)) > MAX_REMEMBERED \
                or self._tokens > 8 * MAX_REMEMBERED:
            self._reset()  # a bound on memory: a huge document of distinct pieces
        pieces = chunk.split(" ")
        lengths = np.fromiter(map(len, pieces), np.int64, len(pieces))
        piece_starts = np.cumsum(lengths + 1) - (lengths + 1) + offset
        ids = np.fromiter(map(self._ids.get, pieces, repeat(-1)), np.int64, len(pieces))
        for i in np.flatnonzero(ids < 0).tolist():
            ids[i] = self._ids.get(pieces[i], -1)  # a piece seen twice in this chunk
            if ids[i] < 0:
                ids[i] = self._learn(pieces[i])
        counts = self._count[ids]
        total = int(counts.sum())
        if not total:
            return
        firsts = np.cumsum(counts) - counts  # where each piece's tokens start in the output
        flat = np.repeat(self._first[ids] - firsts, counts) + np.arange(total)
        bases = np.repeat(piece_starts, counts)
        rel = self._rel[flat]
        starts.frombytes((bases + rel[:, 0]).astype(_OFFSET).tobytes())
        ends.frombytes((bases + rel[:, 1]).astype(_OFFSET).tobytes())

    def sentences(self, view: str) -> list[tuple[int, int]]:
        """Sentence spans of `view` by spaCy's sentencizer, over the tokens spaCy gives."""
        from spacy.attrs import IDX, SENT_START

        if self._sentence_pipeline is None:
            import spacy

            nlp = spacy.blank("en")
            self._sentence_pipeline = (nlp.tokenizer, nlp.add_pipe("sentencizer"))
        tokenizer, sentencizer = self._sentence_pipeline
        sentences: list[tuple[int, int]] = []
        for offset, chunk in chunks(view):
            doc = sentencizer(tokenizer(chunk))
            table = doc.to_array([IDX, SENT_START]).astype("int64")
            first = table[table[:, 1] == 1][:, 0].tolist()
            for start, end in zip(first, first[1:] + [len(chunk)]):
                _append_trimmed(view, offset + start, offset + end, sentences)
        return sentences


def _spacy_english_tokenizer():
    """spaCy's English tokenizer, made as spacy.blank("en") makes it (spacy.language's
    create_tokenizer) but without the pipeline around it, whose config and registry (every
    installed package's entry points) cost 0.12 s of a start. Its vocabulary computes no
    lexical attributes."""
    from spacy import util
    from spacy.lang.en import English
    from spacy.tokenizer import Tokenizer as SpacyTokenizer
    from spacy.vocab import Vocab

    defaults = English.Defaults
    return SpacyTokenizer(
        Vocab(lex_attr_getters={}, writing_system=defaults.writing_system),
        rules=defaults.tokenizer_exceptions,
        prefix_search=util.compile_prefix_regex(defaults.prefixes).search,
        suffix_search=util.compile_suffix_regex(defaults.suffixes).search,
        infix_finditer=util.compile_infix_regex(defaults.infixes).finditer,
        token_match=defaults.token_match, url_match=defaults.url_match)


class Tokenizer:
    """Splits an analysis view into tokens and sentences by language."""

    def __init__(self, segmenter: str = "rjieba") -> None:
        self._segmenter = make_segmenter(segmenter)
        self._english: EnglishTokenizer | None = None

    def _english_tokenizer(self) -> EnglishTokenizer:
        """spaCy's blank English tokenizer and its sentencizer, built on first use."""
        if self._english is None:
            self._english = EnglishTokenizer()
        return self._english

    def tokenize(self, view: str, lang: str) -> Tokens:
        starts, ends = array("I"), array("I")
        if lang == "en":
            english = self._english_tokenizer()
            for offset, chunk in chunks(view):
                english.add_offsets(chunk, offset, starts, ends)
            return Tokens(starts, ends, None, None, view, english.sentences)
        if len(view) <= _CHUNK:  # offsets on demand, from the strings
            words = self._cut(view)
            return Tokens(None, None, None, words, view)
        for offset, chunk in chunks(view):
            _offsets(self._cut(chunk), offset, starts, ends)
        return Tokens(starts, ends, None, None, view)

    def _cut(self, text: str) -> list[str]:
        words = self._segmenter.cut(text)
        if "".join(words) != text:  # one C call, half the time of summing the lengths
            raise RuntimeError("segmenter lost or changed characters; try --segmenter jieba")
        return words


def _offsets(words: list[str], offset: int, starts: array, ends: array) -> None:
    """Append the view offsets of `words` (less whitespace) to starts/ends. numpy for long
    lists (a Python int per token costs as much as segmenting), plain iterators for short
    ones (where numpy's per-call cost dominates)."""
    if len(words) < 1000:
        bounds = list(accumulate(map(len, words), initial=offset))
        keep = list(map(not_, map(str.isspace, words)))
        starts.extend(compress(bounds, keep))
        ends.extend(compress(bounds[1:], keep))
        return
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    bounds = np.cumsum(lengths) + offset
    keep = ~np.fromiter(map(str.isspace, words), bool, len(words))
    starts.frombytes((bounds - lengths)[keep].astype(_OFFSET).tobytes())
    ends.frombytes(bounds[keep].astype(_OFFSET).tobytes())


def chunks(view: str) -> Iterator[tuple[int, str]]:
    """Pieces of at most about _CHUNK characters, cut after a newline where there is one."""
    start = 0
    while start < len(view):
        end = min(start + _CHUNK, len(view))
        if end < len(view):
            newline = view.rfind("\n", start, end)
            end = newline + 1 if newline > start else end
        yield start, view[start:end]
        start = end


def split_sentences(view: str) -> list[tuple[int, int]]:
    """Sentence spans: text up to and including 。！？!?；; or a full stop before a space."""
    spans = []
    start = 0
    for m in _SENTENCE_END.finditer(view):
        end = m.end()
        _append_trimmed(view, start, end, spans)
        start = end
    _append_trimmed(view, start, len(view), spans)
    return spans


def _append_trimmed(view: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and view[start].isspace():
        start += 1
    while end > start and view[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
