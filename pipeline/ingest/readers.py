"""Read files, directories, globs and stdin into Documents, one per record, in input order.

A record that cannot be read becomes an error Document naming the file (and line) and what to
do; nothing is skipped silently, and nothing a file holds stops the run: any exception raised
while reading one input becomes that input's error record. Each file is read once however many
paths lead to it (a symlink, a folder given twice, a recursive glob); symlinked folders are not
entered (one that leads out of the input folder is an error record); special files (FIFOs,
devices, sockets) are not opened; a file may hold at most FRAUDTAG_MAX_FILE_BYTES bytes
(default 256 MB); a record may nest lists and objects at most MAX_DEPTH levels. Lone surrogates
(a JSON "\\ud800" escape, a file name that is not UTF-8) cannot be written as UTF-8: they are
replaced with U+FFFD, with a warning.
"""

from __future__ import annotations

import csv
import fnmatch
import glob
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.ingest.encoding import decode
from pipeline.ingest.split import split_reports
from pipeline.settings import resolve

Reader = Callable[[str, str, "ReadOptions"], Iterator[Document]]


class ReadOptions:
    def __init__(self, text_field: str = "text", id_field: str = "id",
                 split: bool = False, ocr: bool = False, max_bytes: int | None = None
                 ) -> None:
        self.text_field = text_field
        self.id_field = id_field
        self.split = split
        self.ocr = ocr
        self.max_bytes = max_file_bytes() if max_bytes is None else max_bytes

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


def max_file_bytes() -> int:
    """The most bytes one input file may hold: FRAUDTAG_MAX_FILE_BYTES, default 256 MB."""
    return resolve()["max_file_bytes"]


def read_documents(inputs: Iterable[str], text_field: str = "text", id_field: str = "id",
                   split: bool = False, stdin: IO[bytes] | None = None,
                   ocr: bool = False) -> Iterator[Document]:
    """Yield a Document for every record of `inputs` (paths, directories, globs, "-")."""
    options = ReadOptions(text_field, id_field, split, ocr)
    seen: set[tuple[int, int]] = set()  # (device, inode) of every file read: each read once
    for item in inputs:
        if item == "-":
            yield from read_stream(stdin or sys.stdin.buffer, "stdin", options)
            continue
        for path, shown in expand(item, seen):
            if path is None:
                yield clean_surrogates(Document.failed(
                    shown, shown, f"{shown}: no such file or directory; check the path (globs "
                    "need quotes in some shells)"))
                continue
            yield from map(_cleaned, read_file(path, shown, options))


def expand(item: str, seen: set[tuple[int, int]] | None = None
           ) -> Iterator[tuple[str | None, str]]:
    """(path, name shown in output) for a file, every file below a directory, or a glob.

    A file whose (device, inode) is in `seen` is left out (and each one given is added), so a
    file reached by two paths is read once. Symlinked folders are not entered (see _walk).
    """
    seen = set() if seen is None else seen
    if os.path.isdir(item):
        yield from _walk(item, os.path.dirname(os.path.normpath(item)), seen)
    elif os.path.lexists(item):
        if _first_visit(item, seen):
            yield item, item
    elif glob.has_magic(item):
        matches = _glob(item)
        if not matches:
            yield None, item
        for match in matches:
            if os.path.isdir(match):  # shown by its whole path, like the files matched
                yield from _walk(match, None, seen)
            elif _first_visit(match, seen):
                yield match, match
    else:
        yield None, item


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of a regular file; None for anything else (a broken symlink, a special
    file: each path to one is reported by read_file)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _first_visit(path: str, seen: set[tuple[int, int]]) -> bool:
    key = _identity(path)
    if key is None:
        return True
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk(top: str, base: str | None, seen: set[tuple[int, int]]) -> Iterator[tuple[str, str]]:
    """Every file below `top`, sorted, shown relative to `base` (None: as found).

    Symlinked folders are not entered, so no loop and no link to / can run away with the run:
    one that leads inside `top` holds files read by their own path already; one that leads
    outside is yielded itself, and read_file reports it with its target.
    """
    inside = os.path.realpath(top)
    for root, dirs, files in os.walk(top):
        dirs.sort()
        outside = [name for name in dirs if os.path.islink(os.path.join(root, name))
                   and not _within(os.path.realpath(os.path.join(root, name)), inside)]
        shown_root = root if base is None else os.path.relpath(root, base)  # once per folder
        for name in sorted(files + outside):
            path = os.path.join(root, name)
            if name in outside or _first_visit(path, seen):
                yield path, os.path.join(shown_root, name)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _glob(pattern: str) -> list[str]:
    """Sorted matches of `pattern`; `**` matches any depth of real folders: symlinked folders
    are not entered (glob.glob follows them, a loop to the limit of path length: hundreds of
    copies of each file, and two loops 2^depth paths)."""
    if "**" not in pattern:
        return sorted(glob.glob(pattern))
    parts = pattern.split(os.sep)
    fixed = 0
    while fixed < len(parts) and not glob.has_magic(parts[fixed]):
        fixed += 1
    top = os.sep.join(parts[:fixed]) or (os.sep if pattern.startswith(os.sep) else os.curdir)
    rules = parts[fixed:]
    if not os.path.isdir(top):
        return []
    matches = []
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(name for name in dirs if not os.path.islink(os.path.join(root, name)))
        relative = [] if root == top else os.path.relpath(root, top).split(os.sep)
        if _match(relative, rules):
            matches.append(root)
        matches.extend(os.path.join(root, name) for name in sorted(files)
                       if _match([*relative, name], rules))
    prefix = os.curdir + os.sep
    return sorted(m[len(prefix):] if fixed == 0 and m.startswith(prefix) else m for m in matches)


