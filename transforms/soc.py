"""Standard Occupational Classification codes: one spelling (NN-NNNN) and their level."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

LEVELS: tuple[str, ...] = ("total", "major", "minor", "broad", "detailed")

# Spreadsheet exports write codes as ="29-2072" so that Excel keeps them as text.
_EXCEL_TEXT_FORMULA = re.compile(r'^=\s*"(.*)"$')
_SOC = re.compile(r"^(\d{2})-?(\d{4})$")


def normalize_soc(raw: object) -> str:
    """Return the code as NN-NNNN; accepts 29-2072, 292072, ="29-2072" and padding."""
    if not isinstance(raw, str):
        raise ValueError(f"not an SOC code: {raw!r}")
    text = raw.strip()
    formula = _EXCEL_TEXT_FORMULA.match(text)
    if formula:
        text = formula.group(1).strip()
    match = _SOC.match(text)
    if not match:
        raise ValueError(f"not an SOC code: {raw!r}")
    return f"{match.group(1)}-{match.group(2)}"


def soc_level(code: str) -> str:
    """Level implied by the code's shape; prefer a level the source states when it has one."""
    soc = normalize_soc(code)
    if soc == "00-0000":
        return "total"
    if soc.endswith("0000"):
        return "major"
    if soc.endswith("00"):  # NN-NN00, which also covers NN-N000
        return "minor"
    if soc.endswith("0"):
        return "broad"
    return "detailed"


def normalize_soc_series(raw: pd.Series) -> pd.Series:
    """Vectorised normalize_soc: NN-NNNN, or NaN where the cell is not a code."""
    text = raw.astype(str).str.strip().str.replace(_EXCEL_TEXT_FORMULA, r"\1", regex=True).str.strip()
    parts = text.str.extract(_SOC)
    return parts[0] + "-" + parts[1]


def soc_levels(codes: pd.Series) -> pd.Series:
    """Vectorised soc_level for codes already in NN-NNNN form."""
    codes = codes.astype(str)
    conditions = [
        codes.eq("00-0000"),
        codes.str.endswith("0000"),
        codes.str.endswith("00"),
        codes.str.endswith("0"),
    ]
    levels = np.select(conditions, ["total", "major", "minor", "broad"], default="detailed")
    return pd.Series(levels, index=codes.index, dtype=str)


def prefer_stated_levels(stated: pd.Series, codes: pd.Series) -> pd.Series:
    """The source's level unless it is coarser than the code's shape allows.

    A source may state a finer level than the shape (OEWS publishes 13-1020 as a
    detailed occupation), but it cannot make a broad-shaped code a minor group: the
    flat files' display_level does exactly that for a broad group whose minor group
    they omit (19-5010 at display level 1), and that is indentation, not SOC level.
    """
    rank = {level: i for i, level in enumerate(LEVELS)}
    shape = soc_levels(codes)
    coarser = stated.map(rank) < shape.map(rank)
    return stated.where(~coarser, shape)
