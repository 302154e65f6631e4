"""Coding: values numbered densely by one sort, so that rows can be grouped and related by
integers — text packed into integers, keys factorised, rows ordered by key.

Shared by loading (identifiers coded once per load, duplicate keys found) and evaluation
(group reductions and relating rows); it knows nothing of datasets or plans.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]
IntArray = npt.NDArray[np.int64]


def dense_codes(*parts: Array) -> tuple[list[IntArray], int]:
    """Factorise several arrays of keys into one shared space of dense integer codes, in the
    order of the keys.

    >>> codes, n = dense_codes(np.array(["b", "a"]), np.array(["a", "c"]))
    >>> [c.tolist() for c in codes], n
    ([[1, 0], [0, 2]], 3)
    """
    sizes = [len(p) for p in parts]
    if not sum(sizes):
        return [np.zeros(0, dtype=np.int64) for _ in parts], 0
    packed = text_keys(parts) if all(p.dtype.kind in "SU" for p in parts) else None
    if packed is not None:
        codes, n = factorize(np.concatenate(packed[0]))
    elif all(p.dtype.kind in "iu" for p in parts):
        codes, n = factorize(np.concatenate(parts).astype(np.int64))
    else:
        uniques, inverse = np.unique(np.concatenate(parts), return_inverse=True)
        codes, n = inverse.astype(np.int64).reshape(-1), len(uniques)
    return np.split(codes, np.cumsum(sizes)[:-1]), n


# ------------------------------------------------------------------ integer codes
# Sorting millions of strings is the slowest thing NumPy does; so text is packed into one
# integer per value (order and equality kept), and integers are grouped by one sort of
# (value, row) packed into a single int64, which NumPy sorts several times faster than it
# argsorts, or without sorting at all when the values span a small range.

PACKED_LIMIT = 1 << 62
"""Packed keys stay below this, so that sums and shifts of them cannot overflow an int64."""


def characters(values: Array) -> Array:
    """A fixed-width text array (`str` or `bytes`) as a (rows × width) matrix of its
    character codes (or bytes)."""
    unit = np.uint8 if values.dtype.kind == "S" else np.uint32
    width = values.dtype.itemsize // np.dtype(unit).itemsize
    if width == 0:
        return np.zeros((len(values), 0), dtype=unit)
    return np.ascontiguousarray(values).view(unit).reshape(len(values), width)


def text_keys(parts: Sequence[Array], *, fold: bool = True
              ) -> tuple[list[IntArray], int] | None:
    """One int64 per text value, for arrays of fixed-width text (`str` or `bytes`): equal
    texts get equal keys and the keys sort as the texts do; also the bound the keys stay
    below. The empty text is 0.

    A value becomes a number whose digits are its characters, numbered from the smallest
    that occurs (padding is 0): identifiers of digits pack up to 16 characters. When the
    characters spread too widely for that, they are numbered by rank among those that
    occur instead; texts still too long for 62 bits (a 13-character UPN) are packed a few
    characters at a time, each time with the dense codes of what came before (one sort of
    all the values each time), or, with `fold=False`, give None.

    >>> keys, bound = text_keys([np.array(["10", "9", ""]), np.array(["9"])])
    >>> [k.tolist() for k in keys], bound
    ([[23, 110, 0], [110]], 121)
    """
    matrices = [characters(np.asarray(p)) for p in parts]
    width = max((c.shape[1] for c in matrices), default=0)
    top = max((int(c.max()) for c in matrices if c.size), default=0)
    matrices = [c.astype(np.uint8 if top < 256 else np.uint32, copy=False) for c in matrices]
    low = min((int((c - c.dtype.type(1)).min()) + 1 for c in matrices if c.size),
              default=top)  # the smallest character but padding: 0 - 1 wraps to the largest
    low = min(low, top)
    base = top - low + 2  # 0 for padding, then each character from the smallest
    span = 1 << max(width - 1, 0).bit_length()  # digits packed in pairs, pairs of pairs, …
    digits: list[Array]
    if base**span < PACKED_LIMIT:
        digits = []
        below = max(low - 1, 0)
        for chars in matrices:  # padding stays 0; the smallest character becomes 1
            shifted = np.maximum(chars, chars.dtype.type(below))
            shifted -= chars.dtype.type(below)
            digits.append(shifted)
        return [_pack(number, base, span) for number in digits], base**span
    present = np.zeros(top + 1, dtype=np.bool_)
    present[0] = True
    for chars in matrices:
        present[chars.reshape(-1)] = True
    rank = np.cumsum(present, dtype=np.int64) - 1
    base = int(rank[-1]) + 1
    rank = rank.astype(_narrowest(base - 1))
    digits = [rank[chars] for chars in matrices]
    if base**span < PACKED_LIMIT:
        return [_pack(number, base, span) for number in digits], base**span
    return _folded(digits, base, width) if fold else None


def _folded(digits: list[Array], base: int, width: int) -> tuple[list[IntArray], int]:
    """`text_keys` of texts too long to pack at once: the first characters packed and
    numbered densely, then each next few packed after those numbers and numbered again."""
    sizes = [len(number) for number in digits]
    every = np.zeros((1 + sum(sizes), width), dtype=digits[0].dtype)  # padded to `width`
    row = 1
    for number in digits:
        every[row:row + len(number), :number.shape[1]] = number
        row += len(number)
    group = 1  # characters a time: dense numbers (< rows) times base**group stay in range
    while base ** (group + 1) * (len(every) + 1) < PACKED_LIMIT:
        group += 1
    codes = np.zeros(len(every), dtype=np.int64)
    for start in range(0, width, group):
        block = every[:, start:start + group]
        packed = codes * base ** block.shape[1]
        for j in range(block.shape[1]):
            packed += block[:, j].astype(np.int64) * base ** (block.shape[1] - 1 - j)
        codes, count = factorize(packed)  # the first row, all padding, is the empty text: 0
    keys = np.split(codes[1:], np.cumsum(sizes)[:-1])
    return keys, count


def _pack(digits: Array, base: int, span: int) -> IntArray:
    """Rows of base-`base` digits, most significant first, as numbers of `span` digits (a
    power of two; missing digits at the end are 0): adjacent columns are combined in pairs
    in the narrowest type that holds them, so each level is one pass over half the last."""
    n, width = digits.shape
    current = np.zeros((n, span), dtype=_narrowest(base - 1))
    current[:, :width] = digits
    group = 1
    while current.shape[1] > 1:
        kind = _narrowest(base ** (2 * group) - 1)
        high = current[:, 0::2].astype(kind)
        high *= kind(base**group)
        high += current[:, 1::2]
        current = high
        group *= 2
    return current[:, 0].astype(np.int64)


def _narrowest(largest: int) -> type[np.unsignedinteger[Any]]:
    """The smallest unsigned integer type that holds 0 to `largest`."""
    return next(t for t in (np.uint8, np.uint16, np.uint32, np.uint64)
                if largest <= np.iinfo(t).max)


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
    if (int(keys.max()) - low) < (PACKED_LIMIT >> bits):
        packed = keys - low  # new arrays are few: each costs its pages' first touch
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
        offsets = keys - low
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
