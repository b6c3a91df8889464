"""Save and load models: the joblib file, the numpy scorer, and the manifest.json that vouches
for both.

Scoring loads scorer.npz (numpy arrays, read with allow_pickle=False: no code runs). The joblib
file is a pickle, which runs code when loaded (full=True, or a model without a scorer): load only
models from a source you trust. Loading checks the files' sha256 and the scikit-learn version
against the manifest first.
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


def save_model(model: FraudModel, directory: str, extra: dict[str, Any]) -> dict[str, Any]:
    """Write the model and its manifest to `directory`; return the manifest."""
    import joblib

    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, MODEL_FILE)
    joblib.dump(model.estimator, path, compress=3)
    scorer = {}
    if model.scorer is not None:
        scorer_path = os.path.join(directory, SCORER_FILE)
        scorer = {"scorer": {"file": SCORER_FILE, **model.scorer.save(scorer_path),
                             "sha256": sha256_file(scorer_path)}}
    elif os.path.exists(os.path.join(directory, SCORER_FILE)):
        os.remove(os.path.join(directory, SCORER_FILE))  # a scorer of an older model
    manifest = {
        "format_version": FORMAT_VERSION,
        "labels": model.labels,
        "thresholds": model.thresholds,
        **({"evidence_cues": model.cues} if model.cues else {}),
        "model_file": MODEL_FILE,
        "model_sha256": sha256_file(path),
        **scorer,
        "libraries": library_versions(),
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        **extra,
    }
    with open(os.path.join(directory, MANIFEST_FILE), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)
        f.write("\n")
    model.manifest = manifest
    return manifest


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


def check_model(directory: str) -> dict[str, Any]:
    """The manifest of the model in `directory`, once the model file matches it."""
    manifest = read_manifest(directory)
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
    return manifest


def load_model(directory: str, full: bool = False) -> FraudModel:
    """The model in `directory`, after checking it against its manifest.

    A model with a numpy scorer loads just that, unless `full`: the scikit-learn estimator (for
    research, or a model without a scorer) costs a second of imports.
    """
    from pipeline.model.scoring import FraudModel, LinearScorer

    manifest = check_model(directory)
    labels, thresholds = list(manifest["labels"]), dict(manifest["thresholds"])
    scorer = manifest.get("scorer")
    if scorer and not full:
        path = os.path.join(directory, scorer.get("file", SCORER_FILE))
        return FraudModel(labels, thresholds, manifest, scorer=LinearScorer.load(path, scorer))
    import joblib

    estimator = joblib.load(os.path.join(directory, manifest.get("model_file", MODEL_FILE)))
    return FraudModel(labels, thresholds, manifest, estimator=estimator)
