-- Which release of each source is current: the one definition of "latest".
--
-- sheet_releases(as_of) picks, per source, the newest loaded release (as_of NULL) or the newest whose
-- reference_year is at most as_of (OEWS May Y, the EP cycle and OOH edition based in Y, or the newest
-- before them when that year's release is not in the history). latest_releases is sheet_releases(NULL),
-- and every latest_* view joins latest_releases, so the latest views, the sheets and an audited old
-- sheet all agree on which release is newest.

CREATE OR REPLACE MACRO sheet_releases(as_of) AS TABLE
SELECT * EXCLUDE (rn)
FROM (
    SELECT r.*, row_number() OVER (PARTITION BY source ORDER BY reference_year DESC, release_id DESC) AS rn
    FROM releases r
    WHERE as_of IS NULL OR r.reference_year <= as_of
)
WHERE rn = 1;

CREATE OR REPLACE MACRO sheet_release_id(as_of, of_source) AS (
    SELECT release_id FROM sheet_releases(as_of) WHERE source = of_source
);

CREATE OR REPLACE VIEW latest_releases AS
FROM sheet_releases(NULL);