def _match(names: list[str], rules: list[str]) -> bool:
    """Whether the path components `names` match the glob components `rules` (`**`: any
    number of folders; a hidden name only matches a rule that starts with a dot)."""
    if not rules:
        return not names
    if rules[0] == "**":
        if _match(names, rules[1:]):
            return True
        return bool(names) and not names[0].startswith(".") and _match(names[1:], rules)
    if not names or (names[0].startswith(".") and not rules[0].startswith(".")):
        return False
    return fnmatch.fnmatchcase(names[0], rules[0]) and _match(names[1:], rules[1:])


def read_file(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    """The documents of one file; whatever goes wrong becomes an error record naming it."""
    try:  # one stat for the folder check, the special-file check and the size
        info: os.stat_result | None = os.stat(path)
    except OSError:  # reported below, by _check_file's own stat
        info = None
    reader, refusal = _reader_of(path, shown, info)
    if reader is None:
        yield Document.failed(shown, shown, refusal)
        return
    try:
        _check_file(path, shown, options.max_bytes, info)
        empty = True
        for doc in reader(path, shown, options):
            empty = False
            yield doc
        if empty:  # JSONL of blank lines, a JSON [], a CSV header: say so
            yield Document.failed(shown, shown, f"{shown}: no records in the file (empty, blank "
                                  "lines, an empty array or a header only); nothing to classify")
    except InputError as e:
        yield Document.failed(shown, shown, str(e))
    except FileNotFoundError:
        yield Document.failed(shown, shown, f"{shown}: no such file (a symlink to a missing "
                              "file?); fix the link or leave it out")
    except OSError as e:
        yield Document.failed(shown, shown, f"{shown}: cannot read ({e.strerror or e}); "
                              "check the file's permissions")
    except RecursionError:
        yield Document.failed(shown, shown, f"{shown}: nested too deeply to read (more than "
                              "about 1,000 levels); fix or re-export the file, or leave it out")
    except Exception as e:  # noqa: BLE001 - one bad file must not stop a batch
        yield Document.failed(shown, shown, f"{shown}: could not be read ({_describe(e)}); the "
                              "file may be damaged or not what its extension says: re-save or "
                              "convert it, or leave it out")


def _reader_of(path: str, shown: str, info: os.stat_result | None) -> tuple[Reader | None, str]:
    """The reader of `path` by its extension, or None and why it is not read."""
    if info is not None and stat.S_ISDIR(info.st_mode):  # a symlinked folder leading out
        return None, (f"{shown}: a symlink to a folder outside the input folder "
                      f"({os.path.realpath(path)}), not followed so that no link can take the "
                      "run elsewhere on the disk: give that folder as an input to read it")
    ext = os.path.splitext(path)[1].lower()
    reader = READERS.get(ext)
    if reader is None:
        return None, (f"{shown}: unsupported file type {ext or '(none)'!r}; fraudtag reads "
                      f"{', '.join(sorted(READERS))}: convert the file or leave it out")
    return reader, ""


def _describe(e: BaseException, limit: int = 300) -> str:
    text = f"{type(e).__name__}: {e}"
    return text if len(text) <= limit else text[:limit] + "..."


_SPECIAL = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
            (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _check_file(path: str, shown: str, limit: int, info: os.stat_result | None = None) -> None:
    """Raise InputError for what must not be opened: a special file (opening a FIFO waits for
    a writer, a device never ends) or a file over the size limit. `info`: the path's stat, if
    taken already (else it is taken here, and an OSError raised)."""
    mode = os.stat(path) if info is None else info
    for test, kind in _SPECIAL:
        if test(mode.st_mode):
            raise InputError(f"{shown}: {kind}, not a regular file; fraudtag reads regular files "
                             "only: leave it out or copy its content to a file")
    _check_size(mode.st_size, shown, limit)


def _check_size(size: int, shown: str, limit: int) -> None:
    if size > limit:
        raise InputError(f"{shown}: {size:,} bytes, over the limit of {limit:,} for one file; "
                         "split it, or raise FRAUDTAG_MAX_FILE_BYTES")


def _read_bytes(path: str, shown: str, limit: int | None = None) -> bytes:
    """The file's bytes, at most `limit` (default max_file_bytes(); a file may grow after it
    was checked)."""
    limit = max_file_bytes() if limit is None else limit
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        # read(n) allocates n bytes first: ask for the size, and more only if it grew
        data = f.read(min(size, limit) + 1)
        if len(data) > size:
            data += f.read(limit + 1 - len(data))
    _check_size(len(data), shown, limit)
    return data


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_surrogate, value))
    return False


