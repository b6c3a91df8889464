"""Write result records: JSONL (the output contract, one object per line) or CSV."""

from __future__ import annotations

import csv
import json
from typing import IO, Any


class JsonlWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, record: dict[str, Any]) -> None:
        self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.stream.flush()


class CsvWriter:
    """One row per document; labels joined by ";", one score column per label, JSON measures."""

    def __init__(self, stream: IO[str], labels: list[str]) -> None:
        self.labels = labels
        self.writer = csv.writer(stream)
        self.stream = stream
        self.writer.writerow(["id", "source", "lang", "labels"]
                             + [f"score_{label}" for label in labels]
                             + ["measures", "summary", "warnings", "error"])

    def write(self, record: dict[str, Any]) -> None:
        scores = record.get("scores", {})
        self.writer.writerow(
            [record["id"], record["source"], record.get("lang", ""),
             ";".join(record.get("labels", []))]
            + [scores.get(label, "") for label in self.labels]
            + [json.dumps(record.get("measures", []), ensure_ascii=False),
               json.dumps(record.get("summary", []), ensure_ascii=False),
               " | ".join(record.get("warnings", [])), record.get("error", "")])

    def close(self) -> None:
        self.stream.flush()


def make_writer(fmt: str, stream: IO[str], labels: list[str]):
    if fmt == "jsonl":
        return JsonlWriter(stream)
    if fmt == "csv":
        return CsvWriter(stream, labels)
    raise ValueError(f"unknown output format {fmt!r}; use jsonl or csv")
