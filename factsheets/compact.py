"""One-line JSON, as the publish writes it: each sheet's JSON, the published state, the area indexes.

orjson writes the same text as json.dumps(doc, ensure_ascii=False, separators=(",", ":")) about six
times faster (a publish writes one document per sheet, and a state of thousands of entries). The one
difference is a float under 1e-4 in magnitude, written without an exponent (0.00001 for 1e-05): the
same number to any JSON reader. `python -m json.tool` pretty-prints the files.
"""

from __future__ import annotations

from typing import Any

import orjson

# int keys become strings, as json.dumps makes them; the text ends with a newline, like a text file.
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE


def compact_json_bytes(document: Any) -> bytes:
    return orjson.dumps(document, option=_OPTIONS)


def compact_json(document: Any) -> str:
    return compact_json_bytes(document).decode("utf-8")


__all__ = ["compact_json", "compact_json_bytes"]
