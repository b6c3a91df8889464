"""Evidence for labels: cue lexicons as data, the gate, the spans in --explain, and ordinary
short messages that get no label (issue 13)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT

from pipeline.document import Document
from pipeline.lang.cues import CUES_DIR, CueMatcher, read_cue_file, read_cues

# Ordinary short messages of our own: greetings, chat, delivery and meeting notes. None of them
# speaks of fraud, so none may get a label.
ORDINARY = [
    "你好", "在吗", "在吗？", "你好，在吗", "早上好", "晚上好呀", "嗯嗯", "好的", "收到", "谢谢",
    "哈喽", "吃了吗", "到家了没", "我到了，你在哪", "等我五分钟", "今天下雨记得带伞",
    "明天见", "辛苦了", "周六一起打球吗", "我下班了，路上买点菜",
    "你的快递到了，放在驿站，取件码3-2-1045", "快递已放门口，请及时取件",
    "您好，外卖已送达前台，祝您用餐愉快", "包裹明天上午送到，家里有人吗",
    "下午三点项目例会，请带上周报", "会议室改到五楼东侧，时间不变",
    "周四培训取消了，另行通知", "今天的会我请假，纪要麻烦发我一份",
    "报告初稿已发你邮箱，有空看一下", "车在小区东门等你",
    "妈，周末我回家吃饭", "爸，药买好了，放在桌上", "孩子今天发烧了，我请半天假",
    "老同学聚会定在下个月三号", "房租我转给房东了", "物业说明天停水两小时",
    "体检报告出来了，一切正常", "新年好！", "中秋快乐，阖家团圆", "生日蛋糕订好了",
    "hi", "hello", "hey", "ok", "ok see you at 5", "see you tomorrow", "thanks!",
    "on my way", "running late, sorry", "good morning", "call me when you're free",
    "lunch at 12:30?", "the parcel is at the front desk", "your package was left at the door",
    "meeting moved to 3pm in room 2", "notes from today's standup are in the doc",
    "can we push our call to Friday?", "dinner's ready", "happy new year!",
    "the train is delayed, be there by 7",
]


def test_there_are_sixty_ordinary_messages_all_different():
    assert len(ORDINARY) == len(set(ORDINARY)) == 60


def test_ordinary_short_messages_get_no_label(shipped_model):
    from pipeline.engine.stages import Pipeline

    pipeline = Pipeline(shipped_model, measures=False)
    docs = pipeline.run([Document(str(i), "t", text) for i, text in enumerate(ORDINARY)])
    labelled = {doc.text: doc.labels for doc in docs if doc.labels}
    assert labelled == {}
    scams = [doc.text for doc in docs if doc.kind == "scam"]  # a greeting is no fraud attempt
    assert scams == []


def test_cues_match_chinese_anywhere_and_english_at_a_word_start():
    matcher = CueMatcher(("养老", "elder", "aged"))
    assert matcher.search("打击整治养老诈骗")
    assert matcher.search("Scams against ELDERLY people")  # a stem, any case
    assert not matcher.search("the team managed the project")  # "aged" inside a word
    assert matcher.search("aged 70")
    text = "老人说：养老钱要看紧。elderly"
    assert [text[s:e] for s, e in matcher.spans(text)] == ["养老", "elder"]
    assert len(matcher.spans("养老" * 20, limit=3)) == 3


def test_cue_files_are_data_a_researcher_can_replace(tmp_path):
    (tmp_path / "prize.txt").write_text("# prize notices\n中奖\n\n领奖  # claims\n中奖\n",
                                        encoding="utf-8")
    assert read_cue_file(str(tmp_path / "prize.txt")) == ("中奖", "领奖")
    assert read_cues(str(tmp_path), ["prize", "meeting"]) == {"prize": ("中奖", "领奖")}
    shipped = read_cues(CUES_DIR, ["pension", "fundraising", "telecom", "low_price_tourism"])
    assert {"pension", "fundraising"} <= set(shipped)


def _tiny_model(tmp_path, cues: dict[str, str] | None):
    from test_classifier import TINY

    corpus = tmp_path / "tiny.jsonl"
    with open(corpus, "w", encoding="utf-8") as f:
        for i, (text, label) in enumerate(TINY * 3):
            f.write(json.dumps({"id": f"t{i}", "text": text, "labels": [label]},
                               ensure_ascii=False) + "\n")
    cue_dir = tmp_path / "cues"
    cue_dir.mkdir()
    for label, words in (cues or {}).items():
        (cue_dir / f"{label}.txt").write_text(words, encoding="utf-8")
    out = tmp_path / "model"
    from pipeline.app.train_cli import main

    assert main(["--corpus", str(corpus), "--out", str(out), "--cv", "2", "--no-real-dev",
                 "--cues", str(cue_dir)]) == 0
    return out


def test_a_label_without_evidence_is_not_emitted(tmp_path):
    from pipeline.engine.stages import Pipeline
    from pipeline.model.store import load_model

    out = _tiny_model(tmp_path, {"prize": "中奖\n领奖\nprize\n"})
    model = load_model(str(out))
    assert model.cues == {"prize": ("中奖", "领奖", "prize")}  # kept in the manifest
    pipeline = Pipeline(model, measures=False)
    texts = ["恭喜您中奖了，点击链接领取", "幸运用户获得大奖，点击链接领取"]
    with_cue, without = pipeline.run([Document(str(i), "t", t) for i, t in enumerate(texts)])
    raw = model.model_proba([without])[0, model.labels.index("prize")]
    assert raw >= model.thresholds["prize"]  # the linear model alone would tag it
    assert without.scores["prize"] == 0 and "prize" not in without.labels
    assert "prize" in with_cue.labels
    # meeting has no cue list: it is not gated
    assert model.model_proba([without])[0, 0] == pytest.approx(without.scores["meeting"],
                                                                abs=1e-4)


def test_explain_returns_the_evidence_spans(tmp_path):
    out = _tiny_model(tmp_path, {"prize": "中奖\n领奖\n"})
    sample = tmp_path / "in.txt"
    text = "【通知】恭喜您中奖了，请点击链接领奖。"
    sample.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), str(sample),
                             "--model", str(out), "--explain"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    evidence = record["explanation"]["prize"]["evidence"]
    assert [e["text"] for e in evidence] == ["中奖", "领奖"]
    assert all(text[e["start"]:e["end"]] == e["text"] for e in evidence)


def test_the_gate_zeroes_only_labels_with_cues_and_no_cue_in_the_text():
    from pipeline.model.scoring import gate, matchers

    docs = [Document("a", "t", "养老诈骗"), Document("b", "t", "刷单返利")]
    for doc in docs:
        doc.view = doc.text
    proba = np.array([[0.9, 0.9], [0.9, 0.9]])
    gated = gate(proba.copy(), docs, matchers(["pension", "telecom"], {"pension": ("养老",)}))
    assert gated.tolist() == [[0.9, 0.9], [0.0, 0.9]]
