"""fraudtag: tag fraud-warning texts by fraud type and extract the measures they report.

    from pipeline import Pipeline, load_model, read_documents
    pipeline = Pipeline(load_model("models/default"))
    for doc in pipeline.run(list(read_documents(["report.docx"]))):
        print(doc.to_record())

Nothing heavy happens at import: the segmenter and the model load when you build them.
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
    "__version__",
    "load_model",
    "read_documents",
]


def __getattr__(name: str):
    if name == "Pipeline":
        from pipeline.engine.stages import Pipeline
        return Pipeline
    if name == "load_model":
        from pipeline.model.store import load_model
        return load_model
    if name == "read_documents":
        from pipeline.ingest.readers import read_documents
        return read_documents
    raise AttributeError(name)
