-- Employment Projections of the current cycle (latest_releases) or of the cycle an as-of year picks.

CREATE OR REPLACE MACRO sheet_projections(as_of) AS TABLE
FROM projections
WHERE cycle = sheet_release_id(as_of, 'projections');

CREATE OR REPLACE VIEW latest_projections AS
FROM sheet_projections(NULL);
