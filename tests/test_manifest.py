"""The manifest's labels and thresholds: checked when a model loads, covered by a hash."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from pipeline.errors import ModelError
from pipeline.model.store import load_model, seal

SHIPPED = os.path.join(ROOT, "models", "default")


@pytest.fixture
def model_dir(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(SHIPPED, folder)
    return folder


def edit(folder, change):
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")


def swap_two_labels(manifest):
    labels = manifest["labels"]
    labels[0], labels[1] = labels[1], labels[0]


@pytest.mark.parametrize("change,needle", [
    (swap_two_labels, "labels or thresholds were changed after training"),
    (lambda m: m["thresholds"].update(pension=0.3), "changed after training"),
    (lambda m: m["thresholds"].update(pension="abc"), "the threshold of 'pension' is 'abc'"),
    (lambda m: m["thresholds"].update(pension=1.5), "a number from 0 to 1"),
    (lambda m: m["thresholds"].update(pension=True), "a number from 0 to 1"),
    (lambda m: m["thresholds"].pop("pension"), "one threshold per label"),
    (lambda m: m.update(labels=["a", "a", "b", "c"]), "distinct names"),
    (lambda m: m.update(labels="pension"), "distinct names"),
    (lambda m: m.pop("decision_sha256"), "python -m pipeline.model.store seal"),
])
def test_a_changed_or_malformed_manifest_is_refused_with_a_clear_error(model_dir, change, needle):
    edit(model_dir, change)
    with pytest.raises(ModelError, match="manifest.json") as failure:
        load_model(str(model_dir))
    assert needle in str(failure.value)


def test_labels_must_match_the_scorers_columns_even_when_sealed(model_dir):
    edit(model_dir, lambda m: (m["labels"].append("extra"), m["thresholds"].update(extra=0.5)))
    seal(str(model_dir))
    with pytest.raises(ModelError, match="names 5 labels and 5 kinds but the model scores 9"):
        load_model(str(model_dir))


def test_sealing_accepts_thresholds_changed_on_purpose(model_dir):
    edit(model_dir, lambda m: m["thresholds"].update(pension=0.3))
    result = subprocess.run([sys.executable, "-m", "pipeline.model.store", "seal",
                             str(model_dir)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert load_model(str(model_dir)).thresholds["pension"] == 0.3


def test_the_cli_says_one_line_and_exits_1(model_dir):
    edit(model_dir, swap_two_labels)
    result = subprocess.run([sys.executable, os.path.join(ROOT, "classify.py"), "-", "--model",
                             str(model_dir)], capture_output=True, text=True, input="刷单\n")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert "changed after training" in result.stderr
