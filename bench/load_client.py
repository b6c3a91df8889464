"""A load client for the service benchmark, run as its own process (loopback only).

    python bench/load_client.py URL PATH CONCURRENCY REQUESTS BODIES.jsonl

Each of CONCURRENCY threads keeps one HTTP/1.1 connection and sends its share of REQUESTS;
prints JSON: p50/p99 latency in ms, throughput in requests/s, status counts.
"""

import http.client
import json
import statistics
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


def main() -> None:
    url, path, concurrency, total, bodies_file = sys.argv[1:6]
    concurrency, total = int(concurrency), int(total)
    parts = urlsplit(url)
    assert parts.hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
    with open(bodies_file, encoding="utf-8") as f:
        bodies = [line.strip().encode("utf-8") for line in f if line.strip()]
    latencies: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine, codes = [], Counter()
        for i in range(k, total, concurrency):
            body = bodies[i % len(bodies)]
            started = time.perf_counter()
            if path.endswith("/health"):
                conn.request("GET", path)
            else:
                conn.request("POST", path, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes[response.status] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(codes)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    print(json.dumps({
        "requests": len(latencies), "seconds": round(elapsed, 3),
        "throughput": round(len(latencies) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 2),
        "p99_ms": round(1000 * latencies[int(0.99 * (len(latencies) - 1))], 2),
        "statuses": dict(statuses)}))


if __name__ == "__main__":
    main()
