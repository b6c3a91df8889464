"""Time measure extraction against jieba tokenization on the same >= 5 MB of Chinese text.

Usage:
    python bench/bench_extract.py [--mb 5] [--runs 3]

The text is built from the Chinese texts of corpora/*.jsonl (repeated up to the size asked),
or, when there are none, from report phrases written here. Both sides run on the same analysis
view; jieba uses its own `jieba.Tokenizer()` instance, initialized before timing. Prints the
median of `--runs` runs in MB/s for each and the ratio extraction / jieba.
"""

from __future__ import annotations

import argparse
import os
import sys

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, _REPO)

from common import corpus_texts, median_seconds  # noqa: E402

from pipeline.extract.measures import extract_measures  # noqa: E402
from pipeline.text.normalize import normalize  # noqa: E402

_PHRASES = [
    "一、主要做法\n（一）强化组织领导。局党组召开专题会议4次，成立工作专班，下设2个小组。",
    "（二）全面排查风险。共检查经营单位312家次，排查体验店57家，发现问题线索23条，责令整改9家。",
    "（三）从严查办案件。立案查处虚假宣传案件8起，罚没款合计31.5万元，移送公安机关2起。",
    "（四）广泛开展宣传。发放宣传资料6200余份，悬挂横幅48条，举办讲座16场，受众约3000人次。",
    "下一步，我局将坚持常态化监管，畅通12315投诉举报渠道，2023年5月前完成“回头看”。",
    "警方共抓获犯罪嫌疑人27名，冻结涉案资金1200余万元，为群众挽回损失约860万元。",
    "活动期间，累计推送防骗短信12万条，阅读量超过40万人次，群众知晓率达到92.5%。",
]


def build_text(megabytes: float) -> str:
    """Return Chinese report-like text whose analysis view has at least `megabytes` MB."""
    texts = corpus_texts("zh")
    block = "\n\n".join(texts) if texts else "\n".join(_PHRASES)
    size = len(normalize(block).view.encode("utf-8"))  # the view is what both sides read
    repeats = int(megabytes * 1_000_000 / size) + 1
    return "\n\n".join([block] * repeats)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="example: python bench/bench_extract.py --mb 5")
    parser.add_argument("--mb", type=float, default=5.0, help="size of the text in MB")
    parser.add_argument("--runs", type=int, default=3, help="runs per side (median reported)")
    args = parser.parse_args(argv)

    try:
        import jieba
    except ImportError:
        raise ImportError("jieba not installed. Install it with `pip install jieba`") from None
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tokenizer.lcut("预热一次")

    view = normalize(build_text(args.mb)).view
    mb = len(view.encode("utf-8")) / 1_000_000
    found = len(extract_measures(view, "zh")[0])
    t_extract = median_seconds(lambda: extract_measures(view, "zh"), args.runs)
    t_jieba = median_seconds(lambda: tokenizer.lcut(view), args.runs)
    print(f"text: {mb:.2f} MB, {len(view):,} characters, {found:,} measures")
    print(f"extract_measures: {t_extract:.2f} s  {mb / t_extract:.2f} MB/s")
    print(f"jieba.lcut:       {t_jieba:.2f} s  {mb / t_jieba:.2f} MB/s")
    print(f"ratio extraction / jieba: {t_extract / t_jieba:.3f} (target <= 0.25)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
