"""The public API: pipeline.load(), Tagger, pipeline.train(), the settings table and the spaCy
component, used as a researcher would."""

import json
import os
import pathlib
import subprocess
import sys

import pytest
from conftest import ROOT

import pipeline
from pipeline.errors import CorpusError, FraudtagError, InputError
from pipeline.settings import SettingsError, environment_help, resolve

SCAM = "骗子冒充客服以退款为名诱导受害人下载App开启屏幕共享，转账后民警已追回损失10万元"


@pytest.fixture(scope="module")
def tagger():
    return pipeline.load()


def test_a_text_gives_one_record_of_the_output_contract(tagger):
    record = tagger(SCAM, id="r1")
    assert record["id"] == "r1" and record["lang"] == "zh"
    assert record["labels"] == ["telecom"]
    assert set(record["scores"]) == set(tagger.labels)
    [measure] = record["measures"]
    assert (measure["count"], measure["unit"], measure["type"]) == (100000, "元", "enforcement")
    assert SCAM[measure["start"]:measure["end"]] == "追回损失10万元"


def test_pipe_keeps_order_ids_and_meta_and_matches_one_by_one(tagger):
    texts = [SCAM, {"id": "post-9", "text": "共发放宣传资料1500余份", "channel": "wx"}, "ok"]
    records = list(tagger.pipe(texts, batch_size=2))
    assert [r["id"] for r in records] == ["0", "post-9", "2"]
    assert records[1]["meta"] == {"channel": "wx"}
    assert records[0] == tagger(SCAM, id="0")


def test_pipe_in_two_processes_gives_the_same_records(tagger):
    texts = [f"{SCAM}（第{i}条）" for i in range(150)]  # over two batches: workers start
    assert list(tagger.pipe(texts, batch_size=64, n_process=2)) == list(tagger.pipe(texts))


def test_an_item_that_is_not_text_is_refused(tagger):
    with pytest.raises(InputError, match="item 0"):
        list(tagger.pipe([42]))


def test_load_takes_a_model_folder_and_refuses_an_empty_one(tmp_path):
    assert pipeline.load(os.path.join(ROOT, "models", "default")).labels == \
        ["fundraising", "low_price_tourism", "pension", "telecom"]
    with pytest.raises(FraudtagError, match="manifest.json is missing"):
        pipeline.load(tmp_path)


def test_settings_come_from_arguments_then_environment_then_defaults():
    env = {"FRAUDTAG_MAX_DOCUMENTS": "12", "FRAUDTAG_SEGMENTER": "jieba"}
    values = resolve({"segmenter": "rjieba", "model": None}, env)
    assert (values["segmenter"], values["max_documents"], values["model"]) == ("rjieba", 12, "")
    assert resolve({}, {})["max_body_bytes"] == 1_000_000


@pytest.mark.parametrize("overrides,env,message", [
    ({"segmentor": "jieba"}, {}, "unknown setting 'segmentor'"),
    ({}, {"FRAUDTAG_MAX_DOCUMENT": "5"}, "unknown environment variable FRAUDTAG_MAX_DOCUMENT"),
    ({}, {"FRAUDTAG_MAX_DOCUMENTS": "many"}, "FRAUDTAG_MAX_DOCUMENTS='many'"),
    ({"max_body_bytes": 0}, {}, "max_body_bytes=0"),
    ({"segmenter": "hanlp"}, {}, "'hanlp' is not one of rjieba, jieba"),
])
def test_a_wrong_setting_is_refused_with_what_is_known(overrides, env, message):
    with pytest.raises(SettingsError, match=message):
        resolve(overrides, env)


def test_every_environment_variable_is_in_the_help_and_the_readme():
    readme = pathlib.Path(ROOT, "README.md").read_text(encoding="utf-8")
    cli_help = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), "--help"],
                              capture_output=True, text=True, check=True).stdout
    for line in environment_help().splitlines()[1:]:
        variable = line.split()[0]
        assert variable in cli_help and variable in readme, variable


def _corpus(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                    encoding="utf-8")
    return str(path)


