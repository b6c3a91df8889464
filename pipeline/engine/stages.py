"""The stages, run in order over Documents: normalize, tokenize, classify, extract.

Resources (segmenter, model) are built once in `Pipeline` and reused for every batch; the CLI,
the batch workers and the service all go through `Pipeline.run`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.cluster.minhash import signature
from pipeline.document import Document
from pipeline.extract.measures import extract_measures, summarize
from pipeline.text.normalize import detect_language, normalize
from pipeline.text.tokens import Tokenizer, chunks

if TYPE_CHECKING:
    from pipeline.model.scoring import FraudModel


MAX_MEASURES = 2000  # per document: more means a compilation, and a record too large to use
EVIDENCE_CONTEXT = 24  # characters of text shown either side of an evidence cue


def _context(text: str) -> str:
    """Text beside a cue, its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split()) if text.strip() else ""


class Pipeline:
    def __init__(self, model: FraudModel | None = None, segmenter: str = "rjieba",
                 measures: bool = True, explain: bool = False, signatures: bool = False,
                 evidence: bool = False) -> None:
        self.model = model
        self.tokenizer = Tokenizer(segmenter)
        self.measures = measures
        self.explain = explain
        self.evidence = evidence  # each label's cue spans on the record (the HTML report's)
        self.signatures = signatures  # MinHash signatures, for repost clusters

    def prepare(self, doc: Document) -> Document:
        """Normalize and tokenize `doc` in place (an error is recorded on the document)."""
        if doc.error is not None or doc.tokens is not None:
            return doc
        try:
            normalized = normalize(doc.text)
            doc.view, doc.offsets = normalized.view, normalized.offsets
            doc.lang = detect_language(doc.view)
            doc.tokens = self.tokenizer.tokenize(doc.view, doc.lang)
            if "\ufffd" in doc.text and not any("U+FFFD" in w for w in doc.warnings):
                doc.warnings.append("the text holds replacement characters (U+FFFD): some "
                                    "characters were lost before fraudtag read it")
        except Exception as e:  # noqa: BLE001 - one bad document must not stop a batch
            doc.error = f"{doc.source}: could not be analysed ({type(e).__name__}: {e})"
        return doc

    def run(self, docs: Sequence[Document]) -> list[Document]:
        """Take `docs` through every stage; each comes back as a result or with an error."""
        docs = [self.prepare(doc) for doc in docs]
        ready = [doc for doc in docs if doc.error is None]
        if self.model is not None and ready:
            self._classify(ready)
        if self.measures:
            for doc in ready:
                self._extract(doc)
        if self.signatures:
            for doc in ready:
                doc.signature = signature(doc.view)
        return docs

    def _classify(self, docs: list[Document]) -> None:
        probabilities, kinds = self.model.predict(docs)
        decisions = self.model.decide(probabilities)
        for doc, row, labels, kind_row in zip(docs, probabilities, decisions, kinds):
            doc.scores = {label: round(float(p), 4) for label, p in zip(self.model.labels, row)}
            doc.labels = labels
            if len(kind_row):
                doc.kind_scores = {k: round(float(p), 4)
                                   for k, p in zip(self.model.kinds, kind_row)}
                doc.kind = self.model.kinds[int(kind_row.argmax())]
            if self.explain:
                doc.explanation = {label: self._explain(doc, label) for label in labels}
            if self.evidence:
                doc.evidence = {label: self._evidence(doc, label) for label in labels}

    def _explain(self, doc: Document, label: str) -> dict:
        terms = self.model.term_contributions(doc, label)
        sentences = []
        spans = doc.tokens.sentences[:400]
        if spans:
            parts = [_sub_document(doc, start, end) for start, end in spans]
            column = self.model.labels.index(label)
            scores = self.model.predict_proba(parts)[:, column]
            for i in scores.argsort()[::-1][:3]:
                start, end = doc.original_span(*spans[i])
                sentences.append({"text": doc.text[start:end], "start": start, "end": end,
                                  "score": round(float(scores[i]), 4)})
        return {"terms": terms, "sentences": sentences, "evidence": self._evidence(doc, label)}

    def _evidence(self, doc: Document, label: str) -> list[dict]:
        """The cues of `label` that let it out, as spans of the original text, each with up to
        EVIDENCE_CONTEXT characters of text either side (`before`, `after`)."""
        found = []
        for start, end in self.model.evidence(doc, label):
            start, end = doc.original_span(start, end)
            found.append({"text": doc.text[start:end], "start": start, "end": end,
                          "before": _context(doc.text[max(0, start - EVIDENCE_CONTEXT):start]),
                          "after": _context(doc.text[end:end + EVIDENCE_CONTEXT])})
        return found

    def _extract(self, doc: Document) -> None:
        measures, warnings = [], []
        try:
            for offset, chunk in chunks(doc.view):  # one piece for all but huge documents
                found, said = extract_measures(chunk, doc.lang)
                for measure in found:
                    measure.start += offset
                    measure.end += offset
                measures.extend(found)
                warnings.extend(said)
                if len(measures) > MAX_MEASURES:
                    doc.warnings.append(f"more than {MAX_MEASURES} measures: only the first "
                                        f"{MAX_MEASURES} are reported; is this a compilation? "
                                        "try --split-reports")
                    measures = measures[:MAX_MEASURES]
                    break
        except Exception as e:  # noqa: BLE001 - extraction must not cost the labels
            doc.warnings.append(f"measure extraction failed ({type(e).__name__}: {e})")
            doc.measures, doc.summary = [], []
            return
        records = []
        span, text = doc.original_span, doc.text
        for measure in measures:
            start, end = span(measure.start, measure.end)
            records.append(measure.to_record(start, end, text[start:end]))
        doc.measures = records
        doc.summary = summarize(records)
        doc.warnings.extend(warnings)


def _sub_document(doc: Document, start: int, end: int) -> Document:
    """A document made of the view span [start, end) of `doc`, sharing its tokens."""
    from array import array
    from bisect import bisect_left

    from pipeline.text.tokens import Tokens

    first = bisect_left(doc.tokens.starts, start)
    last = bisect_left(doc.tokens.starts, end, lo=first)
    starts, ends = array("I"), array("I")
    for s, e in zip(doc.tokens.starts[first:last], doc.tokens.ends[first:last]):
        if e <= end:
            starts.append(s - start)
            ends.append(e - start)
    part = Document(doc.id, doc.source, doc.view[start:end])
    part.view, part.lang = part.text, doc.lang
    part.tokens = Tokens(starts, ends, [(0, end - start)])
    return part
