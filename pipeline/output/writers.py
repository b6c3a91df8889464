"""Write result records: JSONL (the output contract, one object per line), CSV or Parquet."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterator
from typing import IO, Any

import orjson

from pipeline.errors import InputError

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


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)",
# "@SUM(...)", "-2+3"): such a cell is written with a leading apostrophe, which Excel and
# LibreOffice show as text and hide. A cell that starts with an apostrophe gets one more, so
# reading a cell back (strip one leading apostrophe) is exact.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def neutralize(cell: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula (text cells only; numbers unchanged)."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """The text of a cell written by `neutralize`."""
    return cell[1:] if cell.startswith("'") else cell


def _count_text(m: dict[str, Any]) -> str:
    count, top = m.get("count"), m.get("count_max")
    if count is None:
        return "?"
    shown = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{shown}-{top:g}" if top is not None else shown


def measure_text(m: dict[str, Any]) -> str:
    """One measure read aloud: publicity · 发放 · 宣传资料 · 1500 · more_than · 份."""
    parts = (m.get("type"), m.get("action"), m.get("object"), _count_text(m),
             m.get("qualifier"), m.get("unit"))
    return " · ".join("—" if part is None else str(part) for part in parts)


def _json_cell(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if value else ""


def _flat(record: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """One flat row: labels joined by ";", one score column per label, measures both readable
    (joined by "; ") and as JSON, meta and the explanation as JSON."""
    scores = record.get("scores", {})
    measures = record.get("measures", [])
    row = {"id": record["id"], "source": record["source"], "lang": record.get("lang", ""),
           "labels": ";".join(record.get("labels", []))}
    row.update({f"score_{label}": scores.get(label) for label in labels})
    row.update(kind=record.get("kind", ""), cluster=record.get("cluster", ""),
               cluster_size=record.get("cluster_size", ""))
    row.update(measures="; ".join(map(measure_text, measures)),
               measures_json=_json_cell(measures),
               summary_json=_json_cell(record.get("summary", [])),
               warnings=" | ".join(record.get("warnings", [])), error=record.get("error", ""),
               meta_json=_json_cell(record.get("meta")),
               explanation_json=_json_cell(record.get("explanation")))
    return row


def _unflat(row: dict[str, str], labels: list[str]) -> dict[str, Any]:
    """The record a CSV row was written from (what a summary needs of it)."""
    row = {k: restore(v or "") for k, v in row.items()}
    record: dict[str, Any] = {"id": row["id"], "source": row["source"]}
    if row.get("error"):
        record["error"] = row["error"]
    else:
        record.update(lang=row.get("lang") or None,
                      labels=[x for x in row.get("labels", "").split(";") if x],
                      scores={label: float(row[f"score_{label}"]) for label in labels
                              if row.get(f"score_{label}")},
                      measures=json.loads(row.get("measures_json") or "[]"),
                      summary=json.loads(row.get("summary_json") or "[]"),
                      warnings=[w for w in row.get("warnings", "").split(" | ") if w])
        if row.get("kind"):
            record["kind"] = row["kind"]
        if row.get("explanation_json"):
            record["explanation"] = json.loads(row["explanation_json"])
    if row.get("meta_json"):
        record["meta"] = json.loads(row["meta_json"])
    return record


class CsvWriter:
    """CSV in UTF-8 with a byte-order mark (Excel reads Chinese right only with it); no cell
    starts like a formula (see `neutralize`)."""

    def __init__(self, stream: IO[str], labels: list[str], header: bool = True) -> None:
        self.labels = labels
        self.stream = stream
        self.writer = csv.writer(stream)
        if header:
            self.writer.writerow(list(_flat({"id": "", "source": ""}, labels)))

    def write(self, record: dict[str, Any]) -> None:
        self.writer.writerow([neutralize(cell) for cell in _flat(record, self.labels).values()])

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


_MEASURE = (("type", "string"), ("action", "string"), ("object", "string"),
            ("count", "float64"), ("count_max", "float64"), ("qualifier", "string"),
            ("unit", "string"), ("text", "string"), ("start", "int64"), ("end", "int64"))
_SUMMARY = (("type", "string"), ("object", "string"), ("unit", "string"), ("total", "float64"),
            ("mean", "float64"), ("qualifier", "string"), ("measures", "int64"))


def _struct(fields):
    import pyarrow as pa

    return pa.struct([(name, getattr(pa, kind)()) for name, kind in fields])


class ParquetWriter:
    """The records as Parquet in row groups of `group` records, typed as Spark writes them:
    labels and warnings list<string>, scores map<string, double>, measures and summary lists of
    structs; meta and explanation (free-form) as JSON text."""

    def __init__(self, path: str, labels: list[str], group: int = 5000) -> None:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ImportError("Parquet output needs pyarrow: pip install pyarrow") from None
        self.path, self.labels, self.group = path, labels, group
        self.rows: list[dict[str, Any]] = []
        self.writer = None

    def write(self, record: dict[str, Any]) -> None:
        row = {name: record.get(name) for name in ("id", "source", "lang", "labels", "kind",
                                                   "measures", "summary", "warnings", "error",
                                                   "cluster", "cluster_size")}
        row["scores"] = list(record["scores"].items()) if "scores" in record else None
        row["kind_scores"] = list(record["kind_scores"].items()) if "kind_scores" in record \
            else None
        row["meta"] = _json_cell(record.get("meta")) or None
        row["explanation"] = _json_cell(record.get("explanation")) or None
        self.rows.append(row)
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

        text = pa.string()
        return pa.schema([("id", text), ("source", text), ("lang", text),
                          ("labels", pa.list_(text)), ("scores", pa.map_(text, pa.float64())),
                          ("kind", text), ("kind_scores", pa.map_(text, pa.float64())),
                          ("cluster", text), ("cluster_size", pa.int64()),
                          ("measures", pa.list_(_struct(_MEASURE))),
                          ("summary", pa.list_(_struct(_SUMMARY))),
                          ("warnings", pa.list_(text)), ("error", text), ("meta", text),
                          ("explanation", text)])

    def close(self) -> None:
        self.flush()
        if self.writer is None:  # no records: still leave a valid, empty file
            import pyarrow.parquet as pq

            pq.write_table(self._schema().empty_table(), self.path)
        else:
            self.writer.close()


def read_output(path: str, fmt: str, labels: list[str]) -> Iterator[dict[str, Any]]:
    """The records already in an output file (for --resume), in order; a torn last line (a
    killed run) is cut off the file first."""
    if not os.path.exists(path):
        return
    text = _complete_lines(path, fmt)
    if fmt == "csv":
        yield from _csv_records(path, text, labels)
    else:
        yield from _jsonl_records(path, text)


def _complete_lines(path: str, fmt: str) -> str:
    """The file's text up to its last newline; the torn rest is cut off the file."""
    with open(path, "rb+") as f:
        data = f.read()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            f.truncate(complete)
    try:
        return data[:complete].decode("utf-8-sig" if fmt == "csv" else "utf-8")
    except UnicodeDecodeError:
        raise InputError(f"--resume: {path} is not UTF-8 text, so not an output of fraudtag; "
                         "give -o a new file") from None


def _csv_records(path: str, text: str, labels: list[str]) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(2**31 - 1)  # a measures cell may pass the default 131,072
    rows = csv.DictReader(io.StringIO(text, newline=""))
    expected = list(_flat({"id": "", "source": ""}, labels))
    if rows.fieldnames is not None and rows.fieldnames != expected:
        raise InputError(f"--resume: {path} has other columns than this run writes "
                         f"({', '.join(rows.fieldnames)}); it was written by another version "
                         "or model: give -o a new file")
    for row in rows:
        yield _unflat(row, labels)


def _jsonl_records(path: str, text: str) -> Iterator[dict[str, Any]]:
    # split on newlines only: str.splitlines would also split inside a record at U+2028
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                record = loads(line)
            except orjson.JSONDecodeError:
                record = None
            if not isinstance(record, dict) or "id" not in record or "source" not in record:
                raise InputError(f"--resume: {path}:{number} is not a fraudtag record; resume "
                                 "only into the output of an earlier run, or give -o a new file")
            yield record
