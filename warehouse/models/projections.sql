-- Employment Projections of the current cycle (latest_releases) or of the cycle an as-of year picks.

CREATE OR REPLACE MACRO sheet_projections(as_of) AS TABLE
SELECT p.*
FROM projections p
JOIN sheet_releases(as_of) r ON r.source = 'projections' AND r.release_id = p.cycle;

CREATE OR REPLACE VIEW latest_projections AS
FROM sheet_projections(NULL);
