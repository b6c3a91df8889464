"""Where fraudtag's own files are: the package's data folder and, in a source checkout, the
repository beside the package (corpora/, models/)."""

import os

PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
DATA_DIR = os.path.join(PACKAGE_DIR, "data")
REPO_DIR = os.path.dirname(PACKAGE_DIR)
