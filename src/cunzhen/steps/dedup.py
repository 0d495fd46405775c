"""Near-duplicate detection with MinHash LSH (datasketch), meant to run *after* restoration.

Site farms publish one article many times, each copy spun differently. Spinning changes a character every
few characters, so the character n-grams two copies share, and with them MinHash similarity, collapse;
restoration gives the copies back their common wording, and they meet again. Run restore (or clean), then
this step.

Documents are compared by character 5-gram shingles of their text with whitespace removed (Chinese has no
word boundaries to shingle on). The index is streaming: each record is checked against every record seen
before it, then added, so the first copy is kept as the original and later copies point to it.

The step is stateful and sees the whole stream in one process: it is not a per-shard step for the
parallel runners (a copy in shard 9 must find its original in shard 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# Defaults. Shingle size 5 spans a Chinese word or two (words are 1-4 characters); 128 permutations
# estimate a Jaccard similarity within about ±0.04. The threshold 0.8 is the usual near-duplicate setting of
# pretraining pipelines, not fitted to our benchmark: on the tune split, different articles score below 0.05,
# restored copies of one article 0.96-1.0, differently spun copies 0.7-0.9 (bench/bench_scale.py reports
# pairs found at 0.7, 0.8 and 0.9).
SHINGLE = 5
NUM_PERM = 128
THRESHOLD = 0.8
SEED = 1


@dataclass(frozen=True)
class Match:
    key: str  # the earlier document this one duplicates
    similarity: float  # MinHash estimate of the Jaccard similarity of their shingle sets


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Character ``size``-grams of ``text`` without whitespace; a text shorter than that is one shingle."""
    compact = "".join(text.split())
    if len(compact) <= size:
        return {compact.encode("utf-8", "surrogatepass")} if compact else set()
    return {compact[i : i + size].encode("utf-8", "surrogatepass") for i in range(len(compact) - size + 1)}


class NearDuplicateIndex:
    """A streaming MinHash LSH index: ``check_and_add`` says which earlier document a text duplicates."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM, shingle: int = SHINGLE):
        from datasketch import MinHash, MinHashLSH

        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._signatures: dict[str, object] = {}
        # An empty sketch copied for every document: its permutations are drawn once, not per document.
        self._empty = MinHash(num_perm=num_perm, seed=SEED)

    def signature(self, text: str):
        minhash = self._empty.copy()
        minhash.update_batch(list(shingles(text, self.shingle)))
        return minhash

    def matches(self, text: str) -> list[Match]:
        """Earlier documents whose estimated similarity to ``text`` reaches the threshold, best first."""
        signature = self.signature(text)
        return self._verified(signature)

    def _verified(self, signature) -> list[Match]:
        found = []
        for key in self._lsh.query(signature):
            similarity = signature.jaccard(self._signatures[key])
            if similarity >= self.threshold:  # LSH bands let some pairs below the threshold through
                found.append(Match(key, similarity))
        return sorted(found, key=lambda m: (-m.similarity, m.key))

    def add(self, key: str, text: str) -> list[Match]:
        """Index ``text`` under ``key``; returns every earlier document it matches, best first."""
        if key in self._signatures:
            raise ValueError(f"duplicate key {key!r}: every document needs its own id")
        signature = self.signature(text)
        found = self._verified(signature)
        self._lsh.insert(key, signature)
        self._signatures[key] = signature
        return found

    def check_and_add(self, key: str, text: str) -> Match | None:
        """The best earlier match of ``text`` (or None), after which ``text`` is indexed under ``key``."""
        found = self.add(key, text)
        return found[0] if found else None

    def __len__(self) -> int:
        return len(self._signatures)


def dedup_record(record: dict, index: NearDuplicateIndex, key: str) -> dict:
    """The record with ``cunzhen.duplicate_of`` (the earlier copy's key, or None) and its similarity.

    Records without a string ``text`` (or that already carry an ``error``) pass through unchanged.
    """
    text = record.get("text")
    if "error" in record or not isinstance(text, str):
        return record
    match = index.check_and_add(key, text)
    meta = dict(record.get("cunzhen") or {})
    meta["duplicate_of"] = match.key if match else None
    meta["duplicate_similarity"] = round(match.similarity, 4) if match else None
    return {**record, "cunzhen": meta}


def duplicate_pairs(
    texts: Iterable[tuple[str, str]], index: NearDuplicateIndex | None = None
) -> Iterator[tuple[str, str, float]]:
    """For benchmarks and audits: every (earlier key, later key, similarity) at or above the threshold."""
    index = NearDuplicateIndex() if index is None else index  # an empty index is falsy (len 0)
    for key, text in texts:
        for match in index.add(key, text):
            yield match.key, key, match.similarity
