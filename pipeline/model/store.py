"""Save and load models: the joblib file, the numpy scorer, and the manifest.json that vouches
for both.

Scoring loads scorer.npz (numpy arrays, read with allow_pickle=False: no code runs). The joblib
file is a pickle, which runs code when loaded (full=True, or a model without a scorer): load only
models from a source you trust. Loading checks the files' sha256 and the scikit-learn version
against the manifest first, and the manifest's labels and thresholds: well formed (one numeric
threshold in [0, 1] per label), as many labels as the scorer has columns, and unchanged since
training (`decision_sha256` covers them with the model's files: two labels swapped would
mislabel every result).

    python -m pipeline.model.store seal DIR   # after changing thresholds on purpose
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pipeline.errors import ModelError

if TYPE_CHECKING:
    from pipeline.model.scoring import FraudModel

FORMAT_VERSION = 1
MODEL_FILE = "model.joblib"
SCORER_FILE = "scorer.npz"  # numpy arrays only: scoring needs neither scikit-learn nor pickle
MANIFEST_FILE = "manifest.json"


def library_versions() -> dict[str, str]:
    """Versions of what the model depends on, read without importing the libraries."""
    from importlib.metadata import version

    names = ("scikit-learn", "numpy", "scipy", "joblib", "spacy", "rjieba", "jieba")
    return {"python": platform.python_version(), **{name: version(name) for name in names}}


def sha256_file(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decision_sha256(manifest: dict[str, Any]) -> str:
    """The sha256 that ties the labels (in column order) and thresholds to the model's files."""
    covered = {"labels": manifest.get("labels"), "thresholds": manifest.get("thresholds"),
               "model_sha256": manifest.get("model_sha256"),
               "scorer_sha256": (manifest.get("scorer") or {}).get("sha256")}
    if manifest.get("kinds"):  # the kinds' columns follow the labels'
        covered["kinds"] = manifest["kinds"]
    if manifest.get("evidence_cues"):  # they decide labels too
        covered["evidence_cues"] = manifest["evidence_cues"]
    return hashlib.sha256(json.dumps(covered, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def check_decision(manifest: dict[str, Any], where: str) -> tuple[list[str], dict[str, float]]:
    """The manifest's labels and thresholds, once they are well formed and unchanged."""
    labels, thresholds = manifest.get("labels"), manifest.get("thresholds")
    if (not isinstance(labels, list) or not labels
            or not all(isinstance(label, str) and label for label in labels)
            or len(set(labels)) != len(labels)):
        raise ModelError(f"{where}: \"labels\" must be a list of distinct names, one per "
                         f"column of the model, got {labels!r}; restore the manifest from the "
                         "release or retrain")
    if not isinstance(thresholds, dict) or set(thresholds) != set(labels):
        have = sorted(thresholds) if isinstance(thresholds, dict) else thresholds
        raise ModelError(f"{where}: \"thresholds\" must give one threshold per label "
                         f"{labels}, got {have!r}; restore the manifest or retrain")
    for label, value in thresholds.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not 0.0 <= value <= 1.0:
            raise ModelError(f"{where}: the threshold of {label!r} is {value!r}; a threshold "
                             "is a number from 0 to 1 (e.g. 0.5)")
    if "decision_sha256" not in manifest:
        raise ModelError(f"{where}: no decision_sha256 covers the labels and thresholds; check "
                         "them and run `python -m pipeline.model.store seal DIR`, or retrain")
    if manifest["decision_sha256"] != decision_sha256(manifest):
        raise ModelError(f"{where}: the labels or thresholds were changed after training "
                         "(decision_sha256 differs): restore the manifest from the release or "
                         "retrain; if you changed thresholds on purpose, run `python -m "
                         "pipeline.model.store seal DIR`")
    return list(labels), {label: float(value) for label, value in thresholds.items()}


def save_model(model: FraudModel, directory: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Write the model and its manifest to `directory`; return the manifest."""
    import joblib

    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, MODEL_FILE)
    joblib.dump(model.estimator, path, compress=3)
    from pipeline.model.scoring import LinearScorer

    scorer = {}
    if isinstance(model.scorer, LinearScorer):
        scorer_path = os.path.join(directory, SCORER_FILE)
        scorer = {"scorer": {"file": SCORER_FILE, **model.scorer.save(scorer_path),
                             "sha256": sha256_file(scorer_path)}}
    elif os.path.exists(os.path.join(directory, SCORER_FILE)):
        os.remove(os.path.join(directory, SCORER_FILE))  # a scorer of an older model
    manifest = {
        "format_version": FORMAT_VERSION,
        "labels": model.labels,
        "thresholds": model.thresholds,
        **({"kinds": model.kinds} if model.kinds else {}),
        **({"evidence_cues": model.cues} if model.cues else {}),
        "model_file": MODEL_FILE,
        "model_sha256": sha256_file(path),
        **scorer,
        "libraries": library_versions(),
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        **extra,
    }
    manifest["decision_sha256"] = decision_sha256(manifest)
    write_manifest(directory, manifest)
    model.manifest = manifest
    return manifest


def write_manifest(directory: str, manifest: dict[str, Any]) -> None:
    with open(os.path.join(directory, MANIFEST_FILE), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")


def seal(directory: str) -> str:
    """Cover the manifest's labels and thresholds (as they are now) by decision_sha256, after
    checking that they are well formed and that the model files match; return the hash."""
    manifest = read_manifest(directory)
    manifest.pop("decision_sha256", None)
    manifest["decision_sha256"] = decision_sha256(manifest)
    check_decision(manifest, directory)
    check_model(directory, manifest)
    write_manifest(directory, manifest)
    return manifest["decision_sha256"]


def read_manifest(directory: str) -> dict[str, Any]:
    path = os.path.join(directory, MANIFEST_FILE)
    if not os.path.isfile(path):
        raise ModelError(f"no model at {directory}: {MANIFEST_FILE} is missing; train one with "
                         "`python train.py` or pass --model DIR")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise ModelError(f"{path} is unreadable ({e}); restore it or retrain the model") from None


def check_model(directory: str, manifest: dict[str, Any] | None = None) -> dict[str, Any]:
    """The manifest of the model in `directory`, once the model file matches it."""
    manifest = manifest or read_manifest(directory)
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ModelError(f"{directory}: model format {manifest.get('format_version')} is not "
                         f"{FORMAT_VERSION}, the one this fraudtag reads; retrain the model")
    path = os.path.join(directory, manifest.get("model_file", MODEL_FILE))
    if not os.path.isfile(path):
        raise ModelError(f"{directory}: the model file {os.path.basename(path)} is missing; "
                         "restore it or retrain with `python train.py`")
    if sha256_file(path) != manifest.get("model_sha256"):
        raise ModelError(f"{path} does not match its manifest (sha256 differs): the file was "
                         "changed or damaged; restore it from the release or retrain with "
                         "`python train.py`")
    trained = manifest.get("libraries", {}).get("scikit-learn", "")
    current = library_versions()["scikit-learn"]
    if trained.split(".")[:2] != current.split(".")[:2]:
        raise ModelError(f"{directory} was trained with scikit-learn {trained}, this is "
                         f"{current}; install scikit-learn=={trained} or retrain the model")
    scorer = manifest.get("scorer")
    if scorer:
        scorer_path = os.path.join(directory, scorer.get("file", SCORER_FILE))
        if not os.path.isfile(scorer_path) or sha256_file(scorer_path) != scorer.get("sha256"):
            raise ModelError(f"{scorer_path} is missing or does not match its manifest (sha256 "
                             "differs): restore it from the release or retrain with "
                             "`python train.py`")
    check_decision(manifest, os.path.join(directory, MANIFEST_FILE))
    return manifest


def load_model(directory: str, full: bool = False) -> FraudModel:
    """The model in `directory`, after checking it against its manifest.

    A model with a numpy scorer loads just that, unless `full`: the scikit-learn estimator (for
    research, or a model without a scorer) costs a second of imports.
    """
    from pipeline.model.scoring import EstimatorScorer, FraudModel, LinearScorer

    manifest = check_model(directory)
    labels, thresholds = check_decision(manifest, os.path.join(directory, MANIFEST_FILE))
    spec = manifest.get("scorer")
    scorer = (LinearScorer.load(os.path.join(directory, spec.get("file", SCORER_FILE)), spec)
              if spec else None)
    kinds = list(manifest.get("kinds", [])) if scorer is not None else []
    if scorer is not None and not full:
        model = FraudModel(labels, thresholds, scorer, manifest, kinds=kinds)
    else:
        import joblib

        estimator = joblib.load(os.path.join(directory, manifest.get("model_file", MODEL_FILE)))
        model = FraudModel(labels, thresholds, scorer or EstimatorScorer(estimator), manifest,
                           estimator=estimator, kinds=kinds)
    if scorer is not None and scorer.weights.shape[1] != len(labels) + len(kinds):
        raise ModelError(f"{directory}: the manifest names {len(labels)} labels and "
                         f"{len(kinds)} kinds but the model scores {scorer.weights.shape[1]}; "
                         "restore the manifest from the release or retrain")
    return model


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "seal":
        sys.exit("usage: python -m pipeline.model.store seal MODEL_DIR")
    try:
        print(f"{sys.argv[2]}: decision_sha256 {seal(sys.argv[2])}")
    except ModelError as e:
        sys.exit(f"error: {e}")
