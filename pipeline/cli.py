"""classify.py: tag documents by fraud type and extract their measures.

Examples:
  python classify.py archive/ -o results.jsonl          # every file below archive/
  python classify.py "reports/*.docx" --format csv -o results.csv
  python classify.py posts.jsonl --text-field content --explain
  python classify.py compilation.txt --split-reports
  echo '{"id": "p1", "text": "..."}' | python classify.py -

Exit status: 0 every document processed; 3 finished, but some records are errors;
2 usage error; 1 nothing could run (no model, or a model that does not match its manifest).
Models are joblib files, which run code when loaded: use only models from a trusted source.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from itertools import islice

from .document import Document
from .errors import FraudtagError
from .ingest import read_documents
from .output import make_writer

REPO_MODEL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "models", "default")


def default_model_dir() -> str:
    """FRAUDTAG_MODEL, else the repository's models/default, else ./models/default."""
    if os.environ.get("FRAUDTAG_MODEL"):
        return os.environ["FRAUDTAG_MODEL"]
    if os.path.isdir(REPO_MODEL):
        return REPO_MODEL
    return os.path.join("models", "default")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="classify.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="files, directories, globs, or - for stdin (JSONL or plain lines)")
    p.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--model", default=None, help="model directory (default models/default)")
    p.add_argument("--text-field", default="text", help="text field of JSON/CSV records")
    p.add_argument("--id-field", default="id", help="id field of JSON/CSV records")
    p.add_argument("--split-reports", action="store_true",
                   help="split files that hold several numbered reports into one per report")
    p.add_argument("--segmenter", choices=["rjieba", "jieba"], default="rjieba",
                   help="Chinese segmenter: rjieba (jieba in Rust, default) or jieba")
    p.add_argument("--explain", action="store_true",
                   help="add the terms and sentences behind each predicted label")
    p.add_argument("--batch-size", type=int, default=64, help="documents per model call")
    return p


def batched(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def classify_main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .model_store import load_model
    from .runner import Pipeline

    try:
        model = load_model(args.model or default_model_dir())
        pipeline = Pipeline(model, segmenter=args.segmenter, explain=args.explain)
    except (FraudtagError, ImportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    with contextlib.ExitStack() as stack:
        out = sys.stdout if args.output == "-" else stack.enter_context(
            open(args.output, "w", encoding="utf-8", newline=""))
        writer = make_writer(args.format, out, model.labels)
        documents = errors = 0
        docs = read_documents(args.inputs, args.text_field, args.id_field, args.split_reports)
        for batch in batched(docs, args.batch_size):
            for doc in pipeline.run(batch):
                writer.write(doc.to_record())
                documents += 1
                errors += doc.error is not None
        writer.close()
    print(f"{documents} documents, {errors} errors", file=sys.stderr)
    return 3 if errors else 0
