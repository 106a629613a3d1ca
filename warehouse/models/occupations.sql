-- Per occupation, the EP projection and the OEWS national figures side by side: what a fact sheet needs.
-- sheet_occupations(as_of) is the one definition; occupation_facts is it for the newest releases,
-- with the provenance of both.
--
-- ooh_change_percent is the whole percent the OOH prints for the code in the projections table of a
-- profile of the edition named like the EP cycle (2024-34): BLS rounds the unrounded change, which EP's
-- one-decimal percent cannot always tell (12.5 may be 12 or 13), so a sheet shows this one when it exists.

CREATE OR REPLACE MACRO sheet_occupations(as_of) AS TABLE
SELECT
    coalesce(p.soc_code, w.soc_code)  AS soc_code,
    coalesce(w.title, p.title)        AS title,
    coalesce(w.level, p.level)        AS level,
    p.occupation_type,
    p.education,
    p.work_experience,
    p.training,
    p.cycle                           AS projection_cycle,
    p.base_year                       AS projection_base_year,
    p.target_year                     AS projection_target_year,
    p.employment_base                 AS projected_employment_base,
    p.employment_target               AS projected_employment_target,
    p.change_numeric                  AS projected_change_numeric,
    p.change_percent                  AS projected_change_percent,
    p.openings_annual                 AS projected_openings_annual,
    t.change_percent                  AS ooh_change_percent,
    w.release_id                      AS oews_release_id,
    w.period                          AS oews_period,
    w.year                            AS oews_year,
    w.employment                      AS oews_employment,
    w.employment_status               AS oews_employment_status,
    w.* EXCLUDE (soc_code, title, level, release_id, period, year, employment, employment_status)
FROM sheet_projections(as_of) p
LEFT JOIN (
    SELECT edition, soc_code, max(change_percent) AS change_percent
    FROM ooh_profile_soc
    WHERE change_percent IS NOT NULL
    GROUP BY edition, soc_code
) t ON t.edition = p.cycle AND t.soc_code = p.soc_code
FULL OUTER JOIN sheet_oews(as_of) w ON w.soc_code = p.soc_code;
COMMENT ON MACRO TABLE sheet_occupations IS 'Per occupation, the EP projection and the OEWS national wages of the releases sheet_releases(as_of) picks, side by side (occupation_facts for any year); ooh_change_percent is the whole percent the OOH prints for the code in the edition of the same cycle.';

CREATE OR REPLACE VIEW occupation_facts AS
SELECT
    o.soc_code,
    o.title,
    o.level,
    o.occupation_type,
    o.education,
    o.work_experience,
    o.training,
    o.projection_cycle,
    o.projection_base_year,
    o.projection_target_year,
    o.projected_employment_base,
    o.projected_employment_target,
    o.projected_change_numeric,
    o.projected_change_percent,
    o.projected_openings_annual,
    o.oews_release_id,
    o.oews_period,
    o.oews_year,
    o.oews_employment,
    o.annual_median,
    o.annual_median_status,
    o.hourly_median,
    o.hourly_median_status,
    o.annual_mean,
    o.annual_p10, o.annual_p25, o.annual_p75, o.annual_p90,
    o.hourly_p10, o.hourly_p25, o.hourly_p75, o.hourly_p90,
    lp.source_url      AS projections_source_url,
    lp.fetched_at      AS projections_fetched_at,
    lp.archive_sha256  AS projections_sha256,
    lo.source_url      AS oews_source_url,
    lo.fetched_at      AS oews_fetched_at,
    lo.archive_sha256  AS oews_sha256
FROM sheet_occupations(NULL) o
LEFT JOIN latest_releases lp ON lp.source = 'projections'
LEFT JOIN latest_releases lo ON lo.source = 'oews';
COMMENT ON VIEW occupation_facts IS 'Per occupation, the newest EP projection and OEWS national wages side by side, with where each figure came from: what a fact sheet needs.';

