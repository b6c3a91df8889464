"""classify.py: tag documents by fraud type and extract their measures.

Examples:
  python classify.py archive/ -o results.jsonl             # every file below archive/
  python classify.py archive/ -o results.jsonl -j 2 --resume --report report.html
  python classify.py "reports/*.docx" --format csv -o results.csv
  python classify.py posts.jsonl --text-field content --explain
  python classify.py compilation.txt --split-reports
  tail -f posts.jsonl | python classify.py --stream --alert telecom:0.8
  python classify.py --serve --port 8000                   # HTTP service, see /docs

Exit status: 0 every document processed; 3 finished, but some records are errors;
2 usage error; 1 nothing could run (no model, or a model that does not match its manifest);
130 interrupted (Ctrl-C), 143 terminated (SIGTERM): rerun with --resume to continue;
141 the reader of the output went away (`| head`).
A model's scorer.npz runs no code when loaded; its model.joblib (a pickle) does: use only
models from a trusted source.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import signal
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import FraudtagError
from pipeline.resources import model_dir as model_dir_of
from pipeline.settings import SEGMENTERS, environment_help, resolve


def parser() -> argparse.ArgumentParser:
    from pipeline.engine.workers import default_jobs

    p = argparse.ArgumentParser(prog="classify.py", description=__doc__,
                                epilog=environment_help(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files, directories, globs, or - for stdin (JSONL or plain lines)")
    p.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    p.add_argument("--format", choices=list(FORMATS), default=None,
                   help="jsonl, csv or parquet (default: from -o's extension, else jsonl)")
    p.add_argument("--model", default=None,
                   help="model directory (default: FRAUDTAG_MODEL, else the shipped model)")
    p.add_argument("--text-field", default="text",
                   help="text field of JSON/CSV records; a record without it is read from "
                        "'text' when it has one (default: text)")
    p.add_argument("--id-field", default="id", help="id field of JSON/CSV records")
    p.add_argument("--split-reports", action="store_true",
                   help="split files that hold several numbered reports into one per report")
    p.add_argument("--ocr", action="store_true",
                   help="read scans (images, PDF pages without text) by OCR: needs "
                        "pip install 'fraudtag[ocr]' and Tesseract with chi_sim")
    p.add_argument("--segmenter", choices=SEGMENTERS, default=None,
                   help="Chinese segmenter: rjieba (jieba in Rust, default) or jieba")
    p.add_argument("--explain", action="store_true",
                   help="add the terms and sentences behind each predicted label")
    p.add_argument("-j", "--jobs", type=int, default=default_jobs(),
                   help="worker processes (default: all cores)")
    p.add_argument("--batch-size", type=int, default=64, help="documents per model call")
    p.add_argument("--resume", action="store_true",
                   help="skip documents (source and id) already in the output file and "
                        "append the rest")
    p.add_argument("--summary", metavar="FILE", help="write a JSON summary of the batch")
    p.add_argument("--clusters", action="store_true",
                   help="add each record's repost cluster and its size so far, and list the "
                        "largest clusters in --summary and --report (--stream always does)")
    p.add_argument("--report", metavar="FILE",
                   help="write a self-contained HTML report; with it (and with --summary) each "
                        "record carries `evidence`: the cue spans that earned each label")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("--stream", action="store_true",
                   help="read JSONL or plain lines from stdin, write one result per line")
    p.add_argument("--alert", action="append", default=[], metavar="LABEL:SCORE",
                   help="with --stream, alert on the first post of a repost cluster whose LABEL "
                        "score reaches SCORE, and again as the cluster grows (10, 100, ...)")
    p.add_argument("--engine", choices=["local", "spark"], default="local",
                   help="spark: read INPUTs and write -o OUTDIR through Apache Spark")
    p.add_argument("--master", default=None,
                   help="Spark master URL (local[*], spark://host:7077, yarn, k8s://...)")
    p.add_argument("--serve", action="store_true", help="run the HTTP service")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="service worker processes")
    return p


FORMATS = {"jsonl": (".jsonl", ".json", ".ndjson"), "csv": (".csv",),
           "parquet": (".parquet", ".pq")}


def output_format(output: str, chosen: str | None) -> str:
    """--format if given, else the format -o's extension names, else jsonl."""
    if chosen:
        return chosen
    ext = os.path.splitext(output)[1].lower()
    return next((name for name, exts in FORMATS.items() if ext in exts), "jsonl")