def _replace_surrogates(value: Any) -> tuple[Any, bool]:
    """`value` with each lone surrogate of its strings replaced by U+FFFD, and whether any was."""
    if isinstance(value, str):
        if _SURROGATE.search(value) is None:
            return value, False
        return _SURROGATE.sub("\ufffd", value), True
    if isinstance(value, dict):
        items = [(_replace_surrogates(k), _replace_surrogates(v)) for k, v in value.items()]
        if not any(k[1] or v[1] for k, v in items):
            return value, False
        return {k[0]: v[0] for k, v in items}, True
    if isinstance(value, list):
        items = [_replace_surrogates(v) for v in value]
        if not any(changed for _, changed in items):
            return value, False
        return [v for v, _ in items], True
    return value, False


def clean_surrogates(doc: Document) -> Document:
    """`doc` with lone surrogates (which UTF-8 cannot encode) replaced by U+FFFD in its id,
    source, text, meta and error, and a warning saying where; lengths, and so offsets, stay."""
    changed = []
    for name in ("id", "source", "text", "meta", "error"):
        value = getattr(doc, name)
        if not value or not _has_surrogate(value):
            continue
        value, replaced = _replace_surrogates(value)
        if replaced:
            setattr(doc, name, value)
            changed.append(name)
    if changed:
        doc.warnings.append(f"lone surrogates (invalid Unicode, e.g. a JSON \\ud800 escape or "
                            f"a file name that is not UTF-8) in {', '.join(changed)} were "
                            "replaced with U+FFFD")
    return doc


def _cleaned(doc: Document) -> Document:
    """clean_surrogates(doc), or an error record if even that fails."""
    try:
        return clean_surrogates(doc)
    except Exception as e:  # noqa: BLE001 - one bad record must not stop a batch
        shown = _SURROGATE.sub("\ufffd", doc.source)
        return Document.failed(_SURROGATE.sub("\ufffd", str(doc.id)), shown,
                               f"{shown}: could not be read ({_describe(e)}); fix the record or "
                               "leave it out")


def _decoded(path: str, shown: str, limit: int | None = None, empty_ok: bool = True):
    """The file's text, its encoding and what decoding it warned of: the one way every reader
    of a text format opens a file (size limits and checks in _read_bytes)."""
    data = _read_bytes(path, shown, limit)
    if not empty_ok and (not data or data.isspace()):  # not data.strip(), without a copy
        raise InputError(f"{shown}: empty file, no text to classify; remove it or add text")
    return decode(data, shown)


def _read_text_file(path: str, shown: str, limit: int | None = None
                    ) -> tuple[str, dict[str, Any], list[str]]:
    decoded = _decoded(path, shown, limit, empty_ok=False)
    return decoded.text, {"encoding": decoded.encoding}, decoded.warnings


def _whole_text(shown: str, text: str, meta: dict[str, Any], warnings: list[str],
                options: ReadOptions) -> Iterator[Document]:
    """One document for the file, or one per report with --split-reports."""
    if not text or text.isspace():  # as `not text.strip()`, without a copy of the text
        raise InputError(f"{shown}: no text in the file; nothing to classify")
    spans = split_reports(text) if options.split else []
    if len(spans) < 2:
        yield Document(shown, shown, text, meta, warnings=list(warnings))
        return
    for n, (start, end) in enumerate(spans, 1):
        part_meta = dict(meta, part=n, parts=len(spans), offset=start)
        yield Document(f"{shown}#{n}", shown, text[start:end], part_meta, warnings=list(warnings))


