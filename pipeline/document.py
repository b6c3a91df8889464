"""The one record that flows through every stage, and its output form (the output contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the reading process (-j N) never imports the stages
    from pipeline.text.normalize import OffsetMap
    from pipeline.text.tokens import Tokens


@dataclass
class Document:
    """A document and what each stage has learned about it.

    ingest sets id, source, text, meta (or error); normalize sets view, offsets, lang;
    tokenize sets tokens; classify sets scores and labels; extract sets measures and summary.
    """

    id: str
    source: str
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    view: str | None = None
    offsets: OffsetMap | None = None
    lang: str | None = None
    tokens: Tokens | None = None
    scores: dict[str, float] | None = None
    labels: list[str] | None = None
    kind: str | None = None
    kind_scores: dict[str, float] | None = None
    explanation: dict[str, Any] | None = None
    evidence: dict[str, list[dict[str, Any]]] | None = None  # label -> its cue spans
    measures: list[dict[str, Any]] | None = None
    summary: list[dict[str, Any]] | None = None
    signature: Any = None  # a MinHash signature (numpy), when repost clusters are wanted

    @classmethod
    def failed(cls, id: str, source: str, error: str, meta: dict | None = None) -> Document:
        return cls(id=id, source=source, error=error, meta=meta or {})

    def words(self) -> list[str]:
        """The tokens of the analysis view, as strings."""
        return list(self.tokens.words(self.view)) if self.tokens else []

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of `text` that the view span [start, end) came from."""
        return self.offsets.span(start, end) if self.offsets else (start, end)

    def to_record(self) -> dict[str, Any]:
        """The output contract: a result, or an error record in its place."""
        if self.error is not None:
            record: dict[str, Any] = {"id": self.id, "source": self.source, "error": self.error}
        else:
            record = {
                "id": self.id,
                "source": self.source,
                "lang": self.lang,
                "labels": self.labels or [],
                "scores": self.scores or {},
                "measures": self.measures or [],
                "summary": self.summary or [],
                "warnings": self.warnings,
            }
            if self.kind is not None:
                record["kind"], record["kind_scores"] = self.kind, self.kind_scores
            if self.explanation is not None:
                record["explanation"] = self.explanation
            if self.evidence is not None:
                record["evidence"] = self.evidence
        if self.meta:
            record["meta"] = self.meta
        return record
