"""Audit and refresh the BLS figures of articles editors already have (.txt, .md, .html).

    from factsheets.articles import audit_articles, refresh_articles_folder
    results, errors = audit_articles(con, [Path("career.txt")])     # nothing written
    report_markdown(results[0]); report_json(results[0]); unified_diff(results[0]); results[0].refreshed
    refresh_articles_folder(con, Path("articles"))                   # the nightly refresh, in place

find.py finds the figures, bind.py binds them (occupation, measure, release), audit.py checks them against
the warehouse, refresh.py plans the new text, session.py runs a batch, report.py writes the reports,
sidecar.py reads the editor's pins, folder.py refreshes a folder atomically with a changelog.
"""

from factsheets.articles.document import ArticleError, read_article
from factsheets.articles.folder import ArticlesResult, refresh_articles_folder
from factsheets.articles.report import report_json, report_markdown, unified_diff
from factsheets.articles.session import ArticleResult, ArticleSession, audit_articles

__all__ = [
    "ArticleError",
    "ArticleResult",
    "ArticleSession",
    "ArticlesResult",
    "audit_articles",
    "read_article",
    "refresh_articles_folder",
    "report_json",
    "report_markdown",
    "unified_diff",
]
