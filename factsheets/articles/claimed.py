"""How far a figure is from the one its words and year claim. A count more than twice or less than half the figure its
words name ("13,400 jobs" where EP counts 198,700), a wage more than a fifth off the figure of an occupation its
sentence does not name ("Nannies earned a median of $28,520 in May 2021" bound to the title's registered nurses, whose
May 2021 median EP republishes as $77,600), or half or twice the wage of the occupation its sentence names, is not
that figure: the words or the occupation do not say what it is, and its refresh would write another figure
altogether. It stays, unless the careers config or a sidecar pin names its code: the editor said which code it is."""

from __future__ import annotations

from factsheets.articles.audit import DIFFERS, NOT_HELD, Audit, Store, ep_may_median
from factsheets.articles.bind import Binding
from factsheets.articles.catalog import Catalog, release_label
from factsheets.articles.measures import MEASURE_LABELS, OEWS, money_text

# the ratio of the article's figure to the claimed one beyond which it is another figure, by kind
BOUNDS = {"count": (0.5, 2.0), "money": (0.8, 1.25)}
# a wage of the occupation its own sentence names: "Funeral service workers earned $50,000" is a wrong or stale figure
# of theirs, which BLS's corrects; half or twice theirs is another occupation's ("EMTs earned $36,930, while
# accountants made $77,250", where EMTs named no code)
NAMED_HERE = (0.5, 2.0)


def far_from_claimed(
    binding: Binding, audit: Audit, catalog: Catalog, store: Store, soc: str, measure: str
) -> str | None:
    """Why the figure stays (it is far from the figure it claims to be), or None."""
    bounds = BOUNDS.get(binding.figure.kind)
    if bounds is None or binding.named_by in ("careers", "pin"):  # the editor said which code it is
        return None
    if binding.figure.kind == "money" and binding.named_here:
        bounds = NAMED_HERE
    claimed = _claimed(binding, audit, catalog, store, soc, measure)
    if claimed is None:
        return None
    value, what = claimed
    if bounds[0] <= abs(binding.figure.value / value) <= bounds[1]:  # "lose 16,900 jobs": EP counts -17,600
        return None
    words = (
        "the words may not say what it counts" if binding.figure.kind == "count" else "it may be another occupation's"
    )
    text = money_text(value, cents=False, comma=True) if binding.figure.kind == "money" else f"{value:,.0f}"
    return f"{binding.figure.text} is far from {what} of {soc} ({text}): {words}; check it by hand"


def _claimed(
    binding: Binding, audit: Audit, catalog: Catalog, store: Store, soc: str, measure: str
) -> tuple[float, str] | None:
    """The figure the binding claims to be, and what it is: the claimed release's, or for a May median of a release
    not held, EP's copy of it."""
    claim = binding.claim
    if claim is None:
        return None
    if audit.status == DIFFERS and claim.release is not None:
        published = store.get(claim.release, soc, measure)
        if published is None or not published.value:
            return None
        return published.value, f"{release_label(claim.release)}'s {MEASURE_LABELS[measure]}"
    if audit.status != NOT_HELD or claim.source != OEWS or measure != "annual_median" or binding.token is None:
        return None
    year = binding.token.years[0]
    copy = ep_may_median(catalog, store, soc, year)
    if copy is None or not copy[1] or copy[2]:  # a lower bound ("or more") is no figure to be far from
        return None
    cycle, median, _ = copy
    return median, f"the May {year} median annual wage ({release_label(cycle)}'s copy)"
