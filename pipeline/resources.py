"""Where fraudtag's own files are: the package's data folder and, in a source checkout, the
repository beside the package (corpora/, models/)."""

import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(PACKAGE_DIR, "data")
REPO_DIR = os.path.dirname(PACKAGE_DIR)


def shipped_model_dir() -> str:
    """The model shipped with fraudtag: inside the installed package, or models/default of a
    source checkout (where `python train.py` writes it)."""
    installed = os.path.join(PACKAGE_DIR, "models", "default")
    return installed if os.path.isdir(installed) else os.path.join(REPO_DIR, "models", "default")


def model_dir(setting: str = "") -> str:
    """The model directory a `model` setting names (empty: the shipped model)."""
    return setting or shipped_model_dir()
