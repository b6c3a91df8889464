"""The public Python API: `load()` a model into a Tagger, tag texts with it, `train()` a model.

    import pipeline
    tagger = pipeline.load()                      # the shipped model, or load("models/mine")
    tagger("冒充客服退款诈骗")                       # one record of the output contract
    for record in tagger.pipe(texts, batch_size=64, n_process=2):
        ...
    metrics = pipeline.train("mine.jsonl", "models/mine", seed=0)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from itertools import count
from typing import Any

from pipeline.document import Document
from pipeline.engine.stages import Pipeline
from pipeline.engine.workers import PipelineSpec, batches, run_batches
from pipeline.errors import InputError
from pipeline.model.scoring import FraudModel
from pipeline.model.store import load_model
from pipeline.resources import model_dir
from pipeline.settings import DEFAULT_SEGMENTER, resolve

Text = str | Mapping[str, Any]


class Tagger:
    """Tags texts by fraud type and extracts their measures; each result is a dict in the output
    contract (id, source, lang, labels, scores, measures, summary, warnings)."""

    def __init__(self, model: FraudModel, directory: str, *, segmenter: str = DEFAULT_SEGMENTER,
                 explain: bool = False, measures: bool = True) -> None:
        self.model = model
        self.spec = PipelineSpec(directory, segmenter, explain, measures)
        self.pipeline = Pipeline(model, segmenter=segmenter, measures=measures, explain=explain)

    @property
    def labels(self) -> list[str]:
        return list(self.model.labels)

    def __call__(self, text: Text, *, id: str = "0") -> dict[str, Any]:
        """The record of one text (a string, or a mapping with `text` and optional `id`)."""
        return self.pipeline.run([_document(text, id)])[0].to_record()

    def pipe(self, texts: Iterable[Text], *, batch_size: int = 64,
             n_process: int = 1) -> Iterator[dict[str, Any]]:
        """Records of `texts`, in order, tagged `batch_size` at a time. With `n_process` > 1,
        worker processes each load the model once; call it under `if __name__ ==
        "__main__":` in a script, as multiprocessing requires."""
        if batch_size < 1 or n_process < 1:
            raise ValueError("batch_size and n_process must be at least 1")
        docs = (_document(text, str(n)) for n, text in zip(count(), texts))
        if n_process == 1:
            for batch in batches(docs, batch_size):
                yield from (doc.to_record() for doc in self.pipeline.run(batch))
            return
        from pipeline.output.writers import loads

        for results in run_batches(docs, self.spec, n_process, batch_size,
                                   make_local=lambda: self.pipeline):
            yield from (loads(result.line) for result in results)


def _document(text: Text, id: str) -> Document:
    if isinstance(text, str):
        return Document(id, "text", text)
    if isinstance(text, Mapping) and isinstance(text.get("text"), str):
        meta = {k: v for k, v in text.items() if k not in ("id", "text")}
        return Document(str(text.get("id", id)), "text", text["text"], meta=meta)
    raise InputError(f"item {id}: give a string or a mapping with a 'text' string, "
                     f"not {type(text).__name__}")


def load(model: str | os.PathLike | None = None, *, segmenter: str | None = None,
         explain: bool = False, measures: bool = True) -> Tagger:
    """A Tagger for the model in the folder `model` (default: FRAUDTAG_MODEL, else the model
    shipped with fraudtag). The model is checked against its manifest first; models are code
    when loaded in full, so load only models from a source you trust."""
    settings = resolve({"model": os.fspath(model) if model is not None else None,
                        "segmenter": segmenter})
    directory = model_dir(settings["model"])
    return Tagger(load_model(directory), directory, segmenter=settings["segmenter"],
                  explain=explain, measures=measures)


def train(corpus: str | Iterable[str] | None, out_dir: str | os.PathLike, **options: Any
          ) -> dict[str, Any]:
    """Train a model on `corpus` (JSONL or CSV/TSV files or folders; None: our corpora/), save
    it in `out_dir`, and return its metrics. Options: seed, variant, cv, min_df, segmenter,
    text_field, label_field, label_sep, real_dev, progress (see pipeline.training.train)."""
    from pipeline.training.train import train as train_model

    paths = corpus if corpus is None or isinstance(corpus, str) else list(corpus)
    return train_model(paths, os.fspath(out_dir), **options)
