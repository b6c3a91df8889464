"""A progress bar on stderr for batches: files, documents, MB/s and ETA (tqdm)."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator

from pipeline.document import Document
from pipeline.ingest.readers import expand


class Progress:
    def __init__(self, inputs: list[str], enabled: bool) -> None:
        self.bar = None
        if not enabled:
            return
        from tqdm import tqdm

        total = sum(_size(path) for item in inputs if item != "-"
                    for path, _ in expand(item) if path)
        self.bar = tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr,
                        desc="classifying", dynamic_ncols=True)
        self.files: set[str] = set()
        self.documents = 0

    def track(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            if self.bar is not None:
                self.documents += 1
                self.files.add(doc.source)
                # decoded text re-encoded as UTF-8: close to the bytes read for most files
                self.bar.update(len(doc.text.encode("utf-8", "replace")))
                self.bar.set_postfix(files=len(self.files), docs=self.documents, refresh=False)
            yield doc

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _size(path: str) -> int:
    """Bytes of a regular file; 0 for what the reader will report (a broken symlink, a FIFO)."""
    try:
        info = os.stat(path)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0