SPAM = ["限时领取大奖，点击链接输入银行卡号", "恭喜中奖，请先缴纳手续费领取奖金", "您的快递异常，点此链接办理退款",
        "账户冻结，请回复验证码解冻", "免费领取积分兑换现金，马上登录链接"]
HAM = ["今晚七点在小区门口见", "明天的会议改到下午三点", "记得带伞，外面下雨了", "周末一起去爬山吧",
       "饭做好了，快回来吃", "快递放在门卫室了"]


def test_train_a_one_label_corpus_and_tag_with_it(tmp_path):
    rows = [{"id": f"s{i}", "text": t, "labels": ["spam"]} for i, t in enumerate(SPAM * 2)]
    rows += [{"id": f"h{i}", "text": t, "labels": []} for i, t in enumerate(HAM * 2)]
    out = tmp_path / "spam-model"
    metrics = pipeline.train(_corpus(tmp_path / "spam.jsonl", rows), out, cv=2,
                             progress=lambda _: None)
    assert list(metrics) == ["cross_validation"]  # the fraud dev set is not this model's
    assert set(metrics["cross_validation"]["labels"]) == {"spam"}
    tagger = pipeline.load(out)
    assert tagger.labels == ["spam"]
    assert set(tagger("点击链接领取大奖，输入银行卡号")["scores"]) == {"spam"}


def test_train_warns_of_a_label_with_too_few_examples(tmp_path):
    rows = [{"id": f"s{i}", "text": t, "labels": ["spam"]} for i, t in enumerate(SPAM)]
    rows += [{"id": "r", "text": "旅行社强制购物，零团费", "labels": ["tour"]}]
    rows += [{"id": f"h{i}", "text": t, "labels": []} for i, t in enumerate(HAM)]
    said = []
    pipeline.train(_corpus(tmp_path / "c.jsonl", rows), tmp_path / "m", cv=2,
                   progress=said.append, real_dev=False)
    assert any("label 'tour' has 1 example(s)" in line for line in said)


def test_train_refuses_a_corpus_without_labels_and_an_unknown_option(tmp_path):
    path = _corpus(tmp_path / "c.jsonl", [{"id": "a", "text": "你好", "labels": []}])
    with pytest.raises(CorpusError, match="no labels"):
        pipeline.train(path, tmp_path / "m")
    with pytest.raises(TypeError, match="seeed"):
        pipeline.train(path, tmp_path / "m", seeed=1)


def test_train_cli_will_not_overwrite_the_shipped_model_with_a_users_corpus(tmp_path):
    path = _corpus(tmp_path / "c.jsonl", [{"id": "a", "text": "你好", "labels": ["x"]}])
    result = subprocess.run([sys.executable, os.path.join(ROOT, "train.py"), "--corpus", path],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "--corpus needs --out DIR" in result.stderr


def test_spacy_component_on_blank_pipelines():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("zh")
    nlp.add_pipe("fraudtag")  # found through the spacy_factories entry point
    doc = nlp(SCAM)
    assert doc._.fraud_labels == ["telecom"]
    assert doc.cats["telecom"] >= 0.5 and len(doc.cats) == 4
    assert doc._.fraud_kind in doc._.fraud_kind_scores and \
        doc._.fraud_kind == max(doc._.fraud_kind_scores, key=doc._.fraud_kind_scores.get)
    assert doc._.fraud_kind == pipeline.load()(SCAM)["kind"]
    [span] = doc.spans["measures"]
    assert (span.label_, span._.count, span._.unit, span._.qualifier) == \
        ("enforcement", 100000, "元", "exact")
    assert "追回损失10万元" in span.text
    english = spacy.blank("en")
    english.add_pipe("fraudtag")
    docs = list(english.pipe(["Police distributed more than 30,000 copies of posters.", ""]))
    [poster] = docs[0].spans["measures"]
    assert (poster._.count, poster._.qualifier) == (30000, "more_than")
    assert docs[1]._.fraud_labels == [] and list(docs[1].spans["measures"]) == []
    poster_text = docs[0].text
    assert docs[0]._.fraud_kind == pipeline.load()(poster_text)["kind"]
