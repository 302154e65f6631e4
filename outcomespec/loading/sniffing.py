"""Look at the start of a data file before reading it whole, and refuse what is not data.

A data file is read whole into memory (see `outcomespec.loading.sources`), so a file given by
mistake (a 2 GB disk image, a spreadsheet saved as `.csv`, a log with no line breaks) must be
refused from its first mebibyte, in milliseconds, and no file larger than a limit is read at
all. The limit is 4 GiB, about four times the largest national file (a school census of all
pupils); `OUTCOMESPEC_MAX_DATA_BYTES` raises or lowers it (`8G`, `500M`, or bytes).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from outcomespec.language.diagnostics import Diagnostic

__all__ = ["HEAD_BYTES", "LIMIT_VARIABLE", "MAX_DATA_BYTES", "data_size_limit", "sniff_csv",
           "sniff_parquet", "too_large"]

MAX_DATA_BYTES = 4 << 30
"""The default limit on the size of one data file."""
LIMIT_VARIABLE = "OUTCOMESPEC_MAX_DATA_BYTES"
"""The environment variable that sets another limit."""
HEAD_BYTES = 1 << 20
"""How much of a file is looked at first; a CSV header line must end within it."""

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SAVE_AS_CSV = "save the table as CSV UTF-8 (comma separated), or as Parquet"
_FORMATS = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook is one)"),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls workbook"),
    (b"PAR1", "a Parquet file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
"""The first bytes of formats people save tables in by mistake, and what they are."""


def data_size_limit(shown: str, environ: Mapping[str, str] = os.environ) -> int | Diagnostic:
    """The largest data file read, in bytes, or a D108 diagnostic when the setting is bad.

    >>> data_size_limit("f.csv", {})
    4294967296
    >>> data_size_limit("f.csv", {"OUTCOMESPEC_MAX_DATA_BYTES": "8G"})
    8589934592
    >>> data_size_limit("f.csv", {"OUTCOMESPEC_MAX_DATA_BYTES": "lots"}).code
    'D108'
    """
    text = environ.get(LIMIT_VARIABLE, "").strip().upper().removesuffix("B").removesuffix("I")
    if not text:
        return MAX_DATA_BYTES
    digits, unit = (text[:-1], text[-1]) if text[-1] in _UNITS else (text, "")
    if not digits.isdigit() or not int(digits):
        return Diagnostic.of(
            "D108", f"cannot read `{shown}`: {LIMIT_VARIABLE} is `{environ[LIMIT_VARIABLE]}`, "
            "not a size", None, path=shown,
            help="give the largest data file to read, in bytes or as 500M, 8G")
    return int(digits) * _UNITS[unit]


def too_large(shown: str, size: int, limit: int) -> Diagnostic:
    """The D108 diagnostic for a file over the limit (`size`: its size, or what was read)."""
    return Diagnostic.of(
        "D108", f"`{shown}` is larger than the limit for a data file ({_size(size)}, limit "
        f"{_size(limit)})", None, path=shown,
        help=f"check that this is the right file; to read it, set {LIMIT_VARIABLE} (e.g. "
             f"{LIMIT_VARIABLE}={_above(size)})")


def sniff_csv(head: bytes, size: int, shown: str) -> Diagnostic | None:
    """Why a file that begins with `head` (and is `size` bytes) is not a CSV file, or None.

    >>> sniff_csv(b"LA,CHILD\\n202,1\\n", 15, "f.csv") is None
    True
    >>> sniff_csv(bytes(100), 2 << 30, "f.csv").message
    '`f.csv` holds NUL bytes: it is binary data, not a CSV file'
    """
    for magic, what in _FORMATS:
        if head.startswith(magic):
            return Diagnostic.of("D108", f"`{shown}` is {what}, not a CSV file", None,
                                 path=shown, line=1, help=_SAVE_AS_CSV)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Diagnostic.of("D108", f"`{shown}` is UTF-16 text, not UTF-8", None, path=shown,
                             line=1, help=_SAVE_AS_CSV)
    if b"\x00" in head:
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        return Diagnostic.of("D108", f"`{shown}` holds NUL bytes: it is binary data, not a CSV "
                             "file", None, path=shown, line=line, help=_SAVE_AS_CSV)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3 or len(head) == size:  # not a character cut at the end
            line = head[: error.start].count(b"\n") + 1
            return Diagnostic.of(
                "D108", f"`{shown}` is not UTF-8 text: byte 0x{head[error.start]:02x} on line "
                f"{line} cannot be read", None, path=shown, line=line,
                help="save the file as UTF-8 (in Excel: Save As, CSV UTF-8 (Comma delimited))")
    if b"\n" not in head and size > len(head):
        return Diagnostic.of(
            "D108", f"the first line of `{shown}` is longer than {_size(len(head))}: it is not "
            "a CSV file with a header line", None, path=shown, line=1, help=_SAVE_AS_CSV)
    return None


def sniff_parquet(head: bytes, tail: bytes, shown: str) -> Diagnostic | None:
    """Why a file that begins with `head` and ends with `tail` is not Parquet, or None.

    >>> sniff_parquet(b"PAR1...", b"...PAR1", "f.parquet") is None
    True
    >>> sniff_parquet(b"LA,CHILD", b"202,1\\n", "f.parquet").message
    '`f.parquet` is not a Parquet file (it does not begin and end with `PAR1`)'
    """
    if head.startswith(b"PAR1") and tail.endswith(b"PAR1"):
        return None
    return Diagnostic.of(
        "D108", f"`{shown}` is not a Parquet file (it does not begin and end with `PAR1`)",
        None, path=shown, help="write the file again as Parquet, or name a CSV file `.csv`")


def _above(size: int) -> str:
    """A round limit above `size`, as the variable takes it (`2G` for 1.2 GiB, `394M`)."""
    unit, factor = ("G", 1 << 30) if size >= 1 << 30 else ("M", 1 << 20)
    return f"{-(-size // factor) + 1}{unit}"


def _size(size: int) -> str:
    """A size in the largest binary unit that keeps it at least 1 (`4 GiB`, `12.5 MiB`)."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"
