"""Pure readers: BLS files (as a path or bytes) in, a `transforms.release.Release` out.

No network, no warehouse, no Prefect, no settings. Every layout quirk of the sources (header
wording, footnote marks, special values) is handled in this package, and every input it
cannot understand raises transforms.errors.LayoutError naming file, sheet, row, column and
what was expected.

- transforms.oews: read_national_zip, read_flatfiles -> Release('oews', '2025A01', 'May 2025', 2025)
- transforms.projections: read_occupation_workbook, read_projections_csv
  -> Release('projections', '2024-34', '2024-2034', 2024), with EP's OOH links (transforms.ep_ooh_links)
- transforms.soc: normalize_soc, soc_level
- transforms.schemas: the pandera schemas of the frames, and validate()
"""
