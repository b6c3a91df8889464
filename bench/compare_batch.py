"""Whole-batch speed of two source trees in one run: classify.py DIR -o out.jsonl -j N -q.

    python bench/compare_batch.py BEFORE_TREE AFTER_TREE [--en-mb 5] [--zh-mb 20]

A tree is a checkout (e.g. `git archive REV | tar -x -C DIR`). An older tree whose English
tokenizer calls spacy.blank("en") loads the installed fraudtag's spaCy entry point, which may name
modules that tree lacks: run it where fraudtag is not installed (or its entry_points.txt is moved
aside), and check the output column. Runs of the two trees
alternate, three each per row, so drift in a shared machine's load hits both; the figures are
medians. Prints one Markdown row per language and worker count, and whether the two outputs
are byte-identical.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import bench_texts  # noqa: E402


def run(tree: str, args: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, os.path.join(tree, "classify.py"), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=tree)
    if result.returncode not in (0, 3):
        raise RuntimeError(f"{tree}: exit {result.returncode}: {result.stderr[-400:]}")
    return time.perf_counter() - started


def read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--en-mb", type=float, default=5)
    parser.add_argument("--zh-mb", type=float, default=20)
    args = parser.parse_args()
    trees = {"before": args.before, "after": args.after}
    for tree in trees.values():  # as `pip install` does: no compiling inside the timed runs
        compileall.compile_dir(os.path.join(tree, "pipeline"), quiet=1)
    print("| text | workers | MB | documents | before s | before MB/s | after s | after MB/s | "
          "speed-up | output |\n|---|---|---|---|---|---|---|---|---|---|", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for lang, mb in (("en", args.en_mb), ("zh", args.zh_mb)):
            if not mb:
                continue
            sub = os.path.join(folder, lang)
            os.makedirs(sub)
            texts, size = bench_texts(mb, lang), 0
            for i, text in enumerate(texts):
                data = text.encode("utf-8")
                size += len(data)
                with open(os.path.join(sub, f"{lang}{i:06d}.txt"), "wb") as f:
                    f.write(data)
            for jobs in (1, 2):
                times: dict[str, list[float]] = {name: [] for name in trees}
                for _ in range(3):
                    for name, tree in trees.items():
                        out = os.path.join(folder, f"{name}.jsonl")
                        times[name].append(run(tree, [sub, "-o", out, "-j", str(jobs), "-q"]))
                outputs = [read(os.path.join(folder, f"{name}.jsonl")) for name in trees]
                before, after = (statistics.median(times[name]) for name in trees)
                print(f"| {lang} | {jobs} | {size / 1e6:.1f} | {len(texts)} | {before:.2f} | "
                      f"{size / 1e6 / before:.2f} | {after:.2f} | {size / 1e6 / after:.2f} | "
                      f"{before / after:.2f}x | "
                      f"{'identical' if outputs[0] == outputs[1] else 'differs'} |", flush=True)


if __name__ == "__main__":
    main()
