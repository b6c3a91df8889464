"""The monitor's stream: a replay of posts with reposts through `classify.py --stream --alert`.

    python bench/bench_stream.py [--posts 50000]

Posts are short corpus texts (posts, SMS, scams, notices) and their reposts (the edits of
`pipeline.training.cluster_eval`: other links, numbers, names, emoji, spacing, Traditional
characters, a few words), in a shuffled order. Reports posts per second (one process, one
core), the peak and the sampled resident memory over the run, and checks the alerts against
the output's own clusters: one per cluster with a post over the cut, one per growth size
reached, nothing else.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

from pipeline.cluster.reposts import GROWTH  # noqa: E402
from pipeline.training.cluster_eval import EDITS  # noqa: E402
from pipeline.training.corpus import load_examples  # noqa: E402

RULE = ("telecom", 0.8)


def replay(posts: int, seed: int = 0) -> list[str]:
    """`posts` JSON lines: base texts with a long tail of reposts, shuffled."""
    rng = random.Random(seed)
    pool = [ex.text for ex in load_examples()
            if ex.genre in {"post", "sms", "scam", "notice"} and 20 <= len(ex.text) <= 400]
    lines = []
    while len(lines) < posts:
        text = rng.choice(pool)
        for _ in range(min(posts - len(lines), int(rng.paretovariate(1.2)))):
            variant = text
            for edit in rng.sample(EDITS, rng.randint(0, 2)):
                variant = edit(variant, rng)
            lines.append(variant)
    rng.shuffle(lines)
    return [json.dumps({"id": f"p{n}", "text": t}, ensure_ascii=False) for n, t in
            enumerate(lines)]


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))


def run(lines: list[str]) -> dict:
    command = [sys.executable, os.path.join(ROOT, "classify.py"), "--stream", "--alert",
               f"{RULE[0]}:{RULE[1]}"]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    samples: list[int] = []
    out: list[bytes] = []
    reader = threading.Thread(target=lambda: out.extend(process.stdout), daemon=True)
    reader.start()
    started = time.perf_counter()
    step = max(1, len(lines) // 10)
    for n in range(0, len(lines), step):
        process.stdin.write(("\n".join(lines[n:n + step]) + "\n").encode())
        process.stdin.flush()
        while len(out) < min(n + step, len(lines)) and process.poll() is None:
            time.sleep(0.01)
        if os.path.exists(f"/proc/{process.pid}/status"):
            samples.append(_rss_kb(process.pid))
    seconds = time.perf_counter() - started
    process.stdin.close()
    reader.join()
    _, _, usage = os.wait4(process.pid, 0)  # the CPU time is the figure on a shared machine
    process.returncode = 0
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "records": [json.loads(line) for line in out],
            "rss_mb": [round(kb / 1024) for kb in samples]}


def check_alerts(records: list[dict]) -> tuple[int, int, int]:
    """Alerts found, alerts expected from the records' own clusters, and records."""
    over, sizes = set(), Counter()
    expected = 0
    for r in records:
        cluster = r["cluster"]
        sizes[cluster] = r["cluster_size"]
        if cluster in over:
            expected += r["cluster_size"] in GROWTH
        elif r["scores"][RULE[0]] >= RULE[1]:
            over.add(cluster)
            expected += 1
    found = sum("alert" in r for r in records)
    return found, expected, len(records)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=50_000)
    args = parser.parse_args()
    lines = replay(args.posts)
    result = run(lines)
    records = result["records"]
    found, expected, count = check_alerts(records)
    clusters = Counter(r["cluster"] for r in records)
    print(f"{count} posts in {result['seconds']:.1f} s wall, {result['cpu']:.1f} s of CPU: "
          f"{count / result['cpu']:.0f} posts per CPU-second, {count / result['seconds']:.0f} "
          "posts/s wall (one process, clustering and alerts on, start-up included)")
    print(f"{len(clusters)} clusters, largest {clusters.most_common(1)[0][1]}; alerts {found} "
          f"(expected from the clusters {expected})")
    print(f"resident memory at each tenth of the run (MB): {result['rss_mb']}")
    return 0 if found == expected and count == len(lines) else 1


if __name__ == "__main__":
    raise SystemExit(main())
