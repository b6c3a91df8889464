"""Shared pieces of the benchmarks: the bench text (built from our corpus) and timing."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus_texts(lang: str = "zh", genre: str | None = None) -> list[str]:
    texts = []
    for name in sorted(os.listdir(os.path.join(ROOT, "corpora"))):
        if name.endswith(".jsonl"):
            with open(os.path.join(ROOT, "corpora", name), encoding="utf-8") as f:
                for line in f:
                    doc = json.loads(line)
                    if doc["lang"] == lang and (genre is None or doc["genre"] == genre):
                        texts.append(doc["text"])
    return texts


def bench_texts(megabytes: float, lang: str = "zh") -> list[str]:
    """Corpus texts (reports first) repeated until they hold `megabytes` MB of UTF-8."""
    reports = corpus_texts(lang, "report") or corpus_texts(lang)
    texts, size, i = [], 0, 0
    while size < megabytes * 1e6:
        text = reports[i % len(reports)]
        texts.append(text)
        size += len(text.encode("utf-8"))
        i += 1
    return texts


def median_seconds(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{datetime.now(timezone.utc):%Y-%m-%d}")
