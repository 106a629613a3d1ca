"""Fact sheets rendered from the warehouse's views; never fetches or parses BLS files.

publish_sheets (factsheets.publish) writes every sheet as Markdown, HTML and JSON, rewriting only the
changed ones and logging what moved; see factsheets/README.md.
"""
