import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARCHIVE = os.path.join(ROOT, "tests", "data", "archive")
sys.path.insert(0, ROOT)


def fresh_python(*lines: str) -> str:
    """What `lines` of Python print, run in a new interpreter in the project folder: for what
    a process imports or sets up once (modules loaded, collector settings)."""
    result = subprocess.run([sys.executable, "-c", "\n".join(lines)], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="session")
def tokenizer():
    from pipeline.text.tokens import Tokenizer

    return Tokenizer("rjieba")


@pytest.fixture(scope="session")
def shipped_model():
    from pipeline.model.store import load_model

    return load_model(os.path.join(ROOT, "models", "default"), full=True)
