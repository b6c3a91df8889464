"""fraudtag: tag fraud-warning texts by fraud type and extract the measures they report.

    import pipeline
    tagger = pipeline.load()                  # the shipped model (or a model folder)
    record = tagger("冒充客服退款诈骗")          # labels, scores, measures: the output contract
    records = list(tagger.pipe(texts, batch_size=64, n_process=2))
    metrics = pipeline.train("mine.jsonl", "models/mine", seed=0)

Nothing heavy happens at import: the segmenter and the model load when you call load().
"""

from pipeline.document import Document
from pipeline.errors import CorpusError, FraudtagError, InputError, ModelError

__version__ = "0.1.0"
__all__ = [
    "CorpusError",
    "Document",
    "FraudtagError",
    "InputError",
    "ModelError",
    "Pipeline",
    "Tagger",
    "__version__",
    "load",
    "load_model",
    "read_documents",
    "train",
]

_LAZY = {  # name: module that defines it, imported on first use
    "load": "pipeline.api",
    "train": "pipeline.api",
    "Tagger": "pipeline.api",
    "Pipeline": "pipeline.engine.stages",
    "load_model": "pipeline.model.store",
    "read_documents": "pipeline.ingest.readers",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
