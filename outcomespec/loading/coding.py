"""Coding: values numbered densely, so that rows can be grouped and related by integers —
texts dictionary-encoded (by pyarrow's hash tables), integer keys factorised, rows ordered by
key.

Shared by loading (each text column's distinct texts, identifiers coded once per load,
duplicate keys found) and evaluation (group reductions and relating rows); it knows nothing
of datasets or plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["PACKED_LIMIT", "dictionary_codes", "factorize", "factorize_objects", "first_rows",
           "index_dtype", "sort_keys", "sorted_codes", "stable_order", "without_entries"]

Array = npt.NDArray[Any]
IntArray = npt.NDArray[np.int64]


# ------------------------------------------------------------------ texts


def index_dtype(n: int) -> np.dtype[np.signedinteger[Any]]:
    """The narrowest signed integer type that holds -1 and every index below `n`: how code,
    text and identifier columns are stored (a codelist of 40 codes needs one byte a row).

    >>> index_dtype(40), index_dtype(200), index_dtype(70_000)
    (dtype('int8'), dtype('int16'), dtype('int32'))
    """
    for kind in (np.int8, np.int16, np.int32):
        if n <= np.iinfo(kind).max:
            return np.dtype(kind)
    return np.dtype(np.int64)


def dictionary_codes(values: Any, *, unique: bool = False) -> tuple[npt.NDArray[np.int32], Any]:
    """Each value's index into one array of distinct values (a pyarrow array), -1 for null.

    `values` is a pyarrow array or chunked array, dictionary-encoded already (as pyarrow's
    CSV reader gives a column it is asked to encode: one dictionary per block, unified here)
    or not (encoded here). A dictionary that came with the data may repeat a value or hold
    a null: it is encoded again unless `unique` says it was made by pyarrow from the data.

    >>> indices, distinct = dictionary_codes(pa.array(["b", None, "a", "b"]))
    >>> indices.tolist(), distinct.to_pylist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    chunked = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    if pa.types.is_dictionary(chunked.type):
        if chunked.num_chunks > 1:
            chunked = chunked.unify_dictionaries()
        if not unique and chunked.num_chunks and not _distinct(chunked.chunk(0).dictionary):
            chunked = chunked.cast(chunked.type.value_type)
    if not pa.types.is_dictionary(chunked.type):
        chunked = pc.dictionary_encode(chunked)  # chunks share one dictionary
    if not chunked.num_chunks:
        return np.zeros(0, dtype=np.int32), pa.array([], type=chunked.type.value_type)
    dictionary = chunked.chunk(0).dictionary
    parts = [_indices(chunk.indices) for chunk in chunked.chunks]
    indices = parts[0] if len(parts) == 1 else np.concatenate(parts)
    return indices, dictionary


def without_entries(indices: npt.NDArray[Any], distinct: Any, drop: npt.NDArray[np.bool_]
                    ) -> tuple[npt.NDArray[np.int32], Any]:
    """The indices and distinct values with the entries `drop` marks taken out: rows that
    pointed to one point nowhere (-1), the others to the same value in the shorter array.

    >>> indices, distinct = without_entries(np.array([0, 1, 2, -1]), pa.array(["a", "", "b"]),
    ...                                     np.array([False, True, False]))
    >>> indices.tolist(), distinct.to_pylist()
    ([0, -1, 1, -1], ['a', 'b'])
    """
    if not drop.any():
        return np.asarray(indices, dtype=np.int32), distinct
    kept = ~drop
    renumbered = np.cumsum(kept, dtype=np.int32) - 1
    renumbered[drop] = -1
    lookup = np.append(renumbered, np.int32(-1))  # index -1 stays -1
    return lookup[indices], distinct.filter(pa.array(kept))


def _distinct(dictionary: Any) -> bool:
    """Whether a dictionary holds each value once, and no null."""
    return bool(dictionary.null_count == 0
                and pc.count_distinct(dictionary).as_py() == len(dictionary))


def _indices(indices: Any) -> npt.NDArray[np.int32]:
    """One chunk's indices as int32, -1 where null (a copy: the Arrow buffers can go)."""
    if indices.null_count:
        indices = indices.fill_null(-1)
    return np.array(indices.to_numpy(zero_copy_only=False), dtype=np.int32)


