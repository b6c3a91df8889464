"""What a monitor sees: each record in its repost cluster, and alerts that fire once per new
cluster and again as it grows, not once per repost.

An alert rule is LABEL:SCORE (`--alert telecom:0.8`). A cluster raises its first alert with the
first of its posts whose LABEL score reaches SCORE, and again when it reaches each size in
`GROWTH` (10, 100, 1,000, ...). The alert carries what a person needs to act on it: the reason,
the labels that matched, the kind, the cluster, its size and the cluster's text cut to a length.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pipeline.cluster.reposts import GROWTH, RepostClusters


class Monitor:
    """Adds `cluster` and `cluster_size` to records, and `alert` where one fires."""

    def __init__(self, alerts: dict[str, float] | None = None,
                 clusters: RepostClusters | None = None) -> None:
        self.alerts = alerts or {}
        self.clusters = clusters or RepostClusters()
        self._alerted: dict[str, list[str]] = {}  # cluster id: the labels of its first alert

    def observe(self, record: dict[str, Any], signature: np.ndarray | bytes, text: str = ""
                ) -> dict[str, Any]:
        """`record` (of the text `text`) with its cluster, and an alert when one fires; an error
        record as it is."""
        if "error" in record:
            return record
        if isinstance(signature, bytes):
            signature = np.frombuffer(signature, dtype=np.uint32)
        cluster = self.clusters.add(signature, seen=str(record["id"]),
                                    text=text, labels=record["labels"],
                                    kind=record.get("kind"))
        record["cluster"], record["cluster_size"] = cluster.id, cluster.size
        reason = self._reason(record, cluster.id, cluster.size)
        if reason:
            record["alert"] = {"reason": reason, "labels": self._alerted[cluster.id],
                               "kind": record.get("kind"), "cluster": cluster.id,
                               "size": cluster.size, "text": cluster.text}
        self._forget_gone()
        return record

    def _reason(self, record: dict[str, Any], cluster_id: str, size: int) -> str | None:
        if cluster_id in self._alerted:
            return f"grew to {size}" if size in GROWTH else None
        matched = [label for label, cut in self.alerts.items()
                   if record["scores"].get(label, 0.0) >= cut]
        if not matched:
            return None
        self._alerted[cluster_id] = matched
        return "new"

    def _forget_gone(self) -> None:
        """Alert state of clusters the window has forgotten goes with them (bounded memory)."""
        if len(self._alerted) > 2 * len(self.clusters.clusters) + 1000:
            self._alerted = {k: v for k, v in self._alerted.items()
                             if k in self.clusters.clusters}
