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
           "index_dtype", "sort_in_place", "sort_keys", "stable_order",
           "without_entries"]

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
    CSV reader gives a column it is asked to encode: one dictionary per block) or not
    (encoded here). The blocks' dictionaries are encoded together, and each block's indices
    looked up into one array, a block at a time, so that a national column is never held
    twice. A dictionary that came with the data may repeat a value or hold a null: `unique`
    says it was made by pyarrow from the data, and cannot.

    >>> indices, distinct = dictionary_codes(pa.array(["b", None, "a", "b"]))
    >>> indices.tolist(), distinct.to_pylist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    chunked = values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])
    shared = not pa.types.is_dictionary(chunked.type)
    if shared:
        chunked = pc.dictionary_encode(chunked)  # its blocks share one dictionary
    out = np.empty(len(chunked), dtype=np.int32)
    chunks = [chunk for chunk in chunked.chunks if len(chunk)]
    if not chunks:
        return out, pa.array([], type=chunked.type.value_type)
    lookups: list[npt.NDArray[np.int32] | None] = [None] * len(chunks)
    if shared or (len(chunks) == 1 and unique):
        distinct = chunks[0].dictionary
    else:  # every block's dictionary, encoded together
        dictionaries = [chunk.dictionary for chunk in chunks]
        codes, distinct = dictionary_codes(pa.concat_arrays(dictionaries))
        ends = np.cumsum([len(d) for d in dictionaries])
        lookups = [np.append(part, np.int32(-1)) for part in np.split(codes, ends[:-1])]
    row = 0
    for chunk, lookup in zip(chunks, lookups, strict=True):
        indices = chunk.indices
        if indices.null_count:
            indices = indices.fill_null(-1)
        block = np.asarray(indices.to_numpy(zero_copy_only=False))
        out[row:row + len(block)] = block if lookup is None else lookup[block]
        row += len(block)
    return out, distinct


def without_entries(indices: npt.NDArray[Any], distinct: Any, drop: npt.NDArray[np.bool_]
                    ) -> tuple[npt.NDArray[np.signedinteger[Any]], Any]:
    """The indices (in the narrowest type that holds them) and distinct values with the
    entries `drop` marks taken out: rows that pointed to one point nowhere (-1), the others
    to the same value in the shorter array.

    >>> indices, distinct = without_entries(np.array([0, 1, 2, -1]), pa.array(["a", "", "b"]),
    ...                                     np.array([False, True, False]))
    >>> indices.tolist(), distinct.to_pylist(), indices.dtype
    ([0, -1, 1, -1], ['a', 'b'], dtype('int8'))
    """
    kept = ~drop
    kind = index_dtype(int(kept.sum()))
    if not drop.any():
        return indices.astype(kind, copy=False), distinct
    renumbered = np.cumsum(kept, dtype=np.int64) - 1
    renumbered[drop] = -1
    lookup = np.append(renumbered, -1).astype(kind)  # index -1 stays -1
    return lookup[indices], distinct.filter(pa.array(kept))


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


def sort_in_place(keys: IntArray) -> npt.NDArray[np.signedinteger[Any]]:
    """`stable_order(keys)` (int32 when the rows fit), sorting `keys` themselves: for the
    largest sorts of a load (every row of every table of a unit), where a copy of the keys,
    or an int64 row number beside each, would be hundreds of megabytes more.

    >>> keys = np.array([3, 1, 3, -2])
    >>> sort_in_place(keys).tolist(), keys.tolist()
    ([3, 1, 0, 2], [-2, 1, 3, 3])
    """
    n = len(keys)
    kind: type[np.signedinteger[Any]] = np.int32 if n < 1 << 31 else np.int64
    if n == 0:
        return np.zeros(0, dtype=kind)
    low = int(keys.min())
    bits = max(n - 1, 1).bit_length()
    if int(keys.max()) - low < 1 << 16 or int(keys.max()) - low >= PACKED_LIMIT >> bits:
        digits = (keys - np.int64(low)).astype(np.uint16) if int(keys.max()) - low < 1 << 16 \
            else keys  # a radix sort, in time linear in the rows; else the general sort
        order = np.argsort(digits, kind="stable").astype(kind)
        del digits
        keys[:] = keys[order]
        return order
    keys -= np.int64(low)
    keys <<= bits
    for start in range(0, n, _ROWS):  # the row numbers, a block at a time
        keys[start:start + _ROWS] |= np.arange(start, min(start + _ROWS, n), dtype=np.int64)
    keys.sort()
    order = np.empty(n, dtype=kind)
    mask = np.int64((1 << bits) - 1)
    for start in range(0, n, _ROWS):
        order[start:start + _ROWS] = keys[start:start + _ROWS] & mask
    keys >>= bits
    keys += np.int64(low)
    return order


_ROWS = 1 << 20
"""Rows handled at a time where a whole-column temporary would be large."""


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
    return _sorted_codes(*sort_keys(keys))


def _sorted_codes(order: IntArray, ordered: IntArray) -> tuple[IntArray, int]:
    """`factorize` of keys already sorted (`sort_keys`), overwriting `ordered`."""
    n = len(order)
    codes = np.empty(n, dtype=np.int64)
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
