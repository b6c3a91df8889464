"""train.py as a researcher uses it: two models compared side by side on their own file."""

import json
import os
import subprocess
import sys

from conftest import ROOT

from pipeline.training.evaluate import side_by_side


def _metrics(f1, labels):
    row = {"precision": f1, "recall": f1, "f1": f1}
    return {"labels": {label: row for label in labels}, "macro": row}


def test_side_by_side_puts_each_models_figures_in_its_own_columns():
    table = side_by_side([("a", _metrics(0.5, ["spam", "ham"])), ("b", _metrics(0.25, ["spam"]))])
    assert table.splitlines() == [
        "| label | a P | a R | a F1 | b P | b R | b F1 |",
        "|---|---|---|---|---|---|---|",
        "| ham | 0.500 | 0.500 | 0.500 |  |  |  |",
        "| spam | 0.500 | 0.500 | 0.500 | 0.250 | 0.250 | 0.250 |",
        "| **macro** | 0.500 | 0.500 | 0.500 | 0.250 | 0.250 | 0.250 |"]


def test_compare_on_a_file_of_ones_own(tmp_path):
    path = tmp_path / "mine.jsonl"
    rows = [{"id": "a", "text": "骗子冒充客服以退款为名诱导受害人下载App开启屏幕共享", "labels": ["telecom"]},
            {"id": "b", "text": "今晚七点小区门口见，记得带伞", "labels": []}]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    model = os.path.join(ROOT, "models", "default")
    result = subprocess.run([sys.executable, os.path.join(ROOT, "train.py"), "--eval", str(path),
                             "--compare", model], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path}: 2 documents"
    assert lines[2].startswith(f"| label | {model} P | {model} R | {model} F1 | {model} P")
    assert lines[-1].startswith("| **macro** |")
