"""A monitor's view: records in their repost clusters, one alert per new cluster and at growth."""

import random

from pipeline.app.monitor import Monitor
from pipeline.cluster.minhash import signature
from pipeline.cluster.reposts import RepostClusters

SCAM = "【XX银行】您的账户存在异常，请于{n}小时内点击 http://k{n}.xyz/v 完成验证，逾期冻结。"
WARN = "【市反诈中心】提醒：冒充客服退款的都是诈骗，请勿点击陌生链接，如有疑问拨打96110。"


def _record(n, text, telecom):
    return {"id": str(n), "labels": ["telecom"] if telecom >= 0.5 else [],
            "scores": {"telecom": telecom, "pension": 0.1}, "kind": "scam"}, text


def _run(monitor, posts):
    out = []
    for n, (text, telecom) in enumerate(posts):
        record, text = _record(n, text, telecom)
        out.append(monitor.observe(record, signature(text), text))
    return out


def test_one_alert_per_new_cluster_and_at_growth_only():
    posts = [(SCAM.format(n=n % 10), 0.9) for n in range(120)] + [(WARN, 0.95)] * 3
    records = _run(Monitor({"telecom": 0.8}), posts)
    alerts = [(r["id"], r["alert"]["reason"], r["alert"]["size"]) for r in records if "alert" in r]
    assert alerts == [("0", "new", 1), ("9", "grew to 10", 10), ("99", "grew to 100", 100),
                      ("120", "new", 1)]
    first = records[0]["alert"]
    assert first["labels"] == ["telecom"] and first["kind"] == "scam"
    assert first["cluster"] == records[0]["cluster"] and first["text"].startswith("【XX银行】")
    assert [r["cluster_size"] for r in records[118:]] == [119, 120, 1, 2, 3]


def test_a_cluster_alerts_with_its_first_post_over_the_cut():
    posts = [(SCAM.format(n=1), 0.3), (SCAM.format(n=2), 0.3), (SCAM.format(n=3), 0.85)]
    records = _run(Monitor({"telecom": 0.8}), posts)
    assert ["alert" in r for r in records] == [False, False, True]
    assert records[2]["alert"]["size"] == 3


def test_without_rules_records_get_clusters_and_no_alerts():
    records = _run(Monitor(), [(SCAM.format(n=1), 0.9), (SCAM.format(n=2), 0.9)])
    assert [r["cluster_size"] for r in records] == [1, 2] and not any("alert" in r for r in records)
    assert records[0]["cluster"] == records[1]["cluster"]


def test_error_records_pass_untouched():
    record = {"id": "x", "source": "f", "error": "empty"}
    assert Monitor({"telecom": 0.5}).observe(dict(record), signature("")) == record


def test_alert_state_is_forgotten_with_its_cluster():
    rng = random.Random(0)
    monitor = Monitor({"telecom": 0.5}, RepostClusters(window=5))
    texts = ["".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(30)) for _ in range(2000)]
    records = _run(monitor, [(text, 0.9) for text in texts])
    assert sum("alert" in r for r in records) == 2000  # each a new cluster
    assert len(monitor.clusters.clusters) == 5
    assert len(monitor._alerted) <= 2 * 5 + 1000
