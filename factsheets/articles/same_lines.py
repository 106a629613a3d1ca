"""An occupation a release prints under another code of the same occupations.

EP 2023-33 has no line 37-3010 Grounds maintenance workers: it prints 37-3000, the minor group whose
only broad group 37-3010 is, and the two hold the same four detailed occupations, so their figures are
the same figures. An article that names grounds maintenance workers (37-3010 by its title) and quotes
EP 2023-33's 5 percent quotes what BLS printed. Two codes are the same occupations in a release when
one holds the other (the SOC's code prefixes) and both hold the same line items of that release.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable


def _stem(code: str) -> str:
    """The digits every code the group holds starts with: 37-3000 -> 373, 37-3010 -> 37301, 00-0000 -> ''."""
    return code.replace("-", "").rstrip("0")


def same_lines(lines: Iterable[tuple[str, bool]], wanted: Iterable[str]) -> dict[str, str]:
    """For each wanted code a release lacks, the code it prints the same occupations under, if any.

    lines: (SOC code, whether it is a line item) of every line of one release. The nearest such code
    wins (37-3000 before 37-0000: only the first can hold the same line items anyway)."""
    by_stem: dict[str, str] = {}
    items: list[str] = []
    for code, line_item in lines:
        by_stem[_stem(code)] = code
        if line_item:
            items.append(code.replace("-", ""))
    items.sort()
    stems = sorted(by_stem)

    def held(stem: str) -> int:
        # digits sort before ':', so [stem, stem + ':') is every code starting with stem
        return bisect_left(items, stem + ":") - bisect_left(items, stem)

    present = set(by_stem.values())
    found: dict[str, str] = {}
    for code in sorted(set(wanted) - present):
        stem = _stem(code)
        count = held(stem)
        if count == 0:
            continue
        ancestors = [stem[:k] for k in range(len(stem) - 1, -1, -1) if stem[:k] in by_stem]
        descendants = sorted(stems[bisect_left(stems, stem) : bisect_left(stems, stem + ":")], key=len)
        same = next((s for s in (*ancestors, *descendants) if held(s) == count), None)
        if same is not None:
            found[code] = by_stem[same]
    return found
