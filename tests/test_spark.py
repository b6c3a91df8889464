"""The Spark engine gives the same records as the local batch (local mode; skips without Java)."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

pyspark = pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("the Spark engine needs Java", allow_module_level=True)

CLASSIFY = os.path.join(ROOT, "classify.py")
TEXTS = [  # our own sentences
    ("s-1", "【警惕】冒充快递客服称包裹丢失要三倍理赔，让你下载会议软件共享屏幕，都是诈骗！"),
    ("s-2", "县市场监管局检查养老机构12家，发放宣传资料800余份，提醒老人谨防保健品骗局。"),
    ("s-3", "Police arrested 14 suspects in a Ponzi scheme that promised retirees 20% returns."),
    ("s-4", "今天带孩子去图书馆借了三本书，回家路上买了草莓。"),
    ("s-5", "某旅行社以“零团费”招揽游客后强迫购物，被罚款5万元。"),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark")
    path = folder / "docs.jsonl"
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in TEXTS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder, path


def local_records(path):
    result = subprocess.run([sys.executable, CLASSIFY, str(path), "-j", "1", "-q", "--clusters"],
                            capture_output=True, text=True, check=True)
    return {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}


def comparable(record):
    keep = {k: record.get(k) for k in ("id", "lang", "labels", "scores", "kind", "kind_scores",
                                       "cluster", "cluster_size", "warnings", "error")}
    keep["measures"] = [{k: v for k, v in m.items() if v is not None}
                        for m in record.get("measures") or []]
    for m in keep["measures"]:
        for name in ("count", "count_max"):
            if name in m:
                m[name] = float(m[name])
    return keep


def test_spark_output_equals_the_local_batch(inputs):
    folder, path = inputs
    out = folder / "out"
    result = subprocess.run([sys.executable, CLASSIFY, "--engine", "spark", "--master",
                             "local[2]", str(path), "-o", str(out), "--format", "jsonl",
                             "--clusters"],
                            capture_output=True, text=True, env={**os.environ,
                                                                 "PYTHONPATH": ROOT})
    assert result.returncode == 0, result.stderr[-2000:]
    spark_records = {}
    for name in sorted(os.listdir(out)):
        if name.endswith(".json"):
            for line in (out / name).read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                spark_records[record["id"]] = record
    local = local_records(path)
    assert set(spark_records) == set(local) == {i for i, _ in TEXTS}
    for doc_id, record in local.items():  # five unrelated texts: the same one-text clusters
        assert comparable(spark_records[doc_id]) == comparable(record)
        assert record["cluster_size"] == 1


def test_a_row_without_text_is_an_error_row(inputs, monkeypatch):
    from pyspark.sql import SparkSession

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # as run_spark does

    from pipeline.app.spark import tag_dataframe

    spark = SparkSession.builder.master("local[1]").appName("fraudtag-test").getOrCreate()
    try:
        df = spark.createDataFrame([("a", "刷单返利是诈骗"), ("b", None)], "id string, text string")
        rows = {r["id"]: r for r in tag_dataframe(df, f"{ROOT}/models/default").collect()}
        assert rows["a"]["error"] is None and "telecom" in rows["a"]["labels"]
        assert "no text" in rows["b"]["error"]
    finally:
        spark.stop()


REPOSTS = [  # our own: three texts, each reposted with other links, numbers, emoji, script
    ("a1", "【通知】您的快递包裹因地址不详无法派送，请于今日点击 http://kd-bu.top/8821 补填地址，逾期退回。"),
    ("a2", "【通知】您的快递包裹因地址不详无法派送，请于今日点击 https://kd-x.cc/119 补填地址，逾期退回！！"),
    ("a3", "【通知】您的快遞包裹因地址不詳無法派送，請於今日點擊 http://kdz.vip/5 補填地址，逾期退回。😀"),
    ("b1", "Police in Leeds warn that callers posing as bank staff ask customers to move savings "
           "to a safe account; no bank will ever ask you to do this."),
    ("b2", "Police in Leeds warn that callers posing as bank staff ask customers to move savings "
           "to a 'safe account' - no bank will EVER ask you to do this!! 2024"),
    ("c1", "社区定于本周六上午九点在活动中心举办健康讲座，欢迎居民参加，现场提供免费血压测量。"),
    ("c2", "社区定于本周六上午十点在活动中心举办健康讲座，欢迎居民参加，现场提供免费血压测量！"),
    ("d1", "今天带孩子去图书馆借了三本书，回家路上买了草莓。"),
    ("e1", "县市场监管局检查养老机构12家，发放宣传资料800余份，提醒老人谨防保健品骗局。"),
]


def test_repost_clusters_do_not_depend_on_partitions(monkeypatch):
    from pyspark.sql import SparkSession

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)

    from pipeline.app.spark import tag_dataframe
    from pipeline.cluster.minhash import signature
    from pipeline.cluster.reposts import cluster_id
    from pipeline.text.normalize import normalize

    spark = SparkSession.builder.master("local[2]").appName("fraudtag-test").getOrCreate()
    try:
        df = spark.createDataFrame(REPOSTS, "id string, text string")
        runs = []
        for partitions in (1, 3, 5):
            rows = tag_dataframe(df.repartition(partitions), f"{ROOT}/models/default",
                                 clusters=True).collect()
            runs.append({r["id"]: (r["cluster"], r["cluster_size"]) for r in rows})
    finally:
        spark.stop()
    assert runs[0] == runs[1] == runs[2]
    found = runs[0]
    groups = {}
    for doc_id, (cluster, _size) in found.items():
        groups.setdefault(cluster, []).append(doc_id)
    assert sorted(map(sorted, groups.values())) == [["a1", "a2", "a3"], ["b1", "b2"],
                                                   ["c1", "c2"], ["d1"], ["e1"]]
    texts = dict(REPOSTS)
    for cluster, members in groups.items():  # named after its smallest row, as documented
        assert cluster == cluster_id(signature(normalize(texts[min(members)]).view))
        assert all(found[m][1] == len(members) for m in members)
