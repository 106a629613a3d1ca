"""Occupational Outlook Handbook profiles: quick facts, SOC codes, text sections, similar occupations.

One profile page (``/ooh/<group>/<slug>.htm``) becomes rows of the OOH tables (frames.py), keyed by
the edition (the quick facts' projection period, e.g. ``2024-34``) and the profile's slug. The
release is read page by page (edition.py): only pages whose bytes changed are parsed, the others
keep the rows the warehouse holds, and a page that cannot be parsed keeps its last good rows.

* page.py      one page -> an OohProfile (tables.py reads its three tables);
* sanitize.py  a section's HTML -> clean text (markup dropped, prose about markup kept as text);
* frames.py    profiles -> typed, validated tables (schemas in transforms/schemas.py);
* edition.py   tonight's pages + what the warehouse knows -> the Release.

The OOH transform reads only OOH pages: EP's own links to OOH profiles are EP output.
"""

from transforms.ooh.edition import UNCHANGED, PageBytes, PageInput, PageState, read_edition, read_profiles
from transforms.ooh.frames import PROFILE_TABLES, TABLE_COLUMNS
from transforms.ooh.page import PROFILES_WITHOUT_QUICK_FACTS, make_tree, parse_profile, parse_tree
from transforms.ooh.records import OohProfile, QuickFacts, Section, SimilarOccupation, SocRow
from transforms.ooh.sanitize import sanitize_fragment
from transforms.ooh.text import BLS_SITE, EDITION_PATTERN, edition_of, profile_path_parts

__all__ = [
    "BLS_SITE",
    "EDITION_PATTERN",
    "PROFILES_WITHOUT_QUICK_FACTS",
    "PROFILE_TABLES",
    "TABLE_COLUMNS",
    "UNCHANGED",
    "OohProfile",
    "PageBytes",
    "PageInput",
    "PageState",
    "QuickFacts",
    "Section",
    "SimilarOccupation",
    "SocRow",
    "edition_of",
    "make_tree",
    "parse_profile",
    "parse_tree",
    "profile_path_parts",
    "read_edition",
    "read_profiles",
    "sanitize_fragment",
]
