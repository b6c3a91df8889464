"""Tag a Spark DataFrame with the same model and output contract as the local batch.

    from pipeline.app.spark import tag_dataframe
    tagged = tag_dataframe(spark.read.json("posts/"), "models/default", text_col="text")

The model's bytes travel once to each executor (a broadcast); each executor's Python worker
writes them to a private folder, checks them against the manifest (sha256, versions) and builds
its Pipeline once. pyspark is optional: `pip install .[spark]`.

Repost clusters (`tag_dataframe(..., clusters=True)`, `classify.py --engine spark --clusters`)
are found over the whole archive in a second phase, so that no id depends on how the rows were
partitioned or in what order the executors ran:

1. the executors tag each row and compute its MinHash signature and its LSH band keys, as the
   local engine does (`pipeline.cluster`);
2. rows that share a band key form a candidate group; each member is linked to the group's
   smallest row (by source, then id) when their signatures agree in at least THRESHOLD of their
   places (the local engine's 0.4);
3. the links' connected components are the clusters, found by passing the smallest row key
   along the links until nothing changes; a cluster's id is the local engine's formula applied
   to that smallest row's signature ("c" + the first 12 hex digits of its SHA-1), and
   `cluster_size` is the number of rows in the whole archive.

Every step is a function of the set of rows, not of their partitions, so the same archive gives
the same cluster ids however it is split. Two differences from the local stream, on purpose: an
archive has no arrival order, so the representative is the smallest row rather than the first
seen, and `cluster_size` is the final size rather than the size so far; and a chain of
near-duplicates (A like B, B like C) is one cluster even when A and C differ more than the
threshold, where the stream would join C to B's cluster only if B is still in its window.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

import numpy as np

from pipeline.errors import FraudtagError

MEASURE_FIELDS = (("type", "string"), ("action", "string"), ("object", "string"),
                  ("count", "double"), ("count_max", "double"), ("qualifier", "string"),
                  ("unit", "string"), ("text", "string"), ("start", "int"), ("end", "int"))
OUTPUT_SCHEMA = ("id string, source string, lang string, labels array<string>, "
                 "scores map<string,double>, kind string, kind_scores map<string,double>, "
                 "measures array<struct<"
                 + ", ".join(f"`{name}`: {kind}" for name, kind in MEASURE_FIELDS)
                 + ">>, warnings array<string>, error string")
_SIGNATURE_SCHEMA = OUTPUT_SCHEMA + ", _sig binary, _bands array<bigint>"

COLUMNS = ["id", "source", "lang", "labels", "scores", "kind", "kind_scores", "measures",
           "warnings", "error"]
THRESHOLD = 0.4  # the share of signature places two reposts agree in, as RepostClusters
MAX_ROUNDS = 50  # of passing the smallest key along the links (a cluster's diameter is small)
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


def _executor_pipeline(files: dict[str, bytes], segmenter: str, signatures: bool = False):
    """The Pipeline of this Python worker, built from the broadcast model files once."""
    from pipeline.engine.stages import Pipeline
    from pipeline.model.store import load_model

    key = f"{segmenter}:{signatures}:{hash(files['manifest.json'])}"
    if key not in _EXECUTOR_PIPELINE:
        folder = tempfile.mkdtemp(prefix="fraudtag-model-")
        for name, data in files.items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        _EXECUTOR_PIPELINE[key] = Pipeline(load_model(folder), segmenter=segmenter,
                                           signatures=signatures)
    return _EXECUTOR_PIPELINE[key]


def _row(record: dict[str, Any]) -> dict[str, Any]:
    measures = [{name: m.get(name) for name, _ in MEASURE_FIELDS}
                for m in record.get("measures", [])]
    for m in measures:
        for name in ("count", "count_max"):
            m[name] = None if m[name] is None else float(m[name])
    return {"id": record["id"], "source": record["source"], "lang": record.get("lang"),
            "labels": record.get("labels"), "scores": record.get("scores"),
            "kind": record.get("kind"), "kind_scores": record.get("kind_scores"),
            "measures": measures if "error" not in record else None,
            "warnings": record.get("warnings"), "error": record.get("error")}


def _signature_columns(doc) -> dict[str, Any]:
    """A tagged document's signature and band keys (None for an error), as Spark columns."""
    from pipeline.cluster.reposts import band_keys

    if doc.signature is None:
        return {"_sig": None, "_bands": None}
    return {"_sig": doc.signature.tobytes(),
            "_bands": band_keys(doc.signature).view(np.int64).tolist()}


def tag_dataframe(df, model_dir: str, text_col: str = "text", id_col: str | None = "id",
                  source: str = "spark", segmenter: str = "rjieba", batch_size: int = 64,
                  clusters: bool = False):
    """`df` with one output-contract row per input row (id, labels, scores, kind, measures,
    ...); with `clusters`, also each row's repost `cluster` and `cluster_size` over the whole
    DataFrame (see the module's docstring)."""
    tagged = _tag(df, model_dir, text_col, id_col, source, segmenter, batch_size, clusters)
    return add_clusters(tagged) if clusters else tagged


