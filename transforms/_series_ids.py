"""Fixed-width OEWS series ids, split with numpy on a byte matrix.

An all-areas release has millions of series; pandas string methods without pyarrow loop in
Python per element, so the ids are turned into an (n, 25) uint8 matrix once and every field
is read from its columns as an integer key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SERIES_ID_LENGTH = 25
# A padded id wider than this is not an id; the cap keeps the byte matrix small.
_MAX_RAW_WIDTH = 64
_BITS_PER_CHAR = 7


@dataclass(frozen=True)
class SeriesKeys:
    """OEU + areatype(1) + area(7) + industry(6) + occupation(6) + datatype(2), as integer keys."""

    area: np.ndarray  # int64, the 7 digits as a number
    industry: np.ndarray  # int64, 6 ASCII characters packed 7 bits each (codes like 3250A1, 11--12)
    occupation: np.ndarray  # int64, the 6 digits as a number
    datatype: np.ndarray  # int64, 1..17


def split_series_ids(raw: pd.Series) -> tuple[SeriesKeys, np.ndarray, np.ndarray]:
    """Keys of every id, a mask of malformed ids (their keys are meaningless) and one of blank cells."""
    padded = _ascii_bytes(raw)
    if padded is None:
        non_ascii = raw.fillna("").str.contains(r"[^\x00-\x7f]", regex=True).to_numpy()
        return _empty_keys(len(raw)), non_ascii, np.zeros(len(raw), dtype=bool)
    too_wide = padded.view(np.uint8).reshape(-1, _MAX_RAW_WIDTH)[:, -1] != 0
    text = np.strings.strip(padded)
    length = np.strings.str_len(text)
    right_length = (length == SERIES_ID_LENGTH) & ~too_wide
    chars = text.astype(f"S{SERIES_ID_LENGTH}").view(np.uint8).reshape(-1, SERIES_ID_LENGTH)

    digits = (chars >= ord("0")) & (chars <= ord("9"))
    upper = (chars >= ord("A")) & (chars <= ord("Z"))
    valid = (
        right_length
        & (chars[:, 0] == ord("O"))
        & (chars[:, 1] == ord("E"))
        & (chars[:, 2] == ord("U"))
        & upper[:, 3]
        & digits[:, 4:11].all(axis=1)
        & (digits[:, 11:17] | upper[:, 11:17] | (chars[:, 11:17] == ord("-"))).all(axis=1)
        & digits[:, 17:25].all(axis=1)
    )
    keys = SeriesKeys(
        area=_digits_value(chars[:, 4:11]),
        industry=_pack(chars[:, 11:17]),
        occupation=_digits_value(chars[:, 17:23]),
        datatype=_digits_value(chars[:, 23:25]),
    )
    return keys, ~valid, length == 0


def _ascii_bytes(raw: pd.Series) -> np.ndarray | None:
    try:
        return raw.fillna("").to_numpy(dtype=object).astype(f"S{_MAX_RAW_WIDTH}")
    except UnicodeEncodeError:
        return None


def _empty_keys(n: int) -> SeriesKeys:
    zeros = np.zeros(n, dtype=np.int64)
    return SeriesKeys(zeros, zeros, zeros, zeros)


def _digits_value(chars: np.ndarray) -> np.ndarray:
    powers = 10 ** np.arange(chars.shape[1] - 1, -1, -1, dtype=np.int64)
    return (chars.astype(np.int64) - ord("0")) @ powers


def _pack(chars: np.ndarray) -> np.ndarray:
    shifts = _BITS_PER_CHAR * np.arange(chars.shape[1] - 1, -1, -1, dtype=np.int64)
    return (chars.astype(np.int64) << shifts).sum(axis=1)


def unpack(packed: np.ndarray, width: int) -> list[str]:
    """Text of packed keys (few distinct values: call on uniques)."""
    mask = (1 << _BITS_PER_CHAR) - 1
    shifts = _BITS_PER_CHAR * np.arange(width - 1, -1, -1, dtype=np.int64)
    chars = ((packed[:, None] >> shifts) & mask).astype(np.uint8)
    return [bytes(row).decode("ascii") for row in chars]
