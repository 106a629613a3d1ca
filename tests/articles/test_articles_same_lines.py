"""An occupation a release prints under another code of the same occupations. An article names grounds
maintenance workers, which is the title of the broad group 37-3010; EP has no line 37-3010 but prints 37-3000,
the minor group whose only broad group it is, with the same four detailed occupations. A figure quoted from
that line is what BLS printed: it matches, the note says which line holds it, and the refresh takes the
newest cycle's figure from that line. Real figures: EP 2023-33 and 2024-34."""

from __future__ import annotations

import pytest

from factsheets.articles.names import is_ancestor

pytestmark = pytest.mark.shared_data


def test_a_figure_ep_prints_under_a_group_of_the_same_occupations_matches_and_is_refreshed(article):
    result = article(
        "Grounds maintenance workers",
        "BLS projects employment of grounds maintenance workers to grow 5 percent from 2023 to 2033. About "
        "176,600 openings for grounds maintenance workers are projected each year, on average, over the decade.",
        "Employment of occupational health and safety specialists and technicians is projected to grow 14 percent "
        "from 2023 to 2033.",
    )
    found = {b.figure.text: (b.soc, a.status, a.note) for b, a in result.figures}
    assert found == {
        "5 percent": (
            "37-3010",
            "matches",
            "EP 2023-33 prints it as 37-3000 Grounds maintenance workers, the same occupations",
        ),
        "176,600": (
            "37-3010",
            "matches",
            "EP 2023-33 prints it as 37-3000 Grounds maintenance workers, the same occupations",
        ),
        "14 percent": (
            "19-5010",
            "matches",
            "EP 2023-33 prints it as 19-5000 Occupational health and safety specialists and technicians, "
            "the same occupations",
        ),
    }
    # EP 2024-34: 37-3000 1,296,400 -> 1,342,300 (3.5%, which BLS prints as 4), 171,600 openings; 19-5000 11.7%
    changes = {c.old: (c.new, c.to_release, c.provenance.series) for c in result.changes}
    assert changes == {
        "5 percent": ("4 percent", "EP 2024-34", "National Employment Matrix 37-3000: Employment change, percent"),
        "176,600": (
            "171,600",
            "EP 2024-34",
            "National Employment Matrix 37-3000: Occupational openings, annual average",
        ),
        "14 percent": ("12 percent", "EP 2024-34", "National Employment Matrix 19-5000: Employment change, percent"),
    }


def test_codes_are_the_same_lines_only_when_they_hold_the_same_line_items(con):
    found = {(c, soc): line for c, soc, line in con.execute("FROM projection_same_lines").fetchall()}
    assert {c for c, _ in found} == {"2021-31", "2022-32", "2023-33", "2024-34"}  # every whole cycle
    wanted = ["37-3010", "19-5010", "43-6010", "29-2070", "29-1220", "29-2072", "29-9999"]
    # 29-1220 Physicians has no line, and 29-1000 holds more than physicians; 29-2072 has a line of its own;
    # 29-9999 holds nothing
    assert {soc: found[("2023-33", soc)] for soc in wanted if ("2023-33", soc) in found} == {
        "37-3010": "37-3000",
        "19-5010": "19-5000",
        "43-6010": "43-6000",
        "29-2070": "29-2072",
    }
    # every code of OEWS's listings and of the cycles the view names: its line holds exactly its line items
    codes: dict[str, set[str]] = {}
    items: dict[str, set[str]] = {}
    for c, soc, item in con.execute(
        "SELECT cycle, soc_code, occupation_type = 'Line item' FROM projections"
    ).fetchall():
        codes.setdefault(c, set()).add(soc)
        if item:
            items.setdefault(c, set()).add(soc)
    assert sum(c == "2023-33" for c, _ in found) > 200
    for (cycle, code), line in found.items():
        assert code not in codes[cycle], (cycle, code)
        under = {i for i in items[cycle] if i == code or is_ancestor(code, i)}
        assert under and under == {i for i in items[cycle] if i == line or is_ancestor(line, i)}, (cycle, code, line)
