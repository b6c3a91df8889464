"""Repost clusters: each text joins the cluster of its nearest earlier near-duplicate, in arrival
order, or starts one.

Near-duplicates are found by locality-sensitive hashing of MinHash signatures (`BANDS` bands of
`ROWS` values: texts whose 3-gram sets have a Jaccard similarity of 0.4 share a band with
probability 0.88, of 0.5 with 0.99) and confirmed when the signatures agree in at least
`threshold` of their places (0.4: on `python -m pipeline.training.cluster_eval`, 0.4 to 0.5 keep
pair precision over 0.999, and 0.4 gives the best recall). A repost whose reduced text is the
same as an earlier one's is matched at once and stored no further.

Memory is bounded by `window`: the index holds the signatures of the `window` most recent
distinct variants, each about 3 KB. When a variant leaves the window, it can no longer be matched;
a cluster none of whose variants is left is forgotten, and a later repost of it starts a new
cluster. Cluster ids are the first member's signature hashed, so the same stream gives the same
ids in every run.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.cluster.minhash import PERMUTATIONS

BANDS, ROWS = 32, 3
assert BANDS * ROWS <= PERMUTATIONS
GROWTH = (10, 100, 1000, 10_000, 100_000)  # sizes at which a cluster is reported again
_ROW_WEIGHTS = np.array([1_000_003 ** k for k in range(ROWS)], dtype=np.uint64)
_KEEP_BELOW = 0.95  # a near-duplicate this similar to its match adds nothing to the index


def band_keys(sig: np.ndarray) -> np.ndarray:
    """One key per LSH band (BANDS uint64 values): the band's ROWS values hashed together."""
    rows = sig[:BANDS * ROWS].reshape(BANDS, ROWS).astype(np.uint64)
    return rows @ _ROW_WEIGHTS


def cluster_id(sig: np.ndarray) -> str:
    """The id of a cluster whose representative (first member) has the signature `sig`."""
    return "c" + hashlib.sha1(sig.tobytes()).hexdigest()[:12]


@dataclass
class Cluster:
    id: str
    text: str  # the first member's, cut to a length: what the cluster says
    first_seen: str
    last_seen: str = ""
    size: int = 0
    labels: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    variants: int = 0  # members of this cluster in the window

    def to_record(self) -> dict[str, Any]:
        return {"cluster": self.id, "size": self.size, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "labels": dict(self.labels.most_common()),
                "kind": self.kinds.most_common(1)[0][0] if self.kinds else None,
                "text": self.text}


class RepostClusters:
    """Assigns texts, by their MinHash signatures, to clusters of near-duplicates."""

    def __init__(self, threshold: float = 0.4, window: int = 10_000, text_chars: int = 200
                 ) -> None:
        if not 0 < threshold <= 1 or window < 1:
            raise ValueError("threshold must be in (0, 1] and window at least 1")
        self.threshold, self.window, self.text_chars = threshold, window, text_chars
        self.clusters: dict[str, Cluster] = {}
        self._bands: list[dict[int, list[int]]] = [{} for _ in range(BANDS)]
        self._exact: dict[bytes, int] = {}
        self._members: dict[int, tuple[str, np.ndarray]] = {}  # slot: cluster id, signature
        self._order: deque[int] = deque()
        self._next_slot = 0

    def add(self, sig: np.ndarray, *, seen: str, text: str = "", labels: list[str] = (),
            kind: str | None = None) -> Cluster:
        """The cluster of the text with signature `sig`, after counting it in."""
        key = sig.tobytes()
        slot = self._exact.get(key)
        if slot is not None:
            cluster = self.clusters[self._members[slot][0]]
        else:
            match, similarity = self._nearest(sig)
            if match is None:
                new_id = cluster_id(sig)
                cluster = self.clusters.setdefault(new_id, Cluster(
                    new_id, " ".join(text.split())[:self.text_chars], seen))
            else:
                cluster = self.clusters[match]
            if similarity < _KEEP_BELOW:
                self._store(key, sig, cluster)
        cluster.size += 1
        cluster.last_seen = seen
        cluster.labels.update(labels)
        if kind:
            cluster.kinds[kind] += 1
        return cluster

    def top(self, n: int = 20) -> list[Cluster]:
        """The `n` largest clusters still in the window, largest first."""
        return sorted(self.clusters.values(), key=lambda c: (-c.size, c.first_seen))[:n]

    @staticmethod
    def _bands_of(sig: np.ndarray) -> list[int]:
        return band_keys(sig).tolist()

    def _nearest(self, sig: np.ndarray) -> tuple[str | None, float]:
        candidates = {slot for band, key in zip(self._bands, self._bands_of(sig))
                      for slot in band.get(key, ())}
        if not candidates:
            return None, 0.0
        slots = list(candidates)
        agree = (np.stack([self._members[s][1] for s in slots]) == sig).mean(axis=1)
        best = int(np.argmax(agree))
        if agree[best] < self.threshold:
            return None, float(agree[best])
        return self._members[slots[best]][0], float(agree[best])

    def _store(self, key: bytes, sig: np.ndarray, cluster: Cluster) -> None:
        slot = self._next_slot
        self._next_slot += 1
        self._members[slot] = (cluster.id, sig)
        self._exact[key] = slot
        for band, band_key in zip(self._bands, self._bands_of(sig)):
            band.setdefault(band_key, []).append(slot)
        self._order.append(slot)
        cluster.variants += 1
        if len(self._order) > self.window:
            self._forget(self._order.popleft())

    def _forget(self, slot: int) -> None:
        cluster_id, sig = self._members.pop(slot)
        self._exact.pop(sig.tobytes(), None)
        for band, band_key in zip(self._bands, self._bands_of(sig)):
            slots = band[band_key]
            slots.remove(slot)
            if not slots:
                del band[band_key]
        cluster = self.clusters[cluster_id]
        cluster.variants -= 1
        if cluster.variants == 0:
            del self.clusters[cluster_id]
