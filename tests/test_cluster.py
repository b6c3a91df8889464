"""Repost clusters: near-duplicates join one cluster, other texts do not, memory stays bounded."""

import numpy as np
import pytest

from pipeline.cluster.minhash import PERMUTATIONS, reduce_text, signature, similarity
from pipeline.cluster.reposts import RepostClusters
from pipeline.text.normalize import normalize
from pipeline.training.cluster_eval import make_test_set, score

BASE = "【市反诈中心】近期冒充快递客服以理赔为名诱导下载会议软件共享屏幕的诈骗高发，请勿点击陌生链接 http://t.cn/A1b2，如有疑问拨打96110。"
# (edit, variant): each the same post as a repost would change it
VARIANTS = [
    ("links", "【市反诈中心】近期冒充快递客服以理赔为名诱导下载会议软件共享屏幕的诈骗高发，请勿点击陌生链接 https://k9.top/zz81，如有疑问拨打96110。"),
    ("numbers", "【市反诈中心】近期冒充快递客服以理赔为名诱导下载会议软件共享屏幕的诈骗高发，请勿点击陌生链接 http://t.cn/A1b2，如有疑问拨打12345。"),
    ("names", "【县反诈中心】近期冒充快递客服以理赔为名诱导下载会议软件共享屏幕的诈骗高发，请勿点击陌生链接 http://t.cn/A1b2，如有疑问拨打96110。"),
    ("emoji and spacing", "🔥【市反诈中心】 近期冒充快递客服以理赔为名诱导下载会议软件共享屏幕的诈骗高发 ❗\n请勿点击陌生链接，如有疑问拨打96110。👉"),
    ("traditional", "【市反詐中心】近期冒充快遞客服以理賠為名誘導下載會議軟件共享屏幕的詐騙高發，請勿點擊陌生鏈接 http://t.cn/A1b2，如有疑問撥打96110。"),
    ("a few words", "【市反诈中心】最近假冒快递客服以理赔为由诱导下载会议软件共享屏幕的诈骗高发，请不要点击陌生链接，如有疑问拨打96110。"),
]
OTHER = [
    "【市反诈中心】近期冒充公检法人员以涉嫌洗钱为名要求转账到安全账户的诈骗高发，公检法机关不会电话办案。",
    "社区老年大学本周五下午开设智能手机课程，教大家用手机挂号和视频通话，欢迎报名。",
    "Police warn of fake courier refund calls asking people to share their screens in meeting apps.",
]


def _sig(text):
    return signature(normalize(text).view)


def test_reduce_text_keeps_what_survives_reposting():
    assert reduce_text("Call 96110 NOW 👉 http://t.cn/x9 或访问 www.abc.com/p?q=1！") == "callnow或访问"


@pytest.mark.parametrize("edit,variant", VARIANTS, ids=[e for e, _ in VARIANTS])
def test_each_kind_of_repost_edit_stays_in_the_cluster(edit, variant):
    clusters = RepostClusters()
    first = clusters.add(_sig(BASE), seen="0", text=BASE, labels=["telecom"])
    again = clusters.add(_sig(variant), seen="1", text=variant, labels=["telecom"])
    assert again.id == first.id and again.size == 2
    assert again.labels == {"telecom": 2} and again.first_seen == "0" and again.last_seen == "1"


def test_other_texts_start_their_own_clusters():
    clusters = RepostClusters()
    ids = [clusters.add(_sig(text), seen=str(n)).id for n, text in enumerate([BASE, *OTHER])]
    assert len(set(ids)) == 4
    assert [c.size for c in clusters.top()] == [1, 1, 1, 1]


def test_test_set_of_our_own_pair_precision_and_recall():
    items = make_test_set(bases=300, unrelated=2000, seed=0)
    result = score(items, RepostClusters())
    assert result["precision"] >= 0.98 and result["recall"] >= 0.95, result


def test_cluster_ids_are_the_same_in_every_run():
    def ids():
        clusters = RepostClusters()
        return [clusters.add(_sig(t), seen="x").id for t in [BASE, *OTHER, VARIANTS[0][1]]]
    assert ids() == ids()


def test_exact_reposts_add_nothing_to_the_index():
    clusters = RepostClusters()
    for n in range(50):
        clusters.add(_sig(BASE + " " * (n % 3)), seen=str(n))  # the same once reduced
    [cluster] = clusters.top()
    assert cluster.size == 50 and cluster.variants == 1


def test_memory_is_bounded_by_the_window_and_old_clusters_are_forgotten():
    clusters = RepostClusters(window=100)
    rng = np.random.default_rng(0)
    first = clusters.add(_sig(BASE), seen="0")
    for n in range(300):  # distinct texts push the first out of the window
        clusters.add(rng.integers(0, 2**32, PERMUTATIONS, dtype=np.uint32), seen=str(n))
    assert len(clusters._members) == 100 and len(clusters.clusters) == 100
    assert sum(len(band) for band in clusters._bands) <= 100 * len(clusters._bands)
    assert first.id not in clusters.clusters
    assert clusters.add(_sig(BASE), seen="late").size == 1  # a new cluster, by the same id


def test_empty_and_short_texts_have_signatures():
    assert similarity(_sig(""), _sig("")) == 1.0
    assert similarity(_sig("ok"), _sig("ok")) == 1.0
    assert similarity(_sig("ok"), _sig("no")) == 0.0


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        RepostClusters(threshold=0)
    with pytest.raises(ValueError):
        RepostClusters(window=0)


def test_fbs_style_fraud_rows_are_counted_in_clusters(tmp_path):
    from pipeline.training.cluster_eval import fbs_clusters
    path = tmp_path / "fbs.csv"  # our own rows, in the public set's columns
    path.write_text(
        "category,text\n"
        "FR:phishing,您的积分将于今日清零请登录 jf-a.top 兑换现金礼品逾期作废\n"
        "FR:phishing,您的积分将于今日清零请登录 jf-bb.cc 兑换现金礼品逾期作废!\n"
        "NR:normal,今晚七点小区门口见记得带伞\n"
        "FR:prize,恭喜您被节目组选为幸运观众奖金八万元请登录领取\n", encoding="utf-8")
    found = fbs_clusters(str(path))
    assert (found["texts"], found["clusters"], found["singletons"]) == (3, 2, 1)
    assert found["largest"][0][0] == 2 and found["largest"][0][1].startswith("您的积分")