def _check_usage(p: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, float]:
    args.format = output_format(args.output, args.format)
    _check_modes(p, args)
    _check_numbers(p, args)
    _check_outputs(p, args)
    return _alert_rules(p, args.alert)


def _check_modes(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Where documents come from: INPUTs, or stdin (--stream), or HTTP (--serve), never two."""
    if not args.inputs and not (args.stream or args.serve):
        p.error("give at least one INPUT (a file, directory, glob or -), or --stream/--serve")
    if args.inputs and (args.serve or args.stream):
        mode = "--serve takes documents from HTTP requests" if args.serve else \
            "--stream reads documents from stdin"
        p.error(f"{mode}, not from INPUTs ({' '.join(args.inputs)}): drop them, or drop "
                f"{'--serve' if args.serve else '--stream'} to classify them")


def _check_numbers(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        p.error(f"--port {args.port}: a port is a number from 0 to 65535 (e.g. 8000)")
    if args.workers < 1:
        p.error("--workers must be at least 1")
    if args.jobs < 1 or args.batch_size < 1:
        p.error("--jobs and --batch-size must be at least 1")


def _check_outputs(p: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """The output's format fits where it goes, and every output path can be written."""
    if args.resume and (args.output == "-" or args.format == "parquet"):
        p.error("--resume needs -o FILE in jsonl or csv format")
    if args.format == "parquet" and args.output == "-":
        p.error("--format parquet needs -o FILE")
    if args.engine == "spark" and (args.output == "-" or args.format == "csv"):
        p.error("--engine spark needs -o OUTDIR and --format parquet or jsonl")
    outputs = [("-o", args.output), ("--summary", args.summary), ("--report", args.report)]
    for option, path in outputs:
        problem = _unwritable(path) if path and path != "-" and not args.serve else None
        if problem and not (option == "-o" and args.engine == "spark"):  # spark: a folder
            p.error(f"{option} {path}: {problem}; choose a path in a folder you can write to")


def _alert_rules(p: argparse.ArgumentParser, items: list[str]) -> dict[str, float]:
    alerts = {}
    for item in items:
        label, _, score = item.partition(":")
        try:
            alerts[label] = float(score)
        except ValueError:
            p.error(f"--alert {item!r}: write LABEL:SCORE, e.g. telecom:0.8")
    return alerts


def _unwritable(path: str) -> str | None:
    """Why `path` cannot be written, checked before any work is done (None: it can)."""
    if os.path.isdir(path):
        return "is a folder"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return ("its folder is a file" if os.path.exists(folder)
                else "its folder does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        return "permission denied"
    return None


class Terminated(Exception):
    """SIGTERM, raised where the main thread is, so that the run stops like on Ctrl-C: the
    workers are stopped and what is finished is kept."""


_STOPS: list[type[BaseException]] = []  # what the signals of this run asked for


def _interrupt(signum, frame) -> None:
    _STOPS.append(KeyboardInterrupt)
    raise KeyboardInterrupt


def _terminate(signum, frame) -> None:
    _STOPS.append(Terminated)
    raise Terminated


def _stop_again() -> None:
    """Raise the stop that a signal asked for and Python swallowed: raised in a weakref
    callback or a __del__ (an import's module lock has one), it is only reported, and the run
    went on to the end. Called between batches."""
    if _STOPS:
        raise _STOPS[-1]


def _unraisable(hook):
    """sys.unraisablehook that says nothing of a swallowed stop: _stop_again raises it."""
    def report(unraisable) -> None:
        if unraisable.exc_type not in (KeyboardInterrupt, Terminated):
            hook(unraisable)
    return report


EXIT_GRACE = 5.0  # seconds an interrupted run's exit may wait for threads before it ends


def main() -> None:
    """The program (classify.py, `fraudtag`): classify_main, and an interrupted run ends.

    Interpreter exit waits for every non-daemon thread; a worker pool's thread that waits on a
    worker stopped mid-reply never ends. The output is complete and the workers are stopped by
    then, so past EXIT_GRACE the process ends without it.
    """
    status = classify_main()
    if status in (130, 143):
        import threading

        def end() -> None:
            sys.stderr.flush()
            os._exit(status)

        timer = threading.Timer(EXIT_GRACE, end)
        timer.daemon = True
        timer.start()
    sys.exit(status)


def classify_main(argv: list[str] | None = None) -> int:
    # Start-up (imports, the model's vocabulary) allocates much and frees little: the cyclic
    # collector only slows it. memory.settle() turns it back on once the work begins.
    gc.disable()
    _STOPS.clear()
    previous = signal.signal(signal.SIGTERM, _terminate)
    # Ctrl-C as SIGTERM, remembered; not where it is ignored (`nohup`, a shell's `cmd &`)
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt)
    hook, sys.unraisablehook = sys.unraisablehook, _unraisable(sys.unraisablehook)
    try:
        return _classify_main(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("terminated", file=sys.stderr)
        return 143
    except BrokenPipeError:
        # the reader of stdout has gone (`| head`): say nothing more, and let no flush at exit
        # raise again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    finally:
        signal.signal(signal.SIGTERM, previous)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)
        sys.unraisablehook = hook
        gc.enable()


def _classify_main(argv: list[str] | None) -> int:
    p = parser()
    args = p.parse_args(argv)
    alerts = _check_usage(p, args)
    try:
        settings = resolve({"model": args.model, "segmenter": args.segmenter})
    except FraudtagError as e:
        p.error(str(e))
    model_dir, args.segmenter = model_dir_of(settings["model"]), settings["segmenter"]
    if args.serve:
        from pipeline.app.service import serve

        return serve(model_dir, args.host, args.port, args.workers, args.segmenter)
    if args.jobs > 1 and not args.stream and args.engine == "local":
        from pipeline.engine.workers import warm_workers

        warm_workers(args.inputs)
    from pipeline.engine.workers import PipelineSpec
    from pipeline.model.store import check_model, load_model

    if args.engine == "spark":
        from pipeline.app.spark import run_spark

        try:
            check_model(model_dir)  # fail here, not on every executor
            gc.enable()
            return run_spark(args.inputs, args.output, model_dir, args.master, args.format,
                             args.text_field, args.id_field, args.segmenter, args.clusters)
        except (FraudtagError, ImportError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1

    spec = PipelineSpec(model_dir, args.segmenter, args.explain,
                        signatures=args.clusters or args.stream,
                        evidence=bool(args.report or args.summary))
    try:
        # Workers load the model themselves: with -j N this process only checks it.
        model = load_model(model_dir) if args.stream or args.jobs == 1 else None
        manifest = model.manifest if model else check_model(model_dir)
        labels = list(manifest["labels"])
    except (FraudtagError, ImportError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    unknown = set(alerts) - set(labels)
    if unknown:
        p.error(f"--alert: unknown labels {sorted(unknown)}; the model has {labels}")
    if args.stream:
        return _stream(spec, model, args, alerts)
    return _batch(spec, model, manifest, args)


def _open_writer(args: argparse.Namespace, labels: list[str], stack: contextlib.ExitStack,
                 append: bool):
    from pipeline.output.writers import CsvWriter, JsonlWriter, ParquetWriter

    if args.format == "parquet":
        writer = ParquetWriter(args.output, labels)
        stack.callback(writer.close)
        return writer
    if args.format == "jsonl":  # lines arrive encoded: write bytes
        stream = sys.stdout.buffer if args.output == "-" else stack.enter_context(
            open(args.output, "ab" if append else "wb"))  # noqa: SIM115
        writer = JsonlWriter(stream)
    else:  # utf-8-sig: a byte-order mark first (not again when appending), for Excel
        stream = sys.stdout if args.output == "-" else stack.enter_context(
            open(args.output, "a" if append else "w", encoding="utf-8-sig", newline=""))  # noqa: SIM115
        writer = CsvWriter(stream, labels, header=not append)
    stack.callback(writer.close)
    return writer


def _run_info(model_dir: str, manifest: dict[str, Any], inputs: list[str]) -> dict[str, Any]:
    """When, with which model and over which inputs a batch ran (for its summary and report)."""
    from datetime import datetime, timezone
    from importlib.metadata import PackageNotFoundError, version

    try:
        fraudtag = version("fraudtag")
    except PackageNotFoundError:  # run from a checkout that was never installed
        fraudtag = "unknown"
    return {"date": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "version": fraudtag, "inputs": list(inputs),
            "model": {"path": model_dir, "created": manifest.get("created"),
                      "sha256": manifest.get("model_sha256")}}


@dataclass
class _Tally:
    """Records written: before this run (--resume) and by it."""
    earlier: int = 0
    earlier_errors: int = 0
    documents: int = 0
    errors: int = 0
    done: Counter = field(default_factory=Counter)  # (source, id) -> times already written


def _batch(spec, model, manifest: dict[str, Any], args: argparse.Namespace) -> int:
    from concurrent.futures import BrokenExecutor  # BrokenProcessPool's base, imported cheaply

    from pipeline.app.progress import Progress
    from pipeline.engine.memory import settle
    from pipeline.engine.workers import run_batches
    from pipeline.ingest.readers import read_documents

    labels = list(manifest["labels"])
    summary = None
    if args.summary or args.report:  # imported only then: the report needs the extractor's names
        from pipeline.output.report import Summary

        summary = Summary(labels, _run_info(spec.model_dir, manifest, args.inputs))
    try:
        tally = _resumed(args, labels, summary)
    except FraudtagError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    append = bool(args.resume and os.path.exists(args.output) and os.path.getsize(args.output))
    progress = Progress(args.inputs, enabled=not args.quiet and sys.stderr.isatty())
    settle()
    docs = read_documents(args.inputs, args.text_field, args.id_field, args.split_reports,
                          ocr=args.ocr)
    docs = progress.track(_not_done(docs, tally.done))

    def make_local():  # reuse the model this process has loaded, if it has
        from pipeline.engine.stages import Pipeline  # here: with -j N this process runs no stage

        return Pipeline(model, segmenter=args.segmenter, explain=args.explain,
                        signatures=spec.signatures, evidence=spec.evidence) if model \
            else spec.build()

    monitor = _monitor({}) if args.clusters else None
    with contextlib.ExitStack() as stack:
        writer = _open_writer(args, labels, stack, append)
        batches = stack.enter_context(contextlib.closing(
            run_batches(docs, spec, args.jobs, args.batch_size, make_local)))
        try:
            _write_results(batches, writer, summary, monitor, args.format, tally)
        except BrokenExecutor as e:
            progress.close()
            print(f"error: the worker processes stopped ({e}); {tally.documents} documents "
                  "were written; rerun with --resume, or with -j 1 to see the cause",
                  file=sys.stderr)
            return 1
        except (KeyboardInterrupt, Terminated) as e:
            progress.close()
            stack.close()  # the workers stopped and the output complete before saying so
            how, status = ("terminated", 143) if isinstance(e, Terminated) else ("interrupted", 130)
            print(f"{how}: {tally.documents} documents written{_resume_hint(args)}",
                  file=sys.stderr)
            return status
    progress.close()
    earlier_note = f" ({tally.earlier} already done)" if tally.earlier else ""
    print(f"{tally.earlier + tally.documents} documents, "
          f"{tally.earlier_errors + tally.errors} errors{earlier_note}", file=sys.stderr)
    if summary:
        _write_summary(summary, monitor, args)
    return 3 if tally.errors or tally.earlier_errors else 0


def _resumed(args: argparse.Namespace, labels: list[str], summary) -> _Tally:
    """With --resume, the records already written: they count in the summary, the totals and
    the exit status. A document is known by its (source, id), the n-th time it occurs: the same
    id in two files is two documents, and so is an id a file repeats."""
    from pipeline.output.writers import read_output

    tally = _Tally()
    for record in read_output(args.output, args.format, labels) if args.resume else ():
        tally.done[(record["source"], record["id"])] += 1
        tally.earlier += 1
        tally.earlier_errors += "error" in record
        if summary:
            summary.add(record)
    return tally


def _not_done(docs, done: Counter):
    for doc in docs:
        key = (doc.source, doc.id)
        if done[key]:
            done[key] -= 1
            continue
        yield doc


def _write_results(batches, writer, summary, monitor, output_format: str, tally: _Tally) -> None:
    from pipeline.output.writers import dumps, loads

    # records are decoded only when something reads them; else lines are written as they are
    records = summary is not None or output_format != "jsonl" or monitor is not None
    for batch in batches:
        for result in batch:
            record = loads(result.line) if records else None
            line = result.line
            if monitor and result.signature:
                record = monitor.observe(record, result.signature, result.excerpt)
                line = dumps(record)
            if output_format == "jsonl":
                writer.write_line(line)
            else:
                writer.write(record)
            if summary:
                summary.add(record)
            tally.documents += 1
            tally.errors += result.failed
        writer.flush()  # a killed run keeps every finished batch
        _stop_again()


def _write_summary(summary, monitor, args: argparse.Namespace) -> None:
    data = summary.to_dict()
    if monitor:
        data["clusters"] = [cluster.to_record() for cluster in monitor.clusters.top(20)]
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
    if args.report:
        from pipeline.output.report import render_html

        with open(args.report, "w", encoding="utf-8") as f:
            f.write(render_html(data))


def _resume_hint(args: argparse.Namespace) -> str:
    if args.output == "-":
        return " to stdout"
    if args.format == "parquet":
        return f" to {args.output} (Parquet cannot be resumed: run again from the start)"
    return f" to {args.output}; run the same command with --resume to continue"


def _monitor(alerts: dict[str, float]):
    """Repost clusters, with the window of the settings, and the alert rules."""
    from pipeline.app.monitor import Monitor
    from pipeline.cluster.reposts import RepostClusters

    return Monitor(alerts, RepostClusters(window=resolve()["cluster_window"]))


def _stream(spec, model, args: argparse.Namespace, alerts: dict[str, float]) -> int:
    """One result per input line, written and flushed as soon as it is ready."""
    from pipeline.engine.memory import settle
    from pipeline.engine.stages import Pipeline
    from pipeline.engine.workers import encode, run_guarded
    from pipeline.ingest.readers import ReadOptions, read_stream
    from pipeline.output.writers import dumps, loads

    pipeline = Pipeline(model, segmenter=args.segmenter, explain=args.explain, signatures=True)
    monitor = _monitor(alerts)
    settle()
    options = ReadOptions(args.text_field, args.id_field)
    errors = 0
    out = sys.stdout.buffer
    for doc in read_stream(sys.stdin.buffer, "stdin", options):
        [done] = run_guarded(pipeline, [doc])
        [result] = encode([done])  # the written form: it cannot fail
        line = result.line
        if not result.failed and result.signature:
            line = dumps(monitor.observe(loads(line), result.signature, done.text))
        errors += result.failed
        out.write(line + b"\n")
        out.flush()
        _stop_again()
    return 3 if errors else 0
