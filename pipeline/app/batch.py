"""Run documents through the pipeline in worker processes, results in input order.

Each worker builds its Pipeline (segmenter and model) once. At most a few batches per worker are
in flight, so memory stays bounded however large the archive is.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple

from pipeline.document import Document

if TYPE_CHECKING:
    from concurrent.futures import Future
    from multiprocessing.context import BaseContext

_BATCH_BYTES = 2_000_000  # a batch closes at this much text, so one huge file travels alone


@dataclass(frozen=True)
class PipelineSpec:
    """What a worker needs to build its own Pipeline."""

    model_dir: str
    segmenter: str = "rjieba"
    explain: bool = False
    measures: bool = True

    def build(self):
        from pipeline.model.store import load_model
        from pipeline.runner import Pipeline

        return Pipeline(load_model(self.model_dir), segmenter=self.segmenter,
                        measures=self.measures, explain=self.explain)


_WORKER_PIPELINE = None


def _start_worker(spec: PipelineSpec) -> None:
    from pipeline.app.memory import settle

    global _WORKER_PIPELINE
    _WORKER_PIPELINE = spec.build()
    settle()


class Result(NamedTuple):
    """One output record, encoded where it was made: moving a JSON line between processes
    costs a fraction of pickling the record's objects there and back."""

    line: bytes  # the record as one line of JSON (UTF-8, no newline)
    failed: bool  # an error record


def encode(docs: list[Document]) -> list[Result]:
    from pipeline.output.writers import dumps

    return [Result(dumps(record), "error" in record) for record in map(Document.to_record, docs)]


def _process(docs: list[Document]) -> list[Result]:
    return encode(_WORKER_PIPELINE.run(docs))


def _worker_context() -> BaseContext:
    """Workers forked from a clean server process, not from this one.

    A worker forked from the CLI would carry the CLI's copy of the model and segmenter beside
    its own; the forkserver has imported the libraries but loaded nothing.
    """
    import multiprocessing  # here, not at the top: a run with one worker never needs it

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.runner", "pipeline.model.store",
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
            from multiprocessing import forkserver

            threading.Thread(target=forkserver.ensure_running, daemon=True).start()


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
        from pipeline.app.memory import settle

        pipeline = make_local() if make_local else spec.build()
        settle()
        for batch in chain(head, source):
            yield encode(pipeline.run(batch))
        return
    from concurrent.futures import ProcessPoolExecutor

    source = chain(head, source)
    window = 2 * jobs
    with ProcessPoolExecutor(jobs, mp_context=_worker_context(), initializer=_start_worker,
                             initargs=(spec,)) as pool:
        pending: deque[Future] = deque()
        for batch in islice(source, window):
            pending.append(pool.submit(_process, batch))
        while pending:
            done = pending.popleft().result()
            for batch in islice(source, 1):
                pending.append(pool.submit(_process, batch))
            yield done