COMMENT ON COLUMN occupation_facts.soc_code IS 'SOC code NN-NNNN (from EP, or OEWS where EP lacks it).';
COMMENT ON COLUMN occupation_facts.title IS 'Occupation title: the OEWS one when OEWS has the code, else the EP one.';
COMMENT ON COLUMN occupation_facts.level IS 'SOC level: total, major, minor, broad or detailed.';
COMMENT ON COLUMN occupation_facts.projection_cycle IS 'EP cycle of the projection figures, e.g. 2024-34.';
COMMENT ON COLUMN occupation_facts.projection_base_year IS 'Base year of the projection.';
COMMENT ON COLUMN occupation_facts.projection_target_year IS 'Target year of the projection.';
COMMENT ON COLUMN occupation_facts.projected_employment_base IS 'EP employment in the base year, persons.';
COMMENT ON COLUMN occupation_facts.projected_employment_target IS 'EP projected employment in the target year, persons.';
COMMENT ON COLUMN occupation_facts.projected_change_numeric IS 'EP projected employment change, persons.';
COMMENT ON COLUMN occupation_facts.projected_change_percent IS 'EP projected employment change, percent.';
COMMENT ON COLUMN occupation_facts.projected_openings_annual IS 'EP average annual openings, persons.';
COMMENT ON COLUMN occupation_facts.oews_release_id IS 'OEWS release of the wage figures, e.g. 2025A01.';
COMMENT ON COLUMN occupation_facts.oews_period IS 'OEWS period label, e.g. May 2025.';
COMMENT ON COLUMN occupation_facts.oews_year IS 'OEWS survey year.';
COMMENT ON COLUMN occupation_facts.oews_employment IS 'OEWS national employment, persons.';
COMMENT ON COLUMN occupation_facts.annual_median IS 'OEWS national median annual wage, dollars.';
COMMENT ON COLUMN occupation_facts.annual_median_status IS 'Status of annual_median (oews_estimates.status).';
COMMENT ON COLUMN occupation_facts.hourly_median IS 'OEWS national median hourly wage, dollars.';
COMMENT ON COLUMN occupation_facts.hourly_median_status IS 'Status of hourly_median.';
COMMENT ON COLUMN occupation_facts.annual_mean IS 'OEWS national mean annual wage, dollars.';
COMMENT ON COLUMN occupation_facts.annual_p10 IS 'Annual wage, 10th percentile, dollars.';
COMMENT ON COLUMN occupation_facts.annual_p25 IS 'Annual wage, 25th percentile, dollars.';
COMMENT ON COLUMN occupation_facts.annual_p75 IS 'Annual wage, 75th percentile, dollars.';
COMMENT ON COLUMN occupation_facts.annual_p90 IS 'Annual wage, 90th percentile, dollars; a lower bound when top-coded.';
COMMENT ON COLUMN occupation_facts.hourly_p10 IS 'Hourly wage, 10th percentile, dollars.';
COMMENT ON COLUMN occupation_facts.hourly_p25 IS 'Hourly wage, 25th percentile, dollars.';
COMMENT ON COLUMN occupation_facts.hourly_p75 IS 'Hourly wage, 75th percentile, dollars.';
COMMENT ON COLUMN occupation_facts.hourly_p90 IS 'Hourly wage, 90th percentile, dollars; a lower bound when top-coded.';
COMMENT ON COLUMN occupation_facts.projections_source_url IS 'URL the EP workbook was fetched from.';
COMMENT ON COLUMN occupation_facts.projections_fetched_at IS 'When the EP workbook was fetched (UTC).';
COMMENT ON COLUMN occupation_facts.projections_sha256 IS 'sha256 of the EP workbook in the raw archive.';
COMMENT ON COLUMN occupation_facts.oews_source_url IS 'URL the OEWS file was fetched from.';
COMMENT ON COLUMN occupation_facts.oews_fetched_at IS 'When the OEWS file was fetched (UTC).';
COMMENT ON COLUMN occupation_facts.oews_sha256 IS 'sha256 (fingerprint) of the OEWS files in the raw archive.';
