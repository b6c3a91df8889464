"""Run every benchmark and write bench/RESULTS.md.

    python bench/run.py [--quick]

Figures are medians of 3 runs unless said otherwise; ratios are measured in the same run, since
these machines are shared and noisy. --quick uses smaller inputs (for a smoke test).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from common import bench_texts, corpus_texts, machine, median_seconds  # noqa: E402

CLASSIFY = os.path.join(ROOT, "classify.py")


def write_archive(folder: str, texts: list[str], prefix: str) -> float:
    size = 0
    for i, text in enumerate(texts):
        data = text.encode("utf-8")
        size += len(data)
        with open(os.path.join(folder, f"{prefix}{i:06d}.txt"), "wb") as f:
            f.write(data)
    return size / 1e6


def timed_run(args: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (KB, 0 if unknown) of one classify.py run and its workers.

    GNU time measures the RSS: read from this process, the figure would include the memory
    of this (large) process that the child shares right after fork.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as peak:
        timer = (["/usr/bin/time", "-f", "%M", "-o", peak.name]
                 if os.path.exists("/usr/bin/time") else [])
        started = time.perf_counter()
        result = subprocess.run([*timer, sys.executable, CLASSIFY, *args],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
        if result.returncode not in (0, 3):
            raise RuntimeError(f"classify.py {' '.join(args)} exited {result.returncode}: "
                               f"{result.stderr[-500:]}")
        return seconds, int(peak.read().split()[-1]) if timer else 0


def bench_batch(zh_mb: float, en_mb: float, lines: list[str]) -> None:
    import jieba

    zh, en = bench_texts(zh_mb, "zh"), bench_texts(en_mb, "en")
    reference = jieba.Tokenizer()
    reference.initialize()
    with tempfile.TemporaryDirectory() as folder:
        results = {}
        for name, texts in (("zh", zh), ("en", en)):
            sub = os.path.join(folder, name)
            os.makedirs(sub)
            mb = write_archive(sub, texts, name)
            out = os.path.join(folder, f"{name}.jsonl")
            for jobs in (1, 2):
                runs = [timed_run([sub, "-o", out, "-j", str(jobs), "-q"]) for _ in range(3)]
                results[(name, jobs)] = (mb, len(texts), statistics.median(r[0] for r in runs),
                                         max(r[1] for r in runs))
        bare = median_seconds(lambda: [reference.lcut(t) for t in zh])
    zh_mb_real = results[("zh", 1)][0]
    lines += ["## Batch, end to end (read files → write JSONL)", "",
              f"`classify.py DIR -o out.jsonl -j N -q` on the corpus's reports repeated into "
              f"files; bare `jieba.lcut` (one process, no I/O) on the same Chinese text: "
              f"{zh_mb_real / bare:.2f} MB/s.", "",
              "| text | workers | MB | documents | seconds | MB/s | docs/s | vs bare jieba | "
              "2 vs 1 worker | peak RSS |", "|---|---|---|---|---|---|---|---|---|---|"]
    for (name, jobs), (mb, n, seconds, rss) in results.items():
        speedup = results[(name, 1)][2] / seconds
        vs_jieba = f"{bare / seconds * mb / zh_mb_real:.2f}x" if name == "zh" else ""
        lines.append(f"| {name} | {jobs} | {mb:.1f} | {n} | {seconds:.2f} | {mb / seconds:.2f} | "
                     f"{n / seconds:.0f} | {vs_jieba} | {speedup:.2f}x | {rss / 1024:.0f} MB |")
    lines += ["", "Peak RSS, measured with GNU time: with 1 worker, classify.py does a worker's "
              "whole job, so its figure is a worker's; with 2, GNU time sees only classify.py "
              "itself (reading and writing), not the workers, which are children of the "
              "forkserver.", ""]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_service(requests: int, lines: list[str]) -> None:
    posts = [t[:200] for t in corpus_texts("zh") if len(t) >= 60][:300]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, CLASSIFY, "--serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/v1/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False,
                                         encoding="utf-8") as f:
            for i, post in enumerate(posts):
                f.write(json.dumps({"id": f"p{i}", "text": post}, ensure_ascii=False) + "\n")
            bodies = f.name
        rows = []
        for concurrency in (1, 8):
            # no-op and classify runs alternate, so drift in the machine's load hits both;
            # the ratio is the median of the ratios of each pair
            runs: dict[str, list[dict]] = {"/v1/health": [], "/v1/classify": []}
            for _ in range(5):
                for path in runs:
                    out = subprocess.run([sys.executable, os.path.join(HERE, "load_client.py"),
                                          url, path, str(concurrency), str(requests), bodies],
                                         check=True, capture_output=True, text=True).stdout
                    runs[path].append(json.loads(out))
            ratios = [c["throughput"] / h["throughput"]
                      for h, c in zip(runs["/v1/health"], runs["/v1/classify"])]
            for path, results in runs.items():
                best = sorted(results, key=lambda r: r["throughput"])[2]  # the median run
                ratio = statistics.median(ratios) if path == "/v1/classify" else 1.0
                rows.append((path, concurrency, best, ratio))
        os.unlink(bodies)
    finally:
        server.terminate()
        server.wait(10)
    lines += ["## HTTP service", "",
              f"`classify.py --serve` (1 worker) on 127.0.0.1; a separate client process with "
              f"N keep-alive connections sends {requests} requests per run; 200-character "
              f"Chinese posts. `/v1/health` is the no-op endpoint of the same server. Five "
              "rounds per concurrency, each a no-op run then a classify run: requests/s and "
              "latencies are those of the median run, \"vs no-op\" the median of the five "
              "rounds' ratios.", "",
              "| endpoint | concurrency | requests/s | p50 ms | p99 ms | vs no-op | statuses |",
              "|---|---|---|---|---|---|---|"]
    for path, concurrency, r, ratio in sorted(rows, key=lambda row: (row[0] != "/v1/health",
                                                                      row[1])):
        lines.append(f"| {path} | {concurrency} | {r['throughput']:.0f} | {r['p50_ms']:.2f} | "
                     f"{r['p99_ms']:.2f} | {ratio:.2f}x | {r['statuses']} |")
    lines.append("")


def bench_cold_start(lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        one = os.path.join(folder, "one.txt")
        with open(one, "w", encoding="utf-8") as f:
            f.write(corpus_texts("zh", "report")[0])
        runs = [timed_run([one, "-o", os.path.join(folder, "o.jsonl"), "-j", "1"])
                for _ in range(5)]
    seconds = statistics.median(r[0] for r in runs)
    lines += ["## Cold start", "", f"`classify.py one.txt -j 1`, a new process each time, "
              f"median of 5: **{seconds:.2f} s** (target <= 2.5 s); peak RSS "
              f"{max(r[1] for r in runs) / 1024:.0f} MB (target <= 400 MB per worker).", ""]


def bench_spark(megabytes: float, lines: list[str]) -> None:
    """Spark local[2] beside classify.py -j 2 on the same JSONL; the fixed start-up cost."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        lines += ["## Spark", "", "pyspark is not installed: skipped.", ""]
        return
    texts = bench_texts(megabytes, "zh")
    with tempfile.TemporaryDirectory() as folder:
        big, one = os.path.join(folder, "big.jsonl"), os.path.join(folder, "one.jsonl")
        for path, chosen in ((big, texts), (one, texts[:1])):
            with open(path, "w", encoding="utf-8") as f:
                for i, text in enumerate(chosen):
                    f.write(json.dumps({"id": f"d{i}", "text": text}, ensure_ascii=False) + "\n")
        mb = os.path.getsize(big) / 1e6
        out = os.path.join(folder, "out")
        spark = ["--engine", "spark", "--master", "local[2]", "--format", "parquet", "-o", out]
        timings = {
            "spark local[2], 1 document": statistics.median(
                timed_run([one, *spark])[0] for _ in range(3)),
            "spark local[2], all": statistics.median(timed_run([big, *spark])[0] for _ in range(3)),
            "classify.py -j 2, 1 document": statistics.median(
                timed_run([one, "-o", out + ".jsonl", "-j", "2", "-q"])[0] for _ in range(3)),
            "classify.py -j 2, all": statistics.median(
                timed_run([big, "-o", out + ".jsonl", "-j", "2", "-q"])[0] for _ in range(3)),
        }
    def rate(name: str) -> float:  # MB/s once started: the whole run less the one-document run
        return mb / max(timings[f"{name}, all"] - timings[f"{name}, 1 document"], 1e-9)

    spark_rate, local_rate = rate("spark local[2]"), rate("classify.py -j 2")
    lines += ["## Spark", "", f"{mb:.1f} MB of Chinese reports as JSONL ({len(texts)} documents), "
              "median of 3 runs, each a new process:", "",
              "| run | seconds |", "|---|---|"]
    lines += [f"| {name} | {seconds:.1f} |" for name, seconds in timings.items()]
    lines += ["", f"Throughput after start-up: Spark local[2] {spark_rate:.2f} MB/s, "
              f"classify.py -j 2 {local_rate:.2f} MB/s. Fixed start-up: Spark "
              f"{timings['spark local[2], 1 document']:.1f} s, classify.py "
              f"{timings['classify.py -j 2, 1 document']:.1f} s."]
    if spark_rate <= local_rate:
        lines.append("On one machine Spark never catches up: it pays off only when the cluster "
                     "gives it more cores than one machine has (throughput grows with executors).")
    else:
        gap = timings["spark local[2], 1 document"] - timings["classify.py -j 2, 1 document"]
        lines.append(f"Spark pays off from about {gap / (1 / local_rate - 1 / spark_rate):.0f} MB.")
    lines.append("")


