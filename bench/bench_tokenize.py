"""Ingest + normalize + tokenize throughput beside bare jieba.lcut on the same Chinese text.

    python bench/bench_tokenize.py [--mb 5]

Writes the corpus's Chinese reports, repeated to --mb MB, as .txt files, then times (median of
3 runs, one process): reading them with fraudtag's ingest, normalizing and tokenizing (rjieba
and jieba), and plain `jieba.lcut` on the decoded texts. Also prints how often rjieba and jieba
give the same tokens on every Chinese corpus document.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from common import bench_texts, corpus_texts, machine, median_seconds  # noqa: E402

from pipeline.engine.stages import Pipeline  # noqa: E402
from pipeline.ingest.readers import read_documents  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=5.0)
    args = parser.parse_args()
    import jieba

    texts = bench_texts(args.mb)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    reference = jieba.Tokenizer()
    reference.initialize()
    pipelines = {name: Pipeline(None, segmenter=name, measures=False)
                 for name in ("rjieba", "jieba")}
    with tempfile.TemporaryDirectory() as folder:
        for i, text in enumerate(texts):
            with open(os.path.join(folder, f"{i:06d}.txt"), "w", encoding="utf-8") as f:
                f.write(text)

        def ours(pipeline: Pipeline) -> None:
            for doc in read_documents([folder]):
                pipeline.prepare(doc)

        bare = median_seconds(lambda: [reference.lcut(t) for t in texts])
        timed = {name: median_seconds(lambda p=p: ours(p)) for name, p in pipelines.items()}
    print(f"# ingest + normalize + tokenize vs bare jieba.lcut ({machine()})\n")
    print(f"{megabytes:.1f} MB of Chinese report text in {len(texts)} files, median of 3 runs\n")
    print("| what | seconds | MB/s | vs jieba.lcut |\n|---|---|---|---|")
    print(f"| bare jieba.lcut (no I/O) | {bare:.2f} | {megabytes / bare:.2f} | 1.00x |")
    for name, seconds in timed.items():
        print(f"| fraudtag ingest+normalize+tokenize, {name} | {seconds:.2f} | "
              f"{megabytes / seconds:.2f} | {bare / seconds:.2f}x |")
    same = total = 0
    for text in corpus_texts("zh"):
        views = [p.prepare(_doc(text)) for p in pipelines.values()]
        same += views[0].words() == views[1].words()
        total += 1
    print(f"\nrjieba and jieba give identical tokens on {same} of {total} Chinese corpus documents "
          f"({same / max(total, 1):.1%})")


def _doc(text: str):
    from pipeline.document import Document

    return Document("bench", "bench", text)


if __name__ == "__main__":
    main()
