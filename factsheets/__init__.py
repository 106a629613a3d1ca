"""Fact sheets rendered from the warehouse's views; never fetches or parses BLS files."""