def read_plain(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    text, meta, warnings = _read_text_file(path, shown, options.max_bytes)
    yield from _whole_text(shown, text, meta, warnings, options)


def read_html(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    from pipeline.ingest.html import html_text

    markup, meta, warnings = _read_text_file(path, shown)
    try:
        text, title = html_text(markup)
    except InputError as e:
        raise InputError(f"{shown}: {e}") from None
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


MAX_DEPTH = 100  # levels of lists and objects in one record (orjson writes at most 255)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels in `value` (without recursion:
    a record is checked before anything walks it recursively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _record_document(obj: Any, where: str, default_id: str, source: str,
                     options: ReadOptions, extra_meta: dict[str, Any]) -> Document:
    """A Document from one JSON object or CSV row, or an error Document saying what is wrong."""
    if not isinstance(obj, dict):
        return Document.failed(default_id, source, f"{where}: expected a JSON object with a "
                               f"{options.text_field!r} field, got {type(obj).__name__}")
    if _deeper_than(obj, MAX_DEPTH):
        return Document.failed(default_id, source, f"{where}: the record nests more than "
                               f"{MAX_DEPTH} levels of lists and objects; flatten its fields")
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


def split_lines(text: str) -> list[str]:
    """The lines of JSONL text: split at \\n only (a \\r before it is dropped). str.splitlines
    also splits at U+2028, U+0085 and other characters JSON strings may hold unescaped."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_jsonl(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    decoded = _decoded(path, shown, options.max_bytes)
    yield from _json_lines(enumerate(split_lines(decoded.text), 1), shown, options,
                           decoded.warnings, plain_ok=False, encoding=decoded.encoding)


def read_stream(stream: IO[bytes], shown: str, options: ReadOptions) -> Iterator[Document]:
    """JSONL or plain lines from a stream, decoded line by line so results can flow out.

    A line that cannot be read (binary bytes, longer than the file size limit) is an error
    record for that line; the stream goes on."""
    limit = options.max_bytes
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        where = f"{shown}:{number}"
        if len(raw) > limit and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = stream.readline(limit)
            yield Document.failed(where, shown, f"{where}: a line longer than {limit:,} bytes; "
                                  "split it, or raise FRAUDTAG_MAX_FILE_BYTES")
            continue
        try:
            line = decode(raw, where).text.rstrip("\r\n")
        except Exception as e:  # noqa: BLE001 - one bad line must not stop the stream
            message = str(e) if isinstance(e, InputError) else (
                f"{where}: could not be read ({_describe(e)}); fix or remove this line")
            yield Document.failed(where, shown, message)
            continue
        yield from map(_cleaned, _json_lines([(number, line)], shown, options, [],
                                                     plain_ok=True, encoding=None))


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
            doc = _record_document(obj, where, default_id, shown, options,
                                   {"line": number, **extra})
        except json.JSONDecodeError as e:
            yield Document.failed(default_id, shown, f"{where}: invalid JSON ({e.msg} at column "
                                  f"{e.colno}); fix or remove this line and run again")
            continue
        except RecursionError:
            yield Document.failed(default_id, shown, f"{where}: JSON nested too deeply (more "
                                  "than about 1,000 levels); fix or remove this line")
            continue
        except Exception as e:  # noqa: BLE001 - one bad line must not stop the file
            yield Document.failed(default_id, shown, f"{where}: could not be read "
                                  f"({_describe(e)}); fix or remove this line")
            continue
        doc.warnings.extend(warnings)
        yield doc


def read_json(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    decoded = _decoded(path, shown, options.max_bytes)
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


def allow_long_csv_fields() -> None:
    """Let the csv module read a cell as long as a whole file may be (its default limit,
    131,072 characters, ends the reading of a file at the first longer cell)."""
    limit = min(max_file_bytes(), 2**31 - 1)  # a C long on every platform
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)


def read_csv(path: str, shown: str, options: ReadOptions) -> Iterator[Document]:
    decoded = _decoded(path, shown, options.max_bytes)
    delimiter = "\t" if path.lower().endswith(".tsv") else ","
    allow_long_csv_fields()
    reader = csv.DictReader(io.StringIO(decoded.text, newline=""), delimiter=delimiter)
    columns = reader.fieldnames or []
    if options.text_field_of(columns) not in columns:
        raise InputError(f"{shown}: no {options.text_field!r} column (columns: "
                         f"{', '.join(columns) or 'none'}); {options.missing_hint()}")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:  # the reader goes on at the next line: so does the file
            where = f"{shown}:{reader.line_num}"
            yield Document.failed(where, shown, f"{where}: malformed CSV ({e}); fix the "
                                  "quoting of this row")
            continue
        where = f"{shown}:{reader.line_num}"
        doc = _record_document(row, where, where, shown, options,
                               {"line": reader.line_num, "encoding": decoded.encoding})
        doc.warnings.extend(decoded.warnings)
        yield doc


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
