import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHIVE = os.path.join(ROOT, "tests", "data", "archive")
sys.path.insert(0, ROOT)


@pytest.fixture(scope="session")
def tokenizer():
    from pipeline.tokenize import Tokenizer

    return Tokenizer("rjieba")


@pytest.fixture(scope="session")
def shipped_model():
    from pipeline.model_store import load_model

    return load_model(os.path.join(ROOT, "models", "default"), full=True)
