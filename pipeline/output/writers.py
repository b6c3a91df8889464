"""Write result records: JSONL (the output contract, one object per line), CSV or Parquet."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from typing import IO, Any

import orjson

_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_WARNING = "lone surrogates (invalid Unicode) in this record were replaced with U+FFFD"


def dumps(record: dict[str, Any]) -> bytes:
    """A record as one line of JSON (UTF-8): orjson, five times json's speed; json for what
    orjson refuses (an integer past 64 bits in an input's metadata, a lone surrogate).

    UTF-8 cannot hold a lone surrogate (U+D800..U+DFFF, e.g. from a JSON "\\ud800" escape):
    each one is written as U+FFFD, with a warning on a result record. The readers replace them
    on input already; this keeps any other record from failing at the last step."""
    try:
        return orjson.dumps(record)
    except TypeError:  # orjson.JSONEncodeError
        text = json.dumps(record, ensure_ascii=False, default=str)
    if _SURROGATE.search(text) is None:
        return text.encode("utf-8")
    if isinstance(record.get("warnings"), list):
        record = {**record, "warnings": [*record["warnings"], SURROGATE_WARNING]}
        text = json.dumps(record, ensure_ascii=False, default=str)
    return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def loads(line: bytes) -> dict[str, Any]:
    return orjson.loads(line)


class JsonlWriter:
    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(dumps(record))

    def write_line(self, line: bytes) -> None:
        self.stream.write(line + b"\n")

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


def _flat(record: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """One flat row: labels joined by ";", one score column per label, measures as JSON."""
    scores = record.get("scores", {})
    row = {"id": record["id"], "source": record["source"], "lang": record.get("lang", ""),
           "labels": ";".join(record.get("labels", []))}
    row.update({f"score_{label}": scores.get(label) for label in labels})
    row.update(measures=json.dumps(record.get("measures", []), ensure_ascii=False),
               summary=json.dumps(record.get("summary", []), ensure_ascii=False),
               warnings=" | ".join(record.get("warnings", [])), error=record.get("error", ""))
    return row


class CsvWriter:
    def __init__(self, stream: IO[str], labels: list[str], header: bool = True) -> None:
        self.labels = labels
        self.stream = stream
        self.writer = csv.writer(stream)
        if header:
            self.writer.writerow(list(_flat({"id": "", "source": ""}, labels)))

    def write(self, record: dict[str, Any]) -> None:
        self.writer.writerow(list(_flat(record, self.labels).values()))

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class ParquetWriter:
    """Rows like the CSV's, written as a Parquet file in row groups of `group` records."""

    def __init__(self, path: str, labels: list[str], group: int = 5000) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ImportError("Parquet output needs pyarrow: pip install pyarrow") from None
        self.path, self.labels, self.group = path, labels, group
        self.rows: list[dict[str, Any]] = []
        self.writer = None

    def write(self, record: dict[str, Any]) -> None:
        self.rows.append(_flat(record, self.labels))
        if len(self.rows) >= self.group:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self.rows:
            return
        table = pa.Table.from_pylist(self.rows, schema=self._schema())
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema)
        self.writer.write_table(table)
        self.rows = []

    def _schema(self):
        import pyarrow as pa

        fields = [(name, pa.string()) for name in ("id", "source", "lang", "labels")]
        fields += [(f"score_{label}", pa.float64()) for label in self.labels]
        fields += [(name, pa.string()) for name in ("measures", "summary", "warnings", "error")]
        return pa.schema(fields)

    def close(self) -> None:
        self.flush()
        if self.writer is None:  # no records: still leave a valid, empty file
            import pyarrow.parquet as pq

            pq.write_table(self._schema().empty_table(), self.path)
        else:
            self.writer.close()


def read_done_ids(path: str, fmt: str) -> set[str]:
    """Ids already complete in an output file; a torn last line (a killed run) is cut off."""
    if not os.path.exists(path):
        return set()
    with open(path, "rb+") as f:
        data = f.read()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            f.truncate(complete)
    text = data[:complete].decode("utf-8")
    if fmt == "csv":
        csv.field_size_limit(2**31 - 1)  # a measures cell may pass the default 131,072
        return {row["id"] for row in csv.DictReader(io.StringIO(text, newline=""))}
    # split at \n only: str.splitlines also splits at U+2028 and U+0085, which JSON holds raw
    return {json.loads(line)["id"] for line in text.split("\n") if line.strip()}
