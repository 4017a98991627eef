"""Small helpers the stages share: batching texts by characters, and dict lookups for numpy keys."""

from __future__ import annotations

from itertools import repeat
from typing import Iterator

import numpy as np


def char_batches(texts: list[str], budget: int) -> Iterator[list[str]]:
    """TEXTS in order, in batches of at most BUDGET characters (or one text)."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and size + len(text) > budget:
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def lookup(table: dict[int, int], keys: np.ndarray, missing: int) -> np.ndarray:
    """table[key] for every key (missing where absent). A dict beats np.searchsorted here: a text
    asks for a few hundred keys, each a chain of cache misses in a sorted array."""
    found = map(table.get, keys.ravel().tolist(), repeat(missing))
    return np.fromiter(found, dtype=np.int64, count=keys.size).reshape(keys.shape)
