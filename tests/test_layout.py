"""The folder tree is the architecture: each subpackage imports only from the layers below it."""

import ast
import os
import pathlib

import pytest
from conftest import ROOT, fresh_python

# Lowest first. A module may import its own subpackage and any lower layer; two subpackages of
# one layer stay independent of each other. pipeline/__init__.py is the lazy facade over all.
LAYERS = [
    {"errors"},
    {"document", "resources", "settings"},
    {"lang"},
    {"text"},
    {"ingest", "extract", "model", "cluster"},
    {"output"},
    {"engine"},
    {"training"},
    {"api"},
    {"app"},
]
LAYER_OF = {part: level for level, parts in enumerate(LAYERS) for part in parts}


def _modules():
    package = os.path.join(ROOT, "pipeline")
    for folder, _, files in os.walk(package):
        for name in files:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, package)
            if name.endswith(".py") and relative != "__init__.py":
                yield relative.split(os.sep)[0].removesuffix(".py"), path


def _imported_parts(path: str) -> set[str]:
    """The first part below `pipeline` of everything `path` imports at run time, at any depth
    (imports for type checking only are left out)."""
    tree = ast.parse(pathlib.Path(path).read_text(encoding="utf-8"))
    typing_only = {id(inner) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
                   for inner in ast.walk(node)}
    parts = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            if name.startswith("pipeline."):
                parts.add(name.split(".")[1])
        assert not (isinstance(node, ast.ImportFrom) and node.level > 1), (
            f"{path}: import from pipeline.<subpackage> instead of a relative '..' import")
    return parts


def layer_violations() -> list[str]:
    found = []
    for part, path in _modules():
        assert part in LAYER_OF, f"pipeline/{part} is in no layer: add it to LAYERS"
        for imported in _imported_parts(path) - {part}:
            if LAYER_OF[imported] >= LAYER_OF[part]:
                found.append(f"{os.path.relpath(path, ROOT)} imports pipeline.{imported}")
    return found


def test_no_module_imports_its_own_layer_or_above():
    assert layer_violations() == []


def test_the_check_finds_an_upward_import(tmp_path, monkeypatch):
    # the check itself: a model module that imports training is reported
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from pipeline.training.classifier import binarize\n")
    assert _imported_parts(str(bad)) == {"training"}
    monkeypatch.setattr(f"{__name__}._modules", lambda: iter([("model", str(bad))]))
    assert layer_violations() == [f"{os.path.relpath(str(bad), ROOT)} imports pipeline.training"]


@pytest.mark.parametrize("part", sorted(LAYER_OF))
def test_every_subpackage_says_what_it_owns(part):
    path = os.path.join(ROOT, "pipeline", part)
    if os.path.isdir(path):
        doc = ast.get_docstring(ast.parse(pathlib.Path(path, "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc.splitlines()) <= 3


def test_scoring_needs_neither_scikit_learn_nor_scipy():
    loaded = fresh_python(
        "import sys",
        "from pipeline.model.store import load_model",
        "from pipeline.engine.stages import Pipeline",
        "from pipeline.document import Document",
        "model = load_model('models/default')",
        "doc = Pipeline(model).run([Document('a', 't', '冒充客服退款诈骗')])[0]",
        "assert doc.labels == ['telecom'], doc.labels",
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))",
    )
    assert loaded == "[]"


def test_every_subpackage_is_in_the_wheel():
    import tomllib

    config = tomllib.loads(pathlib.Path(ROOT, "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    # every folder of code or data, __pycache__ aside
    folders = {"pipeline." + os.path.relpath(folder, ROOT).split(os.sep, 1)[1].replace(os.sep, ".")
               for folder, _, files in os.walk(os.path.join(ROOT, "pipeline"))
               if files and folder != os.path.join(ROOT, "pipeline")
               and "__pycache__" not in folder}
    assert folders | {"pipeline", "pipeline.models", "pipeline.models.default"} == listed
