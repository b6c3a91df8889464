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
    table = out.split("telecom threshold | ", 1)[1].splitlines()
    assert len(table) == 7 and table[2].startswith("0.5 | ")
    # at 0.5 the sweep repeats the table above it; a stricter cut flags no more texts
    fpr = [float(line.split(" | ")[2].split()[1]) for line in table[2:]]
    assert fpr == sorted(fpr, reverse=True)
    assert f"| false-positive rate | {fpr[0]:.3f} |" in out
