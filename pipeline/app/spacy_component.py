"""fraudtag as a spaCy pipeline component, registered through spaCy's entry points:

    import spacy
    nlp = spacy.blank("zh")                       # or "en", or any pipeline
    nlp.add_pipe("fraudtag")                      # config: {"model": DIR, "segmenter": NAME}
    doc = nlp("冒充客服退款诈骗，已追回损失10万元")
    doc.cats                                      # every label's score
    doc._.fraud_labels                            # the labels at or above their threshold
    doc._.fraud_kind, doc._.fraud_kind_scores     # scam / warning / news / report / other
    for span in doc.spans["measures"]:            # label_: the measure type
        span._.count, span._.qualifier, span._.unit

fraudtag reads the text itself (its own normalization and segmentation), so the component works
on any tokenization; a measure span is widened to whole tokens of the Doc.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.api import Tagger, load

SPAN_KEY = "measures"
MEASURE_FIELDS = ("count", "count_max", "qualifier", "unit", "action", "object")

for _field in MEASURE_FIELDS:
    if not Span.has_extension(_field):
        Span.set_extension(_field, default=None)
if not Doc.has_extension("fraud_labels"):
    Doc.set_extension("fraud_labels", default=[])
for _field in ("fraud_kind", "fraud_kind_scores"):  # None with a model that has no kinds
    if not Doc.has_extension(_field):
        Doc.set_extension(_field, default=None)


class FraudtagComponent:
    """Sets doc.cats, doc._.fraud_labels, doc._.fraud_kind, doc._.fraud_kind_scores and the
    span group doc.spans["measures"]."""

    def __init__(self, tagger: Tagger, batch_size: int = 64) -> None:
        self.tagger = tagger
        self.batch_size = batch_size

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, self.tagger(doc.text))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        size = batch_size or self.batch_size
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= size:
                yield from self._annotate_all(batch)
                batch = []
        yield from self._annotate_all(batch)

    def _annotate_all(self, docs: list[Doc]) -> Iterator[Doc]:
        records = self.tagger.pipe([doc.text for doc in docs], batch_size=len(docs) or 1)
        yield from (self._annotate(doc, record) for doc, record in zip(docs, records))

    @staticmethod
    def _annotate(doc: Doc, record: dict[str, Any]) -> Doc:
        if "error" in record:  # a text that could not be analysed: nothing to set
            doc.cats, doc._.fraud_labels, doc.spans[SPAN_KEY] = {}, [], []
            doc._.fraud_kind = doc._.fraud_kind_scores = None
            return doc
        doc.cats = dict(record["scores"])
        doc._.fraud_labels = list(record["labels"])
        doc._.fraud_kind = record.get("kind")
        doc._.fraud_kind_scores = dict(record["kind_scores"]) if "kind_scores" in record else None
        spans = []
        for measure in record["measures"]:
            span = doc.char_span(measure["start"], measure["end"], label=measure["type"],
                                 alignment_mode="expand")
            if span is None:
                continue
            for name in MEASURE_FIELDS:
                setattr(span._, name, measure.get(name))
            spans.append(span)
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory("fraudtag", default_config={"model": None, "segmenter": None,
                                               "batch_size": 64})
def make_fraudtag(nlp: Language, name: str, model: str | None, segmenter: str | None,
                  batch_size: int) -> FraudtagComponent:
    """The component; `model` is a model folder (None: FRAUDTAG_MODEL, else the shipped one)."""
    return FraudtagComponent(load(model, segmenter=segmenter), batch_size)
