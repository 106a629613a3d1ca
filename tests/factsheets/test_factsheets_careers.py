"""The careers config: the shipped file reproduces the reference career; a wrong file is rejected
with the file, the line and what is wrong, before anything is fetched. Whether its codes exist is
the warehouse's question, asked at publish time (tests/test_factsheets_publish.py)."""

from __future__ import annotations

import re
import textwrap

import pytest

from factsheets.careers import (
    CareersConfigError,
    default_careers_path,
    english_plural,
    load_careers_config,
    parse_careers_config,
    slugify,
    unknown_names,
)


def config(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def rejected(text: str) -> CareersConfigError:
    with pytest.raises(CareersConfigError) as info:
        parse_careers_config(config(text), name="careers.toml")
    return info.value


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(config(text).splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_the_shipped_config_is_the_reference_career():
    loaded = load_careers_config(default_careers_path())
    assert loaded == load_careers_config(None) and loaded.path == str(default_careers_path())
    (career,) = loaded.careers
    assert (career.name, career.plural, career.soc_codes, career.slug) == (
        "Health Information Technician",
        "Health Information Technicians",
        ("29-2072",),
        "health-information-technician",
    )
    assert [(a.name, a.soc) for a in career.alternatives] == [
        ("Health Information Manager", "11-9111"),
        ("Medical Transcriptionist", "31-9094"),
    ]
    assert career.overrides.skills and all(career.overrides.skills)
    text = default_careers_path().read_text()
    assert loaded.line("career", 0) == line_of(text, "[[career]]")
    headers = [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("[[career.alternative]]")]
    assert [loaded.line("career", 0, "alternative", j) for j in (0, 1)] == headers
    assert loaded.line("career", 0, "overrides", "skills") == line_of(text, "skills = [")


GOOD = """
[[career]]
name = "Health Information Technician"
soc = "29-2072"

[[career.alternative]]
name = "Health Information Manager"
soc = "11-9111"

[[career]]
name = "Medical Coder"
soc = ["29-2072", "29-2071"]
slug = "coder"

[career.overrides]
skills = [
  "Coding",
  "Terminology",
]
education = "A postsecondary certificate"
"""


def test_a_good_config_with_two_careers():
    loaded = parse_careers_config(config(GOOD))
    first, second = loaded.careers
    assert first.plural == "Health Information Technicians" and first.alternatives[0].soc == "11-9111"
    assert second.soc_codes == ("29-2072", "29-2071") and second.slug == "coder"
    assert (
        second.overrides.skills == ("Coding", "Terminology")
        and second.overrides.education == "A postsecondary certificate"
    )
    assert (loaded.line("career", 0), loaded.line("career", 1)) == (1, 9)
    assert loaded.line("career", 1, "overrides", "skills") == 15  # a value spanning lines: its `key =` line


def technician(soc: str = '"29-2072"', then: str = "") -> str:
    """A config that starts with the reference career (`soc` as TOML writes it), then has `then`."""
    return f'[[career]]\nname = "Health Information Technician"\nsoc = {soc}\n\n{config(then)}'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            technician(
                then="""
                [[career.alternative]]
                name = "Health Information Manager"
                soc = "11-9111"

                [[career.alternative]]
                name = "Manager again"
                soc = "11-9111"  # <-
                """
            ),
            "SOC code 11-9111 is already the alternative",
        ),
        (technician(then='[[career.alternative]]  # <-\nname = "Medical Transcriptionist"'), "missing field 'soc'"),
        (
            """
         [[career]]
         name = "A"
         soc = "29-2072"

         [[career]]
         name = "B"
         soc = "11-9111"

         [[career]]  # <-
         soc = "31-9094"
         """,
            "career 3: missing field 'name'",
        ),
        (
            technician(then='[[career]]\nname = "health information technician"  # <-\nsoc = "11-9111"'),
            "duplicate career",
        ),
        ('[[career]]  # <-\nname = "Health Information Technician"\n', "missing field 'soc'"),
        (technician(then='skils = ["typo"]  # <-'), "unknown key 'skils'"),
        (technician(soc='"292072"  # <-'), "is not a SOC code"),
        (technician(then="[career.overrides]\nskills = []  # <-"), "non-empty list"),
        (technician(soc='["29-2072", "29-2072"]  # <-'), "listed twice"),
        ('[[career]]\nname = 42  # <-\nsoc = "29-2072"\n', "must be a string"),
        ('[careers]  # <-\nname = "x"\n', "unknown top-level key 'careers'"),
        (technician(then='[[career.alternative]]\nname = "Self"\nsoc = "29-2072"  # <-'), "the career's own SOC code"),
    ],
)
def test_a_wrong_config_names_the_line_and_the_problem(text, message):
    """The line marked `# <-` is the one the error must name."""
    error = rejected(text)
    assert message in error.message
    assert error.line == line_of(text, "# <-"), str(error)
    assert str(error).startswith(f"careers.toml:{error.line}: ")


