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
                 split: bool = False) -> None:
        self.text_field = text_field
        self.id_field = id_field
        self.split = split

    def text_field_of(self, fields) -> str:
        """The field that holds the text among `fields`: --text-field, or else "text" (so a
        --text-field named for one kind of input does not fail the others)."""
        if self.text_field not in fields and "text" in fields:
            return "text"
        return self.text_field

    def missing_hint(self) -> str:
        if self.text_field == "text":
            return "name the text field with --text-field"
        return f"check the name given with --text-field ({self.text_field!r})"


def read_documents(inputs: Iterable[str], text_field: str = "text", id_field: str = "id",
                   split: bool = False, stdin: IO[bytes] | None = None) -> Iterator[Document]:
    """Yield a Document for every record of `inputs` (paths, directories, globs, "-")."""
    options = ReadOptions(text_field, id_field, split)
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
    from bs4 import BeautifulSoup

    markup, meta, warnings = _read_text_file(path, shown)
    soup = BeautifulSoup(markup, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for hidden in soup(["script", "style", "noscript", "template", "head"]):
        hidden.decompose()
    lines = [line.strip() for line in soup.get_text("\n").splitlines()]
    text = "\n".join(line for line in lines if line)
    if title:
        meta["title"] = title
    yield from _whole_text(shown, text, meta, warnings, options)


def read_docx(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(path)
    except (PackageNotFoundError, KeyError, ValueError, OSError) as e:
        raise InputError(f"{shown}: not a readable .docx ({e}); re-save it from Word as .docx "
                         "(old .doc files must be converted)") from None
    blocks = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(docx.text.paragraph.Paragraph(child, document).text)
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                cells = []
                for cell in row.cells:
                    if not cells or cell.text != cells[-1]:  # merged cells repeat their text
                        cells.append(cell.text)
                blocks.append("\t".join(cells))
    text = "\n".join(block for block in blocks if block.strip())
    yield from _whole_text(shown, text, {"format": "docx"}, [], options)


def read_pdf(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise InputError(f"{shown}: the PDF is encrypted; save an unprotected copy first")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfReadError as e:
        raise InputError(f"{shown}: not a readable PDF ({e}); check that the file is complete"
                         ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise InputError(f"{shown}: the PDF has no text layer (a scan?); run OCR on it first, "
                         "e.g. `ocrmypdf --language chi_sim in.pdf out.pdf`, then classify out.pdf")
    yield from _whole_text(shown, text, {"format": "pdf", "pages": len(pages)}, [], options)


def _record_document(obj: Any, where: str, default_id: str, source: str,
                     options: ReadOptions, extra_meta: dict[str, Any]) -> Document:
    """A Document from one JSON object or CSV row, or an error Document saying what is wrong."""
    if not isinstance(obj, dict):
        return Document.failed(default_id, source, f"{where}: expected a JSON object with a "
                               f"{options.text_field!r} field, got {type(obj).__name__}")
    record_id = str(obj.get(options.id_field) or default_id)
    field = options.text_field_of(obj)
    text = obj.get(field)
    meta = {k: v for k, v in obj.items() if k not in (field, options.id_field)}
    meta.update(extra_meta)
    if isinstance(text, str) and not text.strip():  # the field is there: naming it is no help
        return Document.failed(record_id, source, f"{where}: the {field!r} field is empty; "
                               "nothing to classify (fill it in or leave the record out)", meta)
    if not isinstance(text, str):
        fields = ", ".join(sorted(obj)) or "none"
        problem = "is not text" if field in obj else "is missing"
        return Document.failed(record_id, source, f"{where}: the {field!r} field {problem} "
                               f"(fields: {fields}); {options.missing_hint()}", meta)
    return Document(record_id, source, text, meta)


def _lines(data: bytes, shown: str) -> tuple[list[str], dict[str, Any], list[str]]:
    decoded = decode(data, shown)
    return decoded.text.splitlines(), {"encoding": decoded.encoding}, decoded.warnings


def read_jsonl(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    with open(path, "rb") as f:
        data = f.read()
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
    if options.text_field_of(columns) not in columns:
        raise InputError(f"{shown}: no {options.text_field!r} column (columns: "
                         f"{', '.join(columns) or 'none'}); {options.missing_hint()}")
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
}
