"""A folder of hostile input files, and the batch CLI run over it: one record per input, exit 3.

    python bench/fuzz_inputs.py --files 500 [--jobs 2] [--seed 17] [--keep DIR]

Each generated input holds exactly one record (one document, one JSONL line, one CSV row), so a
correct run writes exactly as many records as there are inputs. The kinds are those of issue 17:
JSON nested 100,000 deep (or 900 deep in a field), lone surrogates in ids, fields and keys, a
file name that is not UTF-8, docx files with malformed XML or damaged zips, PDFs with a few
random bytes changed, FIFOs, sockets, symlinks to /dev/zero and /dev/null, U+2028 / U+0085
inside JSONL strings, a CSV cell over 131,072 characters, a file over the size limit, binary
and empty files, deep HTML, and a symlink loop in the folder (no input of its own: it must add
no record). The seed files are the repository's own test archive. Prints seconds, peak RSS of
the run (the largest of classify.py and its workers) and records vs inputs; exits 1 if the run
breaks the contract.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHIVE = os.path.join(ROOT, "tests", "data", "archive")
SIZE_LIMIT = 2_000_000  # FRAUDTAG_MAX_FILE_BYTES for the run: the "too large" kind passes it
TEXT = "县公安局开展防范养老诈骗宣传，发放宣传资料{n}份，提醒老年人警惕“以房养老”骗局。"


def _mutate(data: bytes, rng: random.Random, changes: int) -> bytes:
    buffer = bytearray(data)
    for _ in range(changes):
        buffer[rng.randrange(len(buffer))] = rng.randrange(256)
    return bytes(buffer)


def _docx_with(document_xml: bytes | None, rng: random.Random) -> bytes:
    """The seed docx with word/document.xml replaced (None: cut at a random point)."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(os.path.join(ARCHIVE, "community_brief.docx")) as seed, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in seed.infolist():
            data = seed.read(info.filename)
            if info.filename == "word/document.xml":
                data = document_xml if document_xml is not None else \
                    data[:rng.randrange(len(data) // 4, len(data) - 1)]
            copy.writestr(info, data)
    return out.getvalue()


def _jsonl(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=True) + "\n").encode("ascii")


def _seed(name: str) -> bytes:
    with open(os.path.join(ARCHIVE, name), "rb") as f:
        return f.read()


def _kinds(rng: random.Random, n: int) -> dict:
    """name -> a function making one input of that file kind (special files are made apart)."""
    pdf, docx = _seed("tourism_notice.pdf"), _seed("community_brief.docx")
    depth = 100_000
    text = TEXT.format(n=n)
    raw = text.encode()
    return {
        "deep.json": lambda: b"[" * depth + b"]" * depth,
        "deep_object.json": lambda: b'{"a":' * depth + b"1" + b"}" * depth,
        "deep.jsonl": lambda: b'{"text": ' + b"[" * depth + b"]" * depth + b"}\n",
        "deep_meta.jsonl": lambda: b'{"text": "' + raw + b'", "m": ' + b"[" * 900 + b"]" * 900
        + b"}\n",
        "surrogate_id.jsonl": lambda: b'{"id": "a%d\\ud800", "text": "' % n + raw + b'\\udfff"}\n',
        "surrogate_key.jsonl": lambda: b'{"\\udc80": 1, "text": "\\ud83d' + raw + b'"}\n',
        "surrogate.json": lambda: b'[{"text": "\\ud800\\ud800 ' + raw + b'"}]',
        "line_separators.jsonl": lambda: json.dumps(
            {"text": text + "\u2028" + text + "\u0085" + text + "\u2029"},
            ensure_ascii=False).encode() + b"\r\n",
        "long_cell.csv": lambda: (f"id,text\nlong-{n}," + "甲" * rng.randrange(131_073, 200_000)
                                  + "\n").encode(),
        "nul_cell.csv": lambda: b"id,text\nnul-%d,\"" % n + raw + b"\x00\"\n",
        "bad_xml.docx": lambda: _docx_with(None, rng),
        "not_xml.docx": lambda: _docx_with(b"<w:document><<<" + rng.randbytes(200), rng),
        "damaged.docx": lambda: _mutate(docx, rng, rng.randrange(1, 12)),
        "damaged.pdf": lambda: _mutate(pdf, rng, rng.randrange(1, 8)),
        "damaged_again.pdf": lambda: _mutate(pdf, rng, rng.randrange(1, 8)),
        "damaged_third.pdf": lambda: _mutate(pdf, rng, rng.randrange(1, 8)),
        "cut.pdf": lambda: pdf[:rng.randrange(10, len(pdf))],
        "deep.html": lambda: b"<div>" * 50_000 + raw + b"</div>" * 50_000,
        "binary.txt": lambda: rng.randbytes(rng.randrange(1, 4000)),
        "empty.md": lambda: b"",
        "big_int.jsonl": lambda: _jsonl({"id": f"big-{n}", "text": text, "n": 10 ** 40}),
        "not_object.jsonl": lambda: b"[1, 2, 3]\n",
        "too_large.txt": lambda: raw * (SIZE_LIMIT // len(raw) + 2),
        "garbage.jsonl": lambda: bytes(rng.randrange(32, 127) for _ in range(300)) + b"\n",
        "plain.txt": lambda: text.encode("gb18030"),
    }


SPECIAL = ("fifo", "socket", "zero_link", "null_link", "bad_name", "dangling_link")


def _special(folder: str, kind: str, n: int) -> None:
    if kind == "fifo":
        os.mkfifo(os.path.join(folder, f"{n:04d}_pipe.txt"))
    elif kind == "socket":
        path = os.path.join(folder, f"{n:04d}_s.txt")
        if len(path) < 100:  # AF_UNIX paths are short
            with socket.socket(socket.AF_UNIX) as s:
                s.bind(path)
        else:
            os.mkfifo(path)
    elif kind == "zero_link":
        os.symlink("/dev/zero", os.path.join(folder, f"{n:04d}_zero.txt"))
    elif kind == "null_link":
        os.symlink("/dev/null", os.path.join(folder, f"{n:04d}_null.jsonl"))
    elif kind == "bad_name":
        name = os.fsencode(folder) + b"/%04d_name_\xff\xfe.txt" % n
        with open(name, "wb") as f:
            f.write(TEXT.format(n=n).encode())
    elif kind == "dangling_link":
        os.symlink(os.path.join(folder, "nowhere"), os.path.join(folder, f"{n:04d}_gone.txt"))


def make_hostile(folder: str, files: int, seed: int = 17) -> int:
    """Write `files` hostile inputs (each one record) and a symlink loop into `folder`;
    the number of inputs."""
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    names = list(_kinds(rng, 0)) + list(SPECIAL)
    for n in range(files):
        kind = names[n % len(names)]
        if kind in SPECIAL:
            _special(folder, kind, n)
            continue
        with open(os.path.join(folder, f"{n:04d}_{kind}"), "wb") as f:
            f.write(_kinds(rng, n)[kind]())
    os.symlink(".", os.path.join(folder, "loop"))  # a loop: no input of its own
    return files


def run_cli(folder: str, out: str, jobs: int, *extra: str) -> tuple[subprocess.CompletedProcess,
                                                                    float, int]:
    """classify.py over `folder`: the process, seconds, and peak RSS in KB (children)."""
    env = dict(os.environ, FRAUDTAG_MAX_FILE_BYTES=str(SIZE_LIMIT))
    start = time.perf_counter()
    result = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), folder, "-o",
                             out, "-q", "-j", str(jobs), *extra], capture_output=True,
                            text=True, env=env, timeout=1800)
    seconds = time.perf_counter() - start
    return result, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--keep", metavar="DIR", help="write the folder here and keep it")
    args = parser.parse_args()
    work = args.keep or tempfile.mkdtemp(prefix="fraudtag-fuzz-")
    folder = os.path.join(work, "hostile")
    try:
        inputs = make_hostile(folder, args.files, args.seed)
        out = os.path.join(work, "out.jsonl")
        result, seconds, peak_kb = run_cli(folder, out, args.jobs)
        with open(out, "rb") as f:
            records = [json.loads(line) for line in f.read().split(b"\n") if line]
        errors = sum("error" in r for r in records)
        print(f"{inputs} inputs -> {len(records)} records ({errors} errors), exit "
              f"{result.returncode}, {seconds:.1f} s, peak RSS {peak_kb / 1024:.0f} MB, "
              f"-j {args.jobs}")
        if result.returncode not in (0, 3) or "Traceback" in result.stderr:
            print(result.stderr[-3000:], file=sys.stderr)
        ok = len(records) == inputs and result.returncode == 3
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