def test_invalid_toml_and_unreadable_files(tmp_path):
    error = rejected('[[career]]\nname = "x\nsoc = "29-2072"\n')
    assert error.line == 2 and "not valid TOML" in error.message
    duplicate_key = rejected('[[career]]\nname = "A"\nname = "B"\nsoc = "29-2072"\n')
    assert duplicate_key.line == 3
    with pytest.raises(CareersConfigError, match=re.escape(str(tmp_path / "missing.toml"))):
        load_careers_config(tmp_path / "missing.toml")
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes('[[career]]\nname = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(CareersConfigError, match="not UTF-8"):
        load_careers_config(latin1)


def test_every_problem_is_reported_as_file_line_what_was_expected(tmp_path):
    path = tmp_path / "careers.toml"
    path.write_text('[[career]]\nname = "A"\nsoc = "29-2072"\n\n[[career.alternative]]\nname = "B"\nsoc = 11\n')
    with pytest.raises(CareersConfigError) as info:
        load_careers_config(path)
    assert (
        str(info.value) == f"{path}:7: career 'A', alternative 1: 11 is not a SOC code (expected NN-NNNN, e.g. 29-2072)"
    )
    two = rejected('[[career]]\nname = 1\nsoc = "1"\n')
    assert two.line == 2 and two.message.endswith("(and 1 more problem(s))")


def test_codes_are_checked_against_the_warehouse_only_at_publish_time():
    loaded = parse_careers_config(
        config(
            """
            [[career]]
            name = "X"
            soc = ["29-2072", "99-9999"]
            ooh = "no-such-profile"

            [[career.alternative]]
            name = "Y"
            soc = "11-9999"
            """
        )
    )
    (career,) = loaded.careers
    assert career.soc_codes == ("29-2072", "99-9999")
    missing = unknown_names(career, {"29-2072", "11-9111"}, {"medical-records-and-health-information-technicians"})
    assert missing == [
        (("soc",), "SOC code 99-9999"),
        (("ooh",), "OOH profile 'no-such-profile'"),
        (("alternative", 0, "soc"), "SOC code 11-9999 (alternative 'Y')"),
    ]
    assert [loaded.line("career", 0, *where) for where, _ in missing] == [3, 4, 8]
    assert unknown_names(career, {"29-2072", "99-9999", "11-9999"}, {"no-such-profile"}) == []
    assert parse_careers_config("").careers == ()


@pytest.mark.parametrize(
    ("name", "plural"),
    [
        ("Health Information Technician", "Health Information Technicians"),
        ("Legal Secretary", "Legal Secretaries"),
        ("Welder and Brazer", "Welder and Brazers"),
        ("Fisherman", "Fishermen"),
        ("Coach", "Coaches"),
    ],
)
def test_english_plurals(name, plural):
    assert english_plural(name) == plural


def test_slugs():
    assert slugify("Health Information Technician") == "health-information-technician"
    for name in ("../../etc/passwd", "CON", "Café <b>crème</b>", "a" * 300, "   ", ".hidden"):
        slug = slugify(name)
        assert re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?", slug) and len(slug) <= 100, slug
