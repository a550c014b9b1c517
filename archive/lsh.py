"""A compact LSH index of MinHash signatures, for an archive of millions of reports.

datasketch's ``MinHashLSH`` keeps a Python set per bucket and a bytes key per band: about 6 KB a
report at our parameters, too much for 2 million reports. This index keeps the same banding in
numpy: the signatures as one uint32 matrix, the band keys of everything indexed in one sorted
uint64 array (searched for all bands of a query at once), and the keys added since the last merge
in a small dict. Merges are geometric, so indexing N reports costs O(N log N) in all.

Reports are indexed in blocks (the archive uses the report's year, the first guard: two reports
of different years are never one report), mixed into the band keys, so a query probes only its
own block and the block of reports that name no year. At national scale this keeps a query's
candidates to one year's reports. Candidates are ranked by how many bands they share before
their similarity is computed, and only the best ``VERIFY`` are verified, so the cost of a query
stays bounded however many template-like reports collide in a band or two.

A query returns the indexed reports whose estimated Jaccard similarity reaches the threshold,
most similar first; the archive's guards decide which of them is the same report.
"""

from __future__ import annotations

import numpy

ROWS = 3  # rows per band: 42 bands of 3 of the 128 permutations; a pair at Jaccard 0.4 collides in
# some band with probability 1 - (1 - 0.4**3)**42 = 0.94, at 0.5 with 0.996
_MIX = numpy.uint64(0x9E3779B97F4A7C15)
_BLOCK_MIX = numpy.uint64(0xC2B2AE3D27D4EB4F)
NO_BLOCK = 0  # reports that name no year
VERIFY = 256  # candidates whose similarity is computed, by most bands shared
_MERGE_AT = 200_000  # pending band keys that force a merge (more, when the index is large)