def _tag(df, model_dir: str, text_col: str, id_col: str | None, source: str, segmenter: str,
         batch_size: int = 64, signatures: bool = False):
    """The tagged rows, with their signatures and band keys (_sig, _bands) if asked."""
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
        pipeline = _executor_pipeline(files.value, segmenter, signatures)
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
            rows = []
            for start in range(0, len(docs), batch_size):
                for doc in pipeline.run(docs[start:start + batch_size]):
                    row = _row(doc.to_record())
                    rows.append({**row, **_signature_columns(doc)} if signatures else row)
            yield pd.DataFrame(rows, columns=COLUMNS + (["_sig", "_bands"] if signatures else []))

    return df.select(*columns).mapInPandas(tag, _SIGNATURE_SCHEMA if signatures
                                           else OUTPUT_SCHEMA)


def _agreeing(frames):
    """The links (_key, _root) whose two signatures agree in at least THRESHOLD of places."""
    for frame in frames:
        if frame.empty:
            continue
        a = np.stack([np.frombuffer(b, dtype=np.uint32) for b in frame["_sig"]])
        b = np.stack([np.frombuffer(b, dtype=np.uint32) for b in frame["_root_sig"]])
        keep = (a == b).mean(axis=1) >= THRESHOLD
        yield frame.loc[keep, ["_key", "_root"]]


def _components(links, keys):
    """Each key's component: the smallest key reachable along `links` (_key, _root)."""
    from pyspark.sql import functions as F

    both = links.union(links.select(F.col("_root").alias("_key"), F.col("_key").alias("_root")))
    labels = keys.select("_key", F.col("_key").alias("_label")).localCheckpoint()
    for _ in range(MAX_ROUNDS):
        seen = (both.join(labels.withColumnRenamed("_key", "_root")
                          .withColumnRenamed("_label", "_near"), "_root")
                .groupBy("_key").agg(F.min("_near").alias("_near")))
        moved = (labels.join(seen, "_key", "left")
                 .select("_key", "_label",
                         F.least("_label", F.coalesce("_near", "_label")).alias("_new")))
        moved = moved.localCheckpoint()
        if moved.filter(F.col("_new") != F.col("_label")).isEmpty():
            return labels
        labels = moved.select("_key", F.col("_new").alias("_label"))
    raise FraudtagError(f"repost clusters did not settle in {MAX_ROUNDS} rounds")


def add_clusters(tagged):
    """The tagged rows (with _sig and _bands) with `cluster` and `cluster_size` in their place."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    keyed = tagged.withColumn("_key", F.concat_ws("\u0000", "source", "id")).persist()
    sigs = keyed.filter(F.col("_sig").isNotNull()).select("_key", "_sig")
    bands = keyed.filter(F.col("_sig").isNotNull()).select(
        "_key", F.posexplode("_bands").alias("_band", "_band_key"))
    group = Window.partitionBy("_band", "_band_key")
    candidates = (bands.withColumn("_root", F.min("_key").over(group))
                  .filter(F.col("_key") != F.col("_root")).select("_key", "_root").distinct())
    links = (candidates.join(sigs, "_key")
             .join(sigs.select(F.col("_key").alias("_root"), F.col("_sig").alias("_root_sig")),
                   "_root")
             .mapInPandas(_agreeing, "_key string, _root string"))
    labels = _components(links, sigs)
    named = (labels.join(sigs.select(F.col("_key").alias("_label"),
                                     F.col("_sig").alias("_label_sig")), "_label")
             .select("_key", "_label",
                     F.concat(F.lit("c"), F.substring(F.sha1("_label_sig"), 1, 12))
                     .alias("cluster")))
    sizes = named.groupBy("_label").agg(F.count("*").alias("cluster_size"))
    clustered = named.join(sizes, "_label").select("_key", "cluster", "cluster_size")
    return (keyed.join(clustered, "_key", "left")
            .select(*COLUMNS, "cluster", "cluster_size"))


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


def unsupported_rows(spark, files: list[str], signatures: bool = False):
    """One error row per file the Spark engine does not read (with empty signature columns
    when the other rows have them)."""
    known = ", ".join(sorted(SPARK_READERS))
    rows = [_row({"id": file, "source": file,
                  "error": f"{file}: the Spark engine reads {known} only; classify "
                  f"{os.path.splitext(file)[1] or 'this file'} files with the local engine "
                  "(without --engine spark)"}) for file in files]
    if signatures:
        rows = [{**row, "_sig": None, "_bands": None} for row in rows]
    return spark.createDataFrame(rows, _SIGNATURE_SCHEMA if signatures else OUTPUT_SCHEMA)


def _folder_holds(path: str, suffixes) -> bool:
    if not os.path.isdir(path):
        return False
    return any(name.lower().endswith(suffixes) for name in os.listdir(path))


def run_spark(inputs: list[str], output: str, model_dir: str, master: str, fmt: str,
              text_col: str, id_col: str, segmenter: str, clusters: bool = False) -> int:
    """classify.py --engine spark: read, tag, write partitioned Parquet or JSONL to `output`;
    with `clusters`, repost clusters over all the inputs together."""
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
                tagged.append(_tag(df, model_dir, text_col, id_col, path, segmenter,
                                   signatures=clusters))
            if unsupported:
                tagged.append(unsupported_rows(spark, unsupported, clusters))
        if not tagged:
            raise FraudtagError(f"no input files in {', '.join(inputs)}")
        result = tagged[0]
        for other in tagged[1:]:
            result = result.unionByName(other)
        if clusters:
            result = add_clusters(result)
        result = result.persist()  # written once and counted, computed once
        writer = result.write.mode("overwrite")
        writer.json(output) if fmt == "jsonl" else writer.parquet(output)
        errors = result.filter(result.error.isNotNull()).count()
    finally:
        spark.stop()
    return 3 if errors else 0
