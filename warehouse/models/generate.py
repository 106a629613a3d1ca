"""Writes the generated part of oews.sql: the pivot of oews_estimates, one column per OEWS measure.

    python -m warehouse.models.generate          # rewrite warehouse/models/oews.sql
    python -m warehouse.models.generate --check  # exit 1 when the file is out of date

The measures come from transforms.vocabulary.MEASURES, so a measure added there reaches oews_figures,
oews_national and the sheets by running this once (tests/test_warehouse_models.py fails until then).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from transforms.vocabulary import MEASURES

OEWS_MODEL = Path(__file__).with_name("oews.sql")
BEGIN = "-- BEGIN generated"
END = "-- END generated"
_WAGE_PREFIXES = ("hourly_", "annual_", "wage_")


def pivot_measures() -> list[str]:
    """MEASURES with the employment figures before the wages (the order oews_figures has always shown)."""
    return sorted(MEASURES, key=lambda measure: measure.startswith(_WAGE_PREFIXES))


def pivot_columns(indent: str = " " * 8) -> str:
    """The pivot's select list: each measure's value, then its status."""
    filters = {measure: f"FILTER (WHERE measure = '{measure}')" for measure in pivot_measures()}
    width = max(map(len, filters.values()))
    lines = []
    for measure, when in filters.items():
        when = when.ljust(width)
        lines.append(f"{indent}max(value)        {when} AS {measure}")
        lines.append(f"{indent}any_value(status) {when} AS {measure}_status")
    return ",\n".join(lines)


def with_generated(text: str) -> str:
    """text with the lines between BEGIN and END replaced by the generated select list."""
    start, end = text.index(BEGIN), text.index(END)
    head = text[: text.index("\n", start) + 1]
    indent = text[text.rindex("\n", 0, end) + 1 : end]
    return head + pivot_columns() + "\n" + indent + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether oews.sql is up to date")
    args = parser.parse_args(argv)
    current = OEWS_MODEL.read_text(encoding="utf-8")
    wanted = with_generated(current)
    if wanted == current:
        print(f"{OEWS_MODEL} is up to date")
        return 0
    if args.check:
        print(f"{OEWS_MODEL} is out of date: run python -m warehouse.models.generate", file=sys.stderr)
        return 1
    OEWS_MODEL.write_text(wanted, encoding="utf-8")
    print(f"rewrote the generated pivot in {OEWS_MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
