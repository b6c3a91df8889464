"""Run documents through the pipeline in worker processes, results in input order.

Each worker builds its Pipeline (segmenter and model) once. At most a few batches per worker are
in flight, so memory stays bounded however large the archive is.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline.document import Document

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

EXCERPT_CHARS = 400  # of a document's text, sent back for its cluster's description
_BATCH_BYTES = 2_000_000  # a batch closes at this much text, so one huge file travels alone


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build its own Pipeline."""

    model_dir: str
    segmenter: str = "rjieba"
    explain: bool = False
    measures: bool = True
    signatures: bool = False
    evidence: bool = False  # each label's cue spans on the record (for --report)

    def build(self):
        from pipeline.engine.stages import Pipeline
        from pipeline.model.store import load_model

        return Pipeline(load_model(self.model_dir), segmenter=self.segmenter,
                        measures=self.measures, explain=self.explain,
                        signatures=self.signatures, evidence=self.evidence)


_WORKER_PIPELINE = None


def _start_worker(spec: PipelineSpec) -> None:
    import signal

    from pipeline.engine.memory import settle

    # Ctrl-C reaches the whole process group: the main process stops the workers itself. The
    # worker was born with SIGINT blocked (_ctrl_c_held); a Ctrl-C since is dropped here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    global _WORKER_PIPELINE
    _WORKER_PIPELINE = spec.build()
    settle()


class Result(NamedTuple):
    """One output record, encoded where it was made: moving a JSON line between processes
    costs a fraction of pickling the record's objects there and back."""

    line: bytes  # the record as one line of JSON (UTF-8, no newline)
    failed: bool  # an error record
    signature: bytes = b""  # its MinHash signature's bytes, when asked for
    excerpt: str = ""  # and the start of its text, to show for its cluster


def encode(docs: list[Document]) -> list[Result]:
    """Each document as its output line; one that cannot be written becomes an error record."""
    from pipeline.output.writers import dumps

    results = []
    for doc in docs:
        try:
            record = doc.to_record()
            results.append(Result(dumps(record), "error" in record, *_cluster_input(doc)))
        except Exception as e:  # noqa: BLE001 - one record must not stop a batch
            failed = Document.failed(doc.id, doc.source, _failure(doc, "written", e))
            results.append(Result(dumps(failed.to_record()), True))
    return results


def _cluster_input(doc: Document) -> tuple[bytes, str]:
    if doc.signature is None:
        return b"", ""
    return doc.signature.tobytes(), doc.text[:EXCERPT_CHARS]


def run_guarded(pipeline, docs: list[Document]) -> list[Document]:
    """`pipeline.run(docs)`; if that raises, each document again alone, so that only the one
    that fails becomes an error record and the others keep their results."""
    try:
        return pipeline.run(docs)
    except Exception:  # noqa: BLE001 - find the document at fault below
        pass
    done = []
    for doc in docs:
        try:
            done.extend(pipeline.run([doc]))
        except Exception as e:  # noqa: BLE001 - one bad document must not stop a batch
            done.append(Document.failed(doc.id, doc.source, _failure(doc, "analysed", e),
                                        doc.meta))
    return done


def _failure(doc: Document, what: str, e: Exception) -> str:
    message = f"{type(e).__name__}: {e}"[:300]
    return (f"{doc.source}: could not be {what} ({message}); this is a fraudtag bug: please "
            "report it with the input, and leave the input out meanwhile")


def _process(docs: list[Document]) -> list[Result]:
    return encode(run_guarded(_WORKER_PIPELINE, docs))


def _worker_context() -> BaseContext:
    """Workers forked from a clean server process, not from this one.

    A worker forked from the CLI would carry the CLI's copy of the model and segmenter beside
    its own; the forkserver has imported the libraries but loaded nothing.
    """
    import multiprocessing  # here, not at the top: a run with one worker never needs it

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.engine.stages", "pipeline.model.store",
                                    "pipeline.model.scoring", "pipeline.output.writers",
                                    "cn2an"])  # numerals import it on first use
    return context


def warm_workers(inputs: list[str]) -> None:
    """Start the forkserver now, in a thread, when `inputs` look like more than one batch: it
    imports scikit-learn (a second) while this process imports and reads."""
    def large(path: str) -> bool:
        return os.path.isdir(path) or (os.path.isfile(path)
                                       and os.path.getsize(path) > _BATCH_BYTES)

    if any(large(path) for path in inputs if path != "-") or len(inputs) > 64:
        context = _worker_context()
        if context.get_start_method() == "forkserver":
            import threading

            threading.Thread(target=_start_forkserver, daemon=True).start()


def _start_forkserver() -> None:
    """Start the forkserver, if not yet, with SIGINT blocked in it and in the workers it forks.

    Ctrl-C reaches the whole process group. The forkserver ignores it only once it has imported
    its preload (a second or more), and a worker only once its initializer runs: a Ctrl-C
    before either printed their tracebacks. Blocked, it waits, and is dropped where ignored.
    """
    from multiprocessing import forkserver, resource_tracker

    resource_tracker.ensure_running()  # first: it unblocks SIGINT after starting itself
    with _ctrl_c_held():
        forkserver.ensure_running()


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """SIGINT blocked in this thread meanwhile: a Ctrl-C waits, and is delivered right after.
    Processes started meanwhile are born with it blocked."""
    import signal

    if not hasattr(signal, "pthread_sigmask"):  # Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def batches(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """Lists of at most `size` documents and about _BATCH_BYTES characters."""
    batch: list[Document] = []
    chars = 0
    for doc in docs:
        batch.append(doc)
        chars += len(doc.text)
        if len(batch) >= size or chars >= _BATCH_BYTES:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_batches(docs: Iterable[Document], spec: PipelineSpec, jobs: int, batch_size: int = 64,
                make_local: Callable[[], Any] | None = None) -> Iterator[list[Result]]:
    """Processed batches of `docs`, encoded, in input order.

    `jobs` 1, or input that fits in one batch, runs in this process (with `make_local()`'s
    pipeline, or one built from `spec`): starting workers that each load the model costs more
    than a single batch.
    """
    source = batches(docs, batch_size)
    head = list(islice(source, 2))
    if jobs <= 1 or len(head) < 2:
        from pipeline.engine.memory import settle

        pipeline = make_local() if make_local else spec.build()
        settle()
        for batch in chain(head, source):
            yield encode(run_guarded(pipeline, batch))
        return
    from concurrent.futures import ProcessPoolExecutor

    window = 2 * jobs
    first = head + list(islice(source, window - len(head)))
    context = _worker_context()
    if context.get_start_method() == "forkserver":
        _start_forkserver()
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(spec,))  # its workers start on the first submits
    try:
        # ... whole, Ctrl-C held until then: a worker started but not yet known to the pool
        # would outlive the run, and fail on the run's semaphores once they are gone
        with _ctrl_c_held():
            pending: deque[Future] = deque(pool.submit(_process, batch) for batch in first)
        while pending:
            done = pending.popleft().result()
            for batch in islice(source, 1):
                pending.append(pool.submit(_process, batch))
            yield done
    except BaseException:  # Ctrl-C, SIGTERM, a closed pipe, the consumer gone: stop now
        _stop_workers(pool)
        raise
    pool.shutdown()


def _stop_workers(pool, grace: float = 10.0) -> None:
    """End `pool`'s workers: the batches not started are dropped, the workers finish the one
    they hold (up to `grace` seconds) and are terminated past that. A worker killed while it
    sends a result would leave the pool's reader thread waiting for the rest forever."""
    import time

    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(5)
