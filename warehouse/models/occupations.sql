-- Per occupation, the EP projection and the OEWS national figures side by side: what a fact sheet needs.
-- sheet_occupations(as_of) is the one definition; occupation_facts is it for the newest releases,
-- with the provenance of both.
--
-- ooh_change_percent is the whole percent the OOH prints for the code in the projections table of a
-- profile of the edition named like the EP cycle (2024-34): BLS rounds the unrounded change, which EP's
-- one-decimal percent cannot always tell (12.5 may be 12 or 13), so a sheet shows this one when it exists.
-- A code the cycle has no line for takes the line of the same occupations (projection_same_lines).

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
FROM (
    SELECT *, soc_code AS line_code FROM sheet_projections(as_of)
    UNION ALL
    -- an OEWS code the cycle prints on another line of the same occupations (37-3010 on 37-3000): a
    -- summary of that line, never a line item of its own (which would be a sheet of its own)
    SELECT p.* REPLACE (s.soc_code AS soc_code, 'Summary' AS occupation_type), p.soc_code AS line_code
    FROM projection_same_lines s
    JOIN sheet_projections(as_of) p ON p.cycle = s.cycle AND p.soc_code = s.line_code
    WHERE s.soc_code IN (SELECT soc_code FROM sheet_oews(as_of))
) p
LEFT JOIN (
    SELECT edition, soc_code, max(change_percent) AS change_percent
    FROM ooh_profile_soc
    WHERE change_percent IS NOT NULL
    GROUP BY edition, soc_code
) t ON t.edition = p.cycle AND t.soc_code = p.line_code
FULL OUTER JOIN sheet_oews(as_of) w ON w.soc_code = p.soc_code;

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