def bench_script(script: str, title: str, lines: list[str], *args: str) -> None:
    out = subprocess.run([sys.executable, os.path.join(HERE, script), *args], check=True,
                         capture_output=True, text=True).stdout
    lines += [f"## {title}", "", out.strip().replace("# ", "### ", 1), ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    # Byte-compile our modules first, as `pip install` does: with PYTHONDONTWRITEBYTECODE set
    # (as on these machines) every classify.py run would otherwise compile them again.
    compileall.compile_dir(os.path.join(ROOT, "pipeline"), quiet=1)
    lines = ["# Benchmarks", "", f"Machine: {machine()}. Command: `python bench/run.py"
             f"{' --quick' if args.quick else ''}`.", ""]
    bench_script("bench_tokenize.py", "Ingest + normalize + tokenize", lines,
                 "--mb", "1" if args.quick else "5")
    if os.path.exists(os.path.join(HERE, "bench_extract.py")):
        bench_script("bench_extract.py", "Measure extraction", lines)
    bench_batch(2 if args.quick else 20, 1 if args.quick else 5, lines)
    bench_service(300 if args.quick else 3000, lines)
    bench_cold_start(lines)
    bench_spark(1 if args.quick else 5, lines)
    with open(os.path.join(HERE, "RESULTS.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
