"""Read files, directories, globs and stdin into Documents, one per record, in input order.

A record that cannot be read becomes an error Document naming the file (and line) and what to
do; nothing is skipped silently.
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.ingest.encoding import decode
from pipeline.ingest.split import split_reports

Reader = Callable[[str, str, "ReadOptions"], Iterator[Document]]


class ReadOptions:
    def __init__(self, text_field: str = "text", id_field: str = "id",
                 split: bool = False, ocr: bool = False) -> None:
        self.text_field = text_field
        self.id_field = id_field
        self.split = split
        self.ocr = ocr


def read_documents(inputs: Iterable[str], text_field: str = "text", id_field: str = "id",
                   split: bool = False, stdin: IO[bytes] | None = None,
                   ocr: bool = False) -> Iterator[Document]:
    """Yield a Document for every record of `inputs` (paths, directories, globs, "-")."""
    options = ReadOptions(text_field, id_field, split, ocr)
    for item in inputs:
        if item == "-":
            yield from read_stream(stdin or sys.stdin.buffer, "stdin", options)
            continue
        for path, shown in expand(item):
            if path is None:
                yield Document.failed(shown, shown, f"{shown}: no such file or directory; "
                                      "check the path (globs need quotes in some shells)")
                continue
            yield from read_file(path, shown, options)


def expand(item: str) -> Iterator[tuple[str | None, str]]:
    """(path, name shown in output) for a file, every file below a directory, or a glob."""
    if os.path.isdir(item):
        base = os.path.dirname(os.path.normpath(item))
        for root, dirs, files in os.walk(item):
            dirs.sort()
            shown_root = os.path.relpath(root, base)  # once per folder, not per file
            for name in sorted(files):
                yield os.path.join(root, name), os.path.join(shown_root, name)
    elif os.path.exists(item):
        yield item, item
    elif glob.has_magic(item):
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            yield None, item
        for match in matches:
            yield from expand(match)
    else:
        yield None, item


def read_file(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    ext = os.path.splitext(path)[1].lower()
    reader = READERS.get(ext)
    if reader is None:
        known = ", ".join(sorted(READERS))
        yield Document.failed(shown, shown, f"{shown}: unsupported file type {ext or '(none)'!r}; "
                              f"fraudtag reads {known}: convert the file or leave it out")
        return
    try:
        yield from reader(path, shown, options)
    except InputError as e:
        yield Document.failed(shown, shown, str(e))
    except OSError as e:
        yield Document.failed(shown, shown, f"{shown}: cannot read ({e.strerror or e}); "
                              "check the file's permissions")


def _read_text_file(path: str, shown: str) -> tuple[str, dict[str, Any], list[str]]:
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip():
        raise InputError(f"{shown}: empty file, no text to classify; remove it or add text")
    decoded = decode(data, shown)
    return decoded.text, {"encoding": decoded.encoding}, decoded.warnings


def _whole_text(shown: str, text: str, meta: dict[str, Any], warnings: list[str],
                options: ReadOptions) -> Iterator[Document]:
    """One document for the file, or one per report with --split-reports."""
    if not text.strip():
        raise InputError(f"{shown}: no text in the file; nothing to classify")
    spans = split_reports(text) if options.split else []
    if len(spans) < 2:
        yield Document(shown, shown, text, meta, warnings=list(warnings))
        return
    for n, (start, end) in enumerate(spans, 1):
        part_meta = dict(meta, part=n, parts=len(spans), offset=start)
        yield Document(f"{shown}#{n}", shown, text[start:end], part_meta, warnings=list(warnings))


def read_plain(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    text, meta, warnings = _read_text_file(path, shown)
    yield from _whole_text(shown, text, meta, warnings, options)


def read_html(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    from pipeline.ingest.html import html_text

    markup, meta, warnings = _read_text_file(path, shown)
    text, title = html_text(markup)
    if title:
        meta["title"] = title
    yield from _whole_text(shown, text, meta, warnings, options)


def read_docx(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    from pipeline.ingest.docx import read_docx_text

    text, meta = read_docx_text(path, shown)
    yield from _whole_text(shown, text, meta, [], options)


def read_pdf(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    from pipeline.ingest.pdf import read_pdf_text

    text, meta, warnings = read_pdf_text(path, shown, ocr=options.ocr)
    yield from _whole_text(shown, text, meta, warnings, options)


def read_image(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    from pipeline.ingest.ocr import read_image_text

    text, meta, warnings = read_image_text(path, shown, options.ocr)
    if not text.strip():
        raise InputError(f"{shown}: OCR found no text in the image; nothing to classify")
    yield from _whole_text(shown, text, meta, warnings, options)


def _record_document(obj: Any, where: str, default_id: str, source: str,
                     options: ReadOptions, extra_meta: dict[str, Any]) -> Document:
    """A Document from one JSON object or CSV row, or an error Document saying what is wrong."""
    if not isinstance(obj, dict):
        return Document.failed(default_id, source, f"{where}: expected a JSON object with a "
                               f"{options.text_field!r} field, got {type(obj).__name__}")
    record_id = str(obj.get(options.id_field) or default_id)
    text = obj.get(options.text_field)
    meta = {k: v for k, v in obj.items() if k not in (options.text_field, options.id_field)}
    meta.update(extra_meta)
    if not isinstance(text, str) or not text.strip():
        fields = ", ".join(sorted(obj)) or "none"
        problem = "is empty" if isinstance(text, str) else "is missing"
        return Document.failed(record_id, source, f"{where}: the {options.text_field!r} field "
                               f"{problem} (fields: {fields}); name the text field with "
                               "--text-field", meta)
    return Document(record_id, source, text, meta)


def _lines(data: bytes, shown: str) -> tuple[list[str], dict[str, Any], list[str]]:
    decoded = decode(data, shown)
    return decoded.text.splitlines(), {"encoding": decoded.encoding}, decoded.warnings


def read_jsonl(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    with open(path, "rb") as f:
        data = f.read()
    if not data.strip():
        raise InputError(f"{shown}: empty file, no records to classify; remove it or add "
                         "records (one JSON object per line)")
    lines, meta, warnings = _lines(data, shown)
    yield from _json_lines(enumerate(lines, 1), shown, options, warnings, plain_ok=False,
                           encoding=meta["encoding"])


def read_stream(stream: IO[bytes], shown: str, options: ReadOptions) -> Iterator[Document]:
    """JSONL or plain lines from a stream, decoded line by line so results can flow out."""
    def numbered() -> Iterator[tuple[int, str]]:
        for number, raw in enumerate(stream, 1):
            yield number, decode(raw, f"{shown}:{number}").text.rstrip("\r\n")
    yield from _json_lines(numbered(), shown, options, [], plain_ok=True, encoding=None)


def _json_lines(lines: Iterable[tuple[int, str]], shown: str, options: ReadOptions,
                warnings: list[str], plain_ok: bool, encoding: str | None
                ) -> Iterator[Document]:
    extra = {"encoding": encoding} if encoding else {}
    for number, line in lines:
        if not line.strip():
            continue  # blank lines hold no record; physical numbering is kept
        where, default_id = f"{shown}:{number}", f"{shown}:{number}"
        if plain_ok and not line.lstrip().startswith("{"):
            yield Document(default_id, shown, line, {"line": number})
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield Document.failed(default_id, shown, f"{where}: invalid JSON ({e.msg} at column "
                                  f"{e.colno}); fix or remove this line and run again")
            continue
        doc = _record_document(obj, where, default_id, shown, options, {"line": number, **extra})
        doc.warnings.extend(warnings)
        yield doc


def read_json(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    with open(path, "rb") as f:
        data = f.read()
    decoded = decode(data, shown)
    try:
        value = json.loads(decoded.text)
    except json.JSONDecodeError as e:
        raise InputError(f"{shown}:{e.lineno}: invalid JSON ({e.msg} at column {e.colno}); "
                         "fix the file (a .json file holds an array of objects; use .jsonl for "
                         "one object per line)") from None
    items = value if isinstance(value, list) else [value]
    for n, obj in enumerate(items, 1):
        where = f"{shown}[{n - 1}]"
        doc = _record_document(obj, where, where, shown, options,
                               {"index": n - 1, "encoding": decoded.encoding})
        doc.warnings.extend(decoded.warnings)
        yield doc


def read_csv(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    with open(path, "rb") as f:
        data = f.read()
    decoded = decode(data, shown)
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    reader = csv.DictReader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)
    columns = reader.fieldnames or []
    if options.text_field not in columns:
        raise InputError(f"{shown}: no {options.text_field!r} column (columns: "
                         f"{', '.join(columns) or 'none'}); name the text column with "
                         "--text-field")
    try:
        for row in reader:
            where = f"{shown}:{reader.line_num}"
            doc = _record_document(row, where, where, shown, options,
                                   {"line": reader.line_num, "encoding": decoded.encoding})
            doc.warnings.extend(decoded.warnings)
            yield doc
    except csv.Error as e:
        yield Document.failed(f"{shown}:{reader.line_num}", shown, f"{shown}:{reader.line_num}: "
                              f"malformed CSV ({e}); fix the quoting of this row")


READERS: dict[str, Reader] = {
    ".txt": read_plain,
    ".md": read_plain,
    ".text": read_plain,
    ".html": read_html,
    ".htm": read_html,
    ".jsonl": read_jsonl,
    ".json": read_json,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".png": read_image,
    ".jpg": read_image,
    ".jpeg": read_image,
    ".tif": read_image,
    ".tiff": read_image,
}
