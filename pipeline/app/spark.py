"""Tag a Spark DataFrame with the same model and output contract as the local batch.

    from pipeline.app.spark import tag_dataframe
    tagged = tag_dataframe(spark.read.json("posts/"), "models/default", text_col="text")

The model's bytes travel once to each executor (a broadcast); each executor's Python worker
writes them to a private folder, checks them against the manifest (sha256, versions) and builds
its Pipeline once. pyspark is optional: `pip install .[spark]`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from pipeline.errors import FraudtagError

MEASURE_FIELDS = (("type", "string"), ("action", "string"), ("object", "string"),
                  ("count", "double"), ("count_max", "double"), ("qualifier", "string"),
                  ("unit", "string"), ("text", "string"), ("start", "int"), ("end", "int"))
OUTPUT_SCHEMA = ("id string, source string, lang string, labels array<string>, "
                 "scores map<string,double>, measures array<struct<"
                 + ", ".join(f"`{name}`: {kind}" for name, kind in MEASURE_FIELDS)
                 + ">>, warnings array<string>, error string")

COLUMNS = ["id", "source", "lang", "labels", "scores", "measures", "warnings", "error"]
_EXECUTOR_PIPELINE: dict[str, Any] = {}


def _require_pyspark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ImportError("the Spark engine needs pyspark: pip install '.[spark]' "
                          "(and Java 17)") from None


def _model_files(model_dir: str) -> dict[str, bytes]:
    from pipeline.model.store import MANIFEST_FILE, read_manifest

    manifest = read_manifest(model_dir)
    files = {}
    names = [MANIFEST_FILE, manifest.get("model_file", "model.joblib")]
    if manifest.get("scorer"):
        names.append(manifest["scorer"].get("file", "scorer.npz"))
    for name in names:
        with open(os.path.join(model_dir, name), "rb") as f:
            files[name] = f.read()
    return files


def _executor_pipeline(files: dict[str, bytes], segmenter: str):
    """The Pipeline of this Python worker, built from the broadcast model files once."""
    from pipeline.engine.stages import Pipeline
    from pipeline.model.store import load_model

    key = f"{segmenter}:{hash(files['manifest.json'])}"
    if key not in _EXECUTOR_PIPELINE:
        folder = tempfile.mkdtemp(prefix="fraudtag-model-")
        for name, data in files.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        _EXECUTOR_PIPELINE[key] = Pipeline(load_model(folder), segmenter=segmenter)
    return _EXECUTOR_PIPELINE[key]


def _row(record: dict[str, Any]) -> dict[str, Any]:
    measures = [{name: m.get(name) for name, _ in MEASURE_FIELDS}
                for m in record.get("measures", [])]
    for m in measures:
        for name in ("count", "count_max"):
            m[name] = None if m[name] is None else float(m[name])
    return {"id": record["id"], "source": record["source"], "lang": record.get("lang"),
            "labels": record.get("labels"), "scores": record.get("scores"),
            "measures": measures if "error" not in record else None,
            "warnings": record.get("warnings"), "error": record.get("error")}


def tag_dataframe(df, model_dir: str, text_col: str = "text", id_col: str | None = "id",
                  source: str = "spark", segmenter: str = "rjieba", batch_size: int = 64):
    """`df` with one output-contract row per input row (id, labels, scores, measures, ...)."""
    _require_pyspark()
    import pandas as pd

    from pipeline.document import Document

    if text_col not in df.columns:
        raise FraudtagError(f"no column {text_col!r} (columns: {', '.join(df.columns)}); "
                            "name the text column with --text-field")
    files = df.sparkSession.sparkContext.broadcast(_model_files(model_dir))
    has_id = bool(id_col) and id_col in df.columns
    columns = [text_col] + ([id_col] if has_id else [])

    def tag(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        pipeline = _executor_pipeline(files.value, segmenter)
        for frame in frames:
            docs = []
            for i, row in enumerate(frame.itertuples(index=False)):
                text = row[0]
                doc_id = str(row[1]) if has_id and not pd.isna(row[1]) else f"{source}:{i}"
                if not isinstance(text, str) or not text.strip():
                    docs.append(Document.failed(doc_id, source, f"{source}: row {doc_id} has no "
                                                f"text in column {text_col!r}"))
                else:
                    docs.append(Document(doc_id, source, text))
            records = []
            for start in range(0, len(docs), batch_size):
                records.extend(d.to_record() for d in pipeline.run(docs[start:start + batch_size]))
            yield pd.DataFrame([_row(r) for r in records], columns=COLUMNS)

    return df.select(*columns).mapInPandas(tag, OUTPUT_SCHEMA)


# what Spark reads itself; every other file is named in an error row of its own
SPARK_READERS = {".jsonl": "json", ".json": "json", ".parquet": "parquet", ".txt": "text",
                 ".md": "text", ".text": "text"}


def read_input(spark, path: str | list[str], text_col: str, kind: str | None = None):
    """A DataFrame from JSONL, Parquet or text files (one document per file): `path` is one
    file or folder (its kind found from its name or contents) or a list of files of `kind`."""
    from pyspark.sql import functions as F

    if kind is None:
        lower = path.lower().rstrip("/")
        if lower.endswith(".parquet") or _folder_holds(path, ".parquet"):
            kind = "parquet"
        elif lower.endswith((".jsonl", ".json")) or _folder_holds(path, (".jsonl", ".json")):
            kind = "json"
        else:
            kind = "text"
    paths = path if isinstance(path, list) else [path]
    if kind == "parquet":
        return spark.read.parquet(*paths)
    if kind == "json":
        return spark.read.json(paths)
    return (spark.read.text(paths, wholetext=True)
            .withColumnRenamed("value", text_col)
            .withColumn("id", F.input_file_name()))


def split_input(path: str) -> tuple[dict[str, list[str]], list[str]]:
    """The files under a local folder by the Spark reader that reads them, and the files it
    cannot read (pdf, docx, html, images, ...). Hidden files and Spark's own (_SUCCESS, .crc)
    are left out, as Spark does. A file or a non-local path is left to Spark by its name."""
    if not os.path.isdir(path):
        kind = SPARK_READERS.get(os.path.splitext(path.rstrip("/"))[1].lower())
        if kind is None and os.path.isfile(path):
            return {}, [path]
        return {kind or "auto": [path]}, []
    groups: dict[str, list[str]] = {}
    unsupported = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.startswith((".", "_")) or name.endswith(".crc"):
                continue
            file = os.path.join(root, name)
            kind = SPARK_READERS.get(os.path.splitext(name)[1].lower())
            if kind is None:
                unsupported.append(file)
            else:
                groups.setdefault(kind, []).append(file)
    return groups, unsupported


def unsupported_rows(spark, files: list[str]):
    """One error row per file the Spark engine does not read."""
    known = ", ".join(sorted(SPARK_READERS))
    rows = [_row({"id": file, "source": file,
                  "error": f"{file}: the Spark engine reads {known} only; classify "
                  f"{os.path.splitext(file)[1] or 'this file'} files with the local engine "
                  "(without --engine spark)"}) for file in files]
    return spark.createDataFrame(rows, OUTPUT_SCHEMA)


def _folder_holds(path: str, suffixes) -> bool:
    if not os.path.isdir(path):
        return False
    return any(name.lower().endswith(suffixes) for name in os.listdir(path))


def run_spark(inputs: list[str], output: str, model_dir: str, master: str, fmt: str,
              text_col: str, id_col: str, segmenter: str) -> int:
    """classify.py --engine spark: read, tag, write partitioned Parquet or JSONL to `output`."""
    _require_pyspark()
    from pyspark.sql import SparkSession

    # Python workers run `python3` from PATH unless told otherwise: on one machine that may be
    # an interpreter without fraudtag's packages; a cluster's own setting wins.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("fraudtag")
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    try:
        tagged = []
        for path in inputs:
            groups, unsupported = split_input(path)
            for kind, files in groups.items():
                df = read_input(spark, files[0], text_col) if kind == "auto" \
                    else read_input(spark, files, text_col, kind)
                tagged.append(tag_dataframe(df, model_dir, text_col, id_col, source=path,
                                            segmenter=segmenter))
            if unsupported:
                tagged.append(unsupported_rows(spark, unsupported))
        if not tagged:
            raise FraudtagError(f"no input files in {', '.join(inputs)}")
        result = tagged[0]
        for other in tagged[1:]:
            result = result.unionByName(other)
        result = result.persist()  # written once and counted, computed once
        writer = result.write.mode("overwrite")
        writer.json(output) if fmt == "jsonl" else writer.parquet(output)
        errors = result.filter(result.error.isNotNull()).count()
    finally:
        spark.stop()
    return 3 if errors else 0
