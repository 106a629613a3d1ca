"""The Jinja environments of the sheets' and the site's templates (factsheets/templates/).

One set of options for all of them, so every template trims its blocks, keeps its last newline and
fails on an undefined name the same way. Markdown templates get no HTML escaping: they escape what
they print with the `md` (running text), `cell` (a table cell) and `url` (a link) filters.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

import jinja2

from factsheets.text import escape_markdown, markdown_cell, markdown_url

TemplateSource = Callable[[str], str]  # a template's name -> its text


def packaged_template(*path: str) -> str:
    """The text of a file under factsheets/templates/."""
    return resources.files("factsheets").joinpath("templates", *path).read_text(encoding="utf-8")


def environment(source: TemplateSource, *, autoescape: bool) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(source),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def markdown_environment(source: TemplateSource) -> jinja2.Environment:
    env = environment(source, autoescape=False)
    env.filters.update(md=escape_markdown, cell=markdown_cell, url=markdown_url)
    return env


def markdown_and_html(source: TemplateSource, md_name: str, html_name: str) -> tuple[jinja2.Template, jinja2.Template]:
    """A sheet's two page templates: Markdown (escaped by filters) and HTML (autoescaped)."""
    markdown = markdown_environment(source).get_template(md_name)
    return markdown, environment(source, autoescape=True).get_template(html_name)


__all__ = ["TemplateSource", "environment", "markdown_and_html", "markdown_environment", "packaged_template"]
