"""The shipped model and extractor on real texts (../shared); skipped when it is absent."""

import pytest

from pipeline.document import Document
from pipeline.training.evaluate import label_metrics
from pipeline.training.realdata import load_real_dev

REAL = load_real_dev()
pytestmark = pytest.mark.skipif(REAL is None, reason="../shared/devsets is absent")


def test_shipped_model_meets_the_real_text_targets(shipped_model):
    from pipeline.engine.stages import Pipeline

    pipeline = Pipeline(measures=False)
    docs = [pipeline.prepare(Document(ex.id, "dev", ex.text)) for ex in REAL]
    metrics = label_metrics(REAL, shipped_model.predict_proba(docs), shipped_model.labels,
                            shipped_model.thresholds)
    assert metrics["macro"]["f1"] >= 0.92
    assert all(m["f1"] >= 0.85 for m in metrics["labels"].values())


def test_extraction_meets_the_real_text_targets():
    from pipeline.training.extract_eval import evaluate
    from pipeline.training.realdata import real_dev_path

    score = evaluate(real_dev_path())
    assert score.found / score.gold >= 0.90 and score.correct / score.predicted >= 0.90
    assert score.null_found / score.null_gold >= 0.80


def test_public_sets_with_a_threshold_sweep(capsys):
    from pipeline.app.train_cli import main
    from pipeline.training.realdata import load_real_sets

    if not load_real_sets(limit=1):
        pytest.skip("../shared/datasets is absent")
    assert main(["--real", "--limit", "40", "--sweep", "telecom"]) == 0
    out = capsys.readouterr().out
    table = out.split("telecom threshold | ", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(table) == 7 and table[2].startswith("0.5 | ")
    # at 0.5 the sweep repeats the table above it; a stricter cut flags no more texts
    fpr = [float(line.split(" | ")[2].split()[1]) for line in table[2:]]
    assert fpr == sorted(fpr, reverse=True)
    assert f"| false-positive rate | {fpr[0]:.3f} |" in out
    news = out.split("fraud_news_reports, the eight telecom categories", 1)
    if len(news) == 2:  # the news figures follow, on at most 40 articles per category
        assert "| telecom recall | 320 |" in news[1]


def test_news_figures_count_each_screen_apart():
    from pipeline.training.corpus import Example
    from pipeline.training.evaluate import format_news, news_figures
    from pipeline.training.realdata import NewsArticle

    def article(category, text):
        return NewsArticle(category, Example(id=text, text=text, labels=[]))

    articles = [article("短信", "冒充客服发短信退款"), article("短信", "老人接到退款短信"),
                article("杀猪盘", "网恋后在假平台投资，承诺高息"), article("杀猪盘", "网恋诱导充值"),
                article("传销", "拉人头缴会费")]
    decided = [["telecom", "pension"], ["pension"], ["telecom", "fundraising"],
               ["telecom", "fundraising"], []]
    figures = news_figures(articles, decided)
    assert figures["telecom_recall"] == {"hits": 3, "of": 4, "rate": 0.75}
    assert figures["pension"]["hits"] == 2
    assert figures["pension_no_elderly_cue"] == {"hits": 1, "of": 3, "rate": 0.3333}
    assert figures["fundraising_no_fundraising_cue"] == {"hits": 1, "of": 3, "rate": 0.3333}
    assert figures["other_categories"]["传销"]["none"] == 1.0
    assert "| telecom recall | 4 | 3 | 0.750 | >= 0.95 |" in format_news(figures)
