"""Ctrl-C a batch run at random moments and count how each run ends.

    python bench/stress_signals.py [--runs 50] [--when output|startup|mixed]

Each run is `classify.py -j 2` on 12,000 documents (17 MB) in its own session; SIGINT goes to
the whole process group, as a terminal sends it: during start-up (0-3 s after launch), or once
output flows (0-1.5 s after the first record). A run ends clean when it exits 130, its last line
says "interrupted", and nothing printed a traceback, "Fatal Python error" or "Exception
ignored". Prints the other runs' stderr, the count of each outcome and, for the runs signalled
after output, the median and largest seconds from the signal to the message and from the
message to the exit.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

CLASSIFY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                        "classify.py")
HANG = 30.0  # seconds without a byte on stderr or the exit
NOISE = ("Traceback", "Fatal Python error", "Exception ignored")


def one_run(folder: str, source: str, when: str) -> tuple[str, float | None, float, str]:
    """(outcome, seconds signal -> message or None, seconds message -> exit, stderr)."""
    out = os.path.join(folder, "out.jsonl")
    if os.path.exists(out):
        os.remove(out)
    process = subprocess.Popen([sys.executable, CLASSIFY, "-q", "-j", "2", "--batch-size", "8",
                                source, "-o", out], stderr=subprocess.PIPE,
                               start_new_session=True)
    if when == "startup":
        time.sleep(random.uniform(0, 3))
    else:
        while not (os.path.exists(out) and os.path.getsize(out)) and process.poll() is None:
            time.sleep(0.01)
        time.sleep(random.uniform(0, 1.5))
    signalled = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    stderr, message = b"", None
    while True:
        ready, _, _ = select.select([process.stderr], [], [], HANG)
        if not ready:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return "hang", None, HANG, stderr.decode(errors="replace")
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            break
        stderr += chunk
        if message is None and b"interrupted" in stderr:
            message = time.monotonic()
    process.wait()
    exited, text = time.monotonic(), stderr.decode(errors="replace")
    lines = text.strip().splitlines()
    clean = (process.returncode == 130 and lines and lines[-1].startswith("interrupted")
             and not any(noise in text for noise in NOISE))
    outcome = "clean" if clean else f"exit {process.returncode}, unclean"
    since_signal = message - signalled if message else None
    return outcome, since_signal, exited - (message or signalled), text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--when", choices=("output", "startup", "mixed"), default="mixed")
    args = parser.parse_args()
    paragraph = "今年以来开展防范养老诈骗宣传，共发放宣传资料1500余份，举办讲座12场。" * 40
    outcomes: Counter = Counter()
    to_message, to_exit = [], []
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "long.jsonl")
        with open(source, "w", encoding="utf-8") as f:
            for i in range(12000):
                f.write(json.dumps({"id": f"d{i}", "text": paragraph}, ensure_ascii=False) + "\n")
        for run in range(args.runs):
            when = args.when if args.when != "mixed" else random.choice(("output", "startup"))
            outcome, message, exit_after, text = one_run(folder, source, when)
            outcomes[f"{when}: {outcome}"] += 1
            if outcome != "clean":
                print(f"--- run {run} ({when}): {outcome}\n{text[-3000:]}", flush=True)
            elif when == "output" and message is not None:
                to_message.append(message)
                to_exit.append(exit_after)
    for outcome, count in sorted(outcomes.items()):
        print(f"{outcome}: {count}")
    if to_message:
        print(f"signal -> message: median {statistics.median(to_message):.2f} s, "
              f"max {max(to_message):.2f} s; message -> exit: median "
              f"{statistics.median(to_exit):.2f} s, max {max(to_exit):.2f} s")


if __name__ == "__main__":
    main()
