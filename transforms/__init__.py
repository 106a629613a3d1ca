"""Pure readers: BLS files (as a path or bytes) in, tidy validated pandas frames out.

No network, no DuckDB, no Prefect, no settings. Every layout quirk of the sources (header
wording, footnote marks, special values) is handled in this package, and every input it
cannot understand raises transforms.errors.LayoutError naming file, sheet, row, column and
what was expected.

- transforms.oews: read_national_zip, read_flatfiles -> OewsRelease (occupations, estimates)
- transforms.projections: read_occupation_workbook, read_projections_csv -> ProjectionsRelease
- transforms.soc: normalize_soc, soc_level
- transforms.schemas: the pandera schemas of the frames, and validate()
"""