class BandIndex:
    def __init__(self, num_perm: int, threshold: float) -> None:
        self.num_perm = num_perm
        self.threshold = threshold
        self.bands = num_perm // ROWS
        self._sigs = numpy.zeros((1024, num_perm), dtype=numpy.uint32)
        self._ids = numpy.full(1024, -1, dtype=numpy.int64)  # -1: removed
        self._row: dict[int, int] = {}  # report id -> its row
        self._n = 0
        self._keys = numpy.zeros(0, dtype=numpy.uint64)  # merged band keys, sorted
        self._rows = numpy.zeros(0, dtype=numpy.int32)  # the row of each merged key
        self._pending: dict[int, list[int]] = {}  # band key -> rows, not merged yet
        self._pending_count = 0
        self._merged_upto = 0
        self._block = numpy.zeros(1024, dtype=numpy.int64)  # each row's block
        self.blocks: set[int] = set()

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, report_id: int) -> bool:
        return report_id in self._row

    def band_keys(self, signature: numpy.ndarray, block: numpy.ndarray | int = NO_BLOCK) -> numpy.ndarray:
        """One uint64 key per band (the band's number and the block mixed in, so bands and blocks
        never share keys)."""
        values = signature[..., : self.bands * ROWS].astype(numpy.uint64)
        values = values.reshape((*signature.shape[:-1], self.bands, ROWS))
        keys = numpy.zeros(values.shape[:-1], dtype=numpy.uint64)
        for k in range(ROWS):
            keys = keys * numpy.uint64(0x100000001B3) + values[..., k]
        keys ^= numpy.arange(self.bands, dtype=numpy.uint64) * _MIX
        block = numpy.asarray(block, dtype=numpy.int64).astype(numpy.uint64) * _BLOCK_MIX
        return keys ^ (block[..., None] if block.ndim else block)

    def add(self, report_id: int, signature: numpy.ndarray, block: int = NO_BLOCK) -> None:
        """Index a report's signature in a block (replacing what it had)."""
        self.remove(report_id)
        if self._n == len(self._ids):
            self._grow()
        row = self._n
        self._sigs[row] = signature
        self._ids[row] = report_id
        self._block[row] = block
        self.blocks.add(block)
        self._row[report_id] = row
        self._n += 1
        for key in self.band_keys(signature, block).tolist():
            self._pending.setdefault(key, []).append(row)
        self._pending_count += self.bands
        if self._pending_count > max(_MERGE_AT, len(self._keys) // 4):
            self._merge()

    def add_many(self, report_ids: list[int], signatures: numpy.ndarray, blocks: list[int] | None = None) -> None:
        """Index many reports at once (building the index from the database): one merge."""
        for report_id in report_ids:
            self.remove(report_id)
        while self._n + len(report_ids) > len(self._ids):
            self._grow()
        start = self._n
        self._sigs[start:start + len(report_ids)] = signatures
        self._ids[start:start + len(report_ids)] = report_ids
        self._block[start:start + len(report_ids)] = blocks if blocks is not None else NO_BLOCK
        self.blocks.update(blocks if blocks is not None else [NO_BLOCK])
        self._row.update(zip(report_ids, range(start, start + len(report_ids)), strict=True))
        self._n += len(report_ids)
        self._merge()

    def remove(self, report_id: int) -> None:
        row = self._row.pop(report_id, None)
        if row is not None:
            self._ids[row] = -1  # its keys stay; queries skip the row

    def query(self, signature: numpy.ndarray, block: int | None = None) -> list[tuple[int, float]]:
        """(report id, estimated Jaccard) of indexed reports at or above the threshold, best first:
        in ``block`` and in the no-block block, or everywhere when ``block`` is None."""
        if block is None or block == NO_BLOCK:
            probe = sorted(self.blocks)
        else:
            probe = [block, NO_BLOCK] if NO_BLOCK in self.blocks else [block]
        keys = self.band_keys(signature, numpy.asarray(probe)).ravel()
        found: list[numpy.ndarray] = []
        if len(self._keys):
            left = numpy.searchsorted(self._keys, keys, side="left")
            counts = numpy.searchsorted(self._keys, keys, side="right") - left
            hit = counts > 0
            if hit.any():  # every matching position of every band, gathered without a Python loop
                left, counts = left[hit], counts[hit]
                total = int(counts.sum())
                starts = numpy.repeat(left - (numpy.cumsum(counts) - counts), counts)
                found.append(self._rows[starts + numpy.arange(total)])
        pending: list[int] = []
        for key in keys.tolist():
            pending += self._pending.get(key, ())
        if pending:
            found.append(numpy.asarray(pending, dtype=numpy.int32))
        if not found:
            return []
        rows, shared = numpy.unique(numpy.concatenate(found), return_counts=True)
        live = self._ids[rows] >= 0
        rows, shared = rows[live], shared[live]
        if len(rows) > VERIFY:  # the most bands shared first: a near copy shares several
            rows = rows[numpy.argsort(-shared, kind="stable")[:VERIFY]]
        agree = (self._sigs[rows] == signature[None, :]).sum(axis=1)
        keep = agree >= self.threshold * self.num_perm
        rows, agree = rows[keep], agree[keep]
        order = numpy.argsort(-agree, kind="stable")
        ids = self._ids[rows[order]].tolist()
        return list(zip(ids, (agree[order] / self.num_perm).tolist(), strict=True))

    def _grow(self) -> None:
        size = len(self._ids) * 2
        sigs = numpy.zeros((size, self.num_perm), dtype=numpy.uint32)
        sigs[: self._n] = self._sigs[: self._n]
        ids = numpy.full(size, -1, dtype=numpy.int64)
        ids[: self._n] = self._ids[: self._n]
        block = numpy.zeros(size, dtype=numpy.int64)
        block[: self._n] = self._block[: self._n]
        self._sigs, self._ids, self._block = sigs, ids, block

    def _merge(self) -> None:
        """Move the pending keys into the sorted arrays."""
        start, stop = self._merged_upto, self._n
        if stop > start:
            new_keys = numpy.concatenate([
                self.band_keys(self._sigs[at:min(at + 65536, stop)], self._block[at:min(at + 65536, stop)]).ravel()
                for at in range(start, stop, 65536)])
            new_rows = numpy.repeat(numpy.arange(start, stop, dtype=numpy.int32), self.bands)
            keys = numpy.concatenate([self._keys, new_keys])
            order = numpy.argsort(keys, kind="stable")
            self._keys = keys[order]
            self._rows = numpy.concatenate([self._rows, new_rows])[order]
        self._merged_upto = stop
        self._pending.clear()
        self._pending_count = 0
