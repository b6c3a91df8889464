"""The corpus checker on our corpus and on broken corpora."""

import json

from conftest import ROOT

from pipeline.training.corpus import check, load_examples, split_of, stats


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return str(path)


GOOD = {"id": "a-1", "lang": "zh", "genre": "post", "labels": ["telecom"],
        "text": "警方提醒：兼职刷单日结工资都是诈骗，已有3人被骗。",
        "counts": [{"value": 3, "qualifier": "exact", "unit": "人", "what": "被骗",
                    "type": "enforcement", "evidence": "3人"}]}


def test_our_corpus_passes_the_check():
    assert check([f"{ROOT}/corpora"]) == []


def test_problems_name_file_and_line(tmp_path):
    bad_evidence = dict(GOOD, id="a-2", text="另一条完全不同的短信内容，和上面没有关系，提醒大家注意。",
                        counts=[dict(GOOD["counts"][0], evidence="5人")])
    near_copy = dict(GOOD, id="a-3", text=GOOD["text"].replace("。", "！"), counts=[])
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD, {}, bad_evidence, near_copy,
                                               dict(GOOD, id="a-1", lang="fr")])
    problems = check([path])
    assert f"{path}:2: missing field 'id'" in problems
    assert any(p.startswith(f"{path}:3: counts[0]: evidence '5人' is not a substring")
               for p in problems)
    assert any(p.startswith(f"{path}:4: near-duplicate of {path}:1") for p in problems)
    assert f"{path}:5: id a-1 already used at {path}:1" in problems
    assert any(p.startswith(f"{path}:5: lang 'fr'") for p in problems)


def test_stats_and_split(tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [GOOD, dict(GOOD, id="b", labels=[], counts=None,
                                                          text="今天天气很好，我们去公园散步。")])
    table = stats([path])
    assert table["documents"]["all"] == 2 and table["documents"]["negatives"] == 1
    assert table["gold measures"]["counts"] == 1
    # fixed by the id's hash: the same ids always land in the same split
    assert [split_of(i) for i in ("zh-pen-0001", "zh-pen-0002", "zh-pen-0003", "x")] == \
        ["train", "train", "test", "test"]
    assert sum(split_of(f"id-{i}") == "test" for i in range(1000)) == 189  # about a fifth


def test_csv_corpus_with_other_fields(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("body,tags\n中奖短信请点链接,spam;phish\n明天开会,\n", encoding="utf-8")
    examples = load_examples([str(path)], text_field="body", label_field="tags", separator=";")
    assert [e.labels for e in examples] == [["spam", "phish"], []]


def test_a_sentence_shared_by_two_documents_is_reported(tmp_path):
    shared = "各社区累计开展入户走访宣传活动四十余场次，覆盖独居老人和空巢家庭。"
    rows = [dict(GOOD, id="s-1", text="第一份材料的开头完全不同。" + shared, counts=[]),
            dict(GOOD, id="s-2", text=shared + "另一份材料后面讲的是消防安全检查和隐患整改情况。", counts=[])]
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    assert check([path]) == [f"{path}:2: sentence also in {path}:1: {shared[:40]!r}"]