def factorize_objects(values: Sequence[Any]) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """Distinct Python values in order of appearance, and each value's index among them
    (unhashable values are compared as text): for columns of mixed Python objects.

    >>> factorize_objects([3, "x", 3, None])
    ([3, 'x', None], array([0, 1, 0, 2]))
    """
    try:
        lookup: dict[Any, int] = dict.fromkeys(values, 0)
    except TypeError:
        values = [str(v) for v in values]
        lookup = dict.fromkeys(values, 0)
    for index, key in enumerate(lookup):
        lookup[key] = index
    inverse = np.fromiter(map(lookup.__getitem__, values), dtype=np.intp, count=len(values))
    return list(lookup), inverse


# ------------------------------------------------------------------ integer codes
# Integers are grouped by one sort of (value, row) packed into a single int64, which NumPy
# sorts several times faster than it argsorts, or without sorting at all when the values
# span a small range.

PACKED_LIMIT = 1 << 62
"""Packed keys stay below this, so that sums and shifts of them cannot overflow an int64."""


def stable_order(keys: IntArray) -> IntArray:
    """The rows ordered by key, rows of equal key in row order (a stable argsort).

    >>> stable_order(np.array([3, 1, 3, -2])).tolist()
    [3, 1, 0, 2]
    """
    return sort_keys(keys)[0]


def sort_keys(keys: IntArray) -> tuple[IntArray, IntArray]:
    """`stable_order(keys)`, and the keys in that order."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    low = int(keys.min())
    bits = max(n - 1, 1).bit_length()
    if int(keys.max()) - low < 1 << 16:  # a radix sort: in time linear in the rows
        order = np.argsort((keys - np.int64(low)).astype(np.uint16), kind="stable").astype(
            np.int64)
        return order, keys[order]
    if (int(keys.max()) - low) < (PACKED_LIMIT >> bits):
        packed = keys - np.int64(low)  # new arrays are few: each costs its pages' first touch
        packed <<= bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        order = packed & ((1 << bits) - 1)
        packed >>= bits
        packed += low
        return order, packed
    order = np.argsort(keys, kind="stable").astype(np.int64)
    return order, keys[order]


def factorize(keys: IntArray) -> tuple[IntArray, int]:
    """Dense codes 0, 1, … of int64 keys, in the order of the keys, and how many there are.

    >>> codes, n = factorize(np.array([40, 7, 40, 1000000007]))
    >>> codes.tolist(), n
    ([1, 0, 1, 2], 3)
    """
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64), 0
    low, high = int(keys.min()), int(keys.max())
    if high - low < max(2 * n, 1 << 16):  # a small range: mark the values present, no sort
        offsets = keys - np.int64(low)
        present = np.zeros(high - low + 1, dtype=np.bool_)
        present[offsets] = True
        rank = np.cumsum(present, dtype=np.int64) - 1
        return rank[offsets], int(rank[-1]) + 1
    return sorted_codes(*sort_keys(keys))


def sorted_codes(order: IntArray, ordered: IntArray, rows: int | None = None
                 ) -> tuple[IntArray, int]:
    """`factorize` of keys already sorted (`sort_keys`), overwriting `ordered`. With `rows`,
    `order` holds only some of that many rows; the others get -1."""
    n = len(order)
    codes = np.full(n if rows is None else rows, -1, dtype=np.int64)
    if n == 0:
        return codes, 0
    starts = np.empty(n, dtype=np.bool_)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    ranks = np.cumsum(starts, dtype=np.int64, out=ordered)
    ranks -= 1
    codes[order] = ranks
    return codes, int(ranks[-1]) + 1


def first_rows(keys: IntArray) -> IntArray:
    """For each row, the first row with an equal key (itself when it is the first).

    >>> first_rows(np.array([5, 3, 5, 5, 3])).tolist()
    [0, 1, 0, 0, 1]
    """
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order, ordered = sort_keys(keys)
    starts = np.empty(n, dtype=np.bool_)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    first = order[starts]  # rows of equal key are in row order: the group's first row
    out = np.empty(n, dtype=np.int64)
    out[order] = first[np.cumsum(starts, dtype=np.int64) - 1]
    return out
