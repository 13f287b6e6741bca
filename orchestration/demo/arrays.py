"""Vector helpers: exact allocations, ragged expansion, string columns and record ids."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ABSENT = -1  # an int64 time or index that does not exist


def exact_codes(rng: np.random.Generator, counts: Sequence[int]) -> np.ndarray:
    """Codes 0..k-1, code i exactly counts[i] times, in random order.

    Exact counts (not Bernoulli draws) keep the observed rates on the knobs even for a few
    thousand leads.
    """
    codes = np.repeat(np.arange(len(counts), dtype=np.int8), np.asarray(counts, dtype=np.int64))
    return rng.permutation(codes)


def choice(rng: np.random.Generator, n: int, weights: Sequence[float]) -> np.ndarray:
    """n draws of indices into `weights` (normalised)."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.choice(len(p), size=n, p=p / p.sum()).astype(np.int16)


def exact_subset(rng: np.random.Generator, mask: np.ndarray, share: float) -> np.ndarray:
    """A boolean mask picking round(share * count) of the rows where `mask` is set."""
    rows = np.flatnonzero(mask)
    picked = np.zeros(mask.shape, dtype=bool)
    picked[rng.permutation(rows)[: round(share * rows.size)]] = True
    return picked


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ragged children: the parent row of each child and the child's rank within it."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return parent, np.arange(parent.size) - starts[parent]


def between(rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Uniform int64 in [low, high), or low where the interval is empty."""
    low = np.asarray(low, dtype=np.int64)
    span = np.maximum(np.asarray(high, dtype=np.int64) - low, 1)
    return low + (rng.random(np.broadcast(low, span).shape) * span).astype(np.int64)


def strings(pool: Sequence[str], index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """pool[index] as an Arrow string column; null where `valid` is False."""
    taken = pa.array(pool, type=pa.string()).take(pa.array(np.asarray(index, dtype=np.int64)))
    if valid is None:
        return taken
    return pc.if_else(pa.array(valid), taken, pa.scalar(None, pa.string()))


def join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def numbers(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())


def scatter(base: pa.Array, rows: np.ndarray, values: pa.Array) -> pa.Array:
    """`base` with rows[i] replaced by values[i]: build the few changed values only."""
    index = np.arange(len(base))
    index[rows] = len(base) + np.arange(rows.size)
    return pa.concat_arrays([base, values.cast(base.type)]).take(pa.array(index))


def masked(values: pa.Array, valid: np.ndarray) -> pa.Array:
    return pc.if_else(pa.array(valid), values, pa.scalar(None, values.type))


class IdAllocator:
    """Sequential record ids per key prefix, continued across chunks.

    Salesforce-like: 3-character key prefix + 15 digits = 18 characters (`00Q000000000001234`).
    """

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, prefix: str, n: int) -> pa.Array:
        digits = pc.utf8_lpad(numbers(self.numbers(prefix, n)), 18 - len(prefix), "0")
        return join(prefix, digits)

    def numbers(self, prefix: str, n: int) -> np.ndarray:
        """Reserve n consecutive integers under `prefix` and return them."""
        start = self._next.get(prefix, 1)
        self._next[prefix] = start + n
        return np.arange(start, start + n, dtype=np.int64)
