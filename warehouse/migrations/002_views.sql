-- Layered views: staging (one release per row set) -> latest -> the per-occupation facts sheets read.

CREATE VIEW latest_releases AS
SELECT * EXCLUDE (rn)
FROM (
    SELECT r.*, row_number() OVER (PARTITION BY source ORDER BY reference_year DESC, release_id DESC) AS rn
    FROM releases r
)
WHERE rn = 1;
COMMENT ON VIEW latest_releases IS 'The newest loaded release of each source.';

CREATE VIEW oews_national AS
SELECT
    e.release_id,
    r.period,
    r.reference_year AS year,
    e.soc_code,
    o.title,
    o.level,
    max(e.value)  FILTER (WHERE e.measure = 'employment')        AS employment,
    any_value(e.status) FILTER (WHERE e.measure = 'employment')  AS employment_status,
    max(e.value)  FILTER (WHERE e.measure = 'hourly_mean')       AS hourly_mean,
    any_value(e.status) FILTER (WHERE e.measure = 'hourly_mean') AS hourly_mean_status,
    max(e.value)  FILTER (WHERE e.measure = 'annual_mean')       AS annual_mean,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_mean') AS annual_mean_status,
    max(e.value)  FILTER (WHERE e.measure = 'hourly_p10')        AS hourly_p10,
    max(e.value)  FILTER (WHERE e.measure = 'hourly_p25')        AS hourly_p25,
    max(e.value)  FILTER (WHERE e.measure = 'hourly_median')     AS hourly_median,
    any_value(e.status) FILTER (WHERE e.measure = 'hourly_median') AS hourly_median_status,
    max(e.value)  FILTER (WHERE e.measure = 'hourly_p75')        AS hourly_p75,
    max(e.value)  FILTER (WHERE e.measure = 'hourly_p90')        AS hourly_p90,
    max(e.value)  FILTER (WHERE e.measure = 'annual_p10')        AS annual_p10,
    max(e.value)  FILTER (WHERE e.measure = 'annual_p25')        AS annual_p25,
    max(e.value)  FILTER (WHERE e.measure = 'annual_median')     AS annual_median,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_median') AS annual_median_status,
    max(e.value)  FILTER (WHERE e.measure = 'annual_p75')        AS annual_p75,
    max(e.value)  FILTER (WHERE e.measure = 'annual_p90')        AS annual_p90,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_p90')  AS annual_p90_status
FROM oews_estimates e
JOIN releases r ON r.source = 'oews' AND r.release_id = e.release_id
JOIN oews_occupations o ON o.release_id = e.release_id AND o.soc_code = e.soc_code
WHERE e.area_code = '0000000' AND e.industry_code = '000000'
GROUP BY ALL;
COMMENT ON VIEW oews_national IS 'OEWS national cross-industry figures, one row per release and occupation, wages as columns with the status of the headline ones.';

CREATE VIEW latest_oews_national AS
SELECT n.*
FROM oews_national n
JOIN latest_releases l ON l.source = 'oews' AND l.release_id = n.release_id;
COMMENT ON VIEW latest_oews_national IS 'oews_national for the newest loaded OEWS release only.';

CREATE VIEW latest_projections AS
SELECT p.*
FROM projections p
JOIN latest_releases l ON l.source = 'projections' AND l.release_id = p.cycle;
COMMENT ON VIEW latest_projections IS 'Employment Projections of the newest loaded cycle only.';

CREATE VIEW occupation_facts AS
SELECT
    coalesce(p.soc_code, w.soc_code)         AS soc_code,
    coalesce(w.title, p.title)               AS title,
    coalesce(w.level, p.level)               AS level,
    p.occupation_type,
    p.education,
    p.work_experience,
    p.training,
    p.cycle                                  AS projection_cycle,
    p.base_year                              AS projection_base_year,
    p.target_year                            AS projection_target_year,
    p.employment_base                        AS projected_employment_base,
    p.employment_target                      AS projected_employment_target,
    p.change_numeric                         AS projected_change_numeric,
    p.change_percent                         AS projected_change_percent,
    p.openings_annual                        AS projected_openings_annual,
    w.release_id                             AS oews_release_id,
    w.period                                 AS oews_period,
    w.year                                   AS oews_year,
    w.employment                             AS oews_employment,
    w.annual_median,
    w.annual_median_status,
    w.hourly_median,
    w.hourly_median_status,
    w.annual_mean,
    w.annual_p10, w.annual_p25, w.annual_p75, w.annual_p90,
    w.hourly_p10, w.hourly_p25, w.hourly_p75, w.hourly_p90,
    lp.source_url      AS projections_source_url,
    lp.fetched_at      AS projections_fetched_at,
    lp.archive_sha256  AS projections_sha256,
    lo.source_url      AS oews_source_url,
    lo.fetched_at      AS oews_fetched_at,
    lo.archive_sha256  AS oews_sha256
FROM latest_projections p
FULL OUTER JOIN latest_oews_national w ON w.soc_code = p.soc_code
LEFT JOIN latest_releases lp ON lp.source = 'projections'
LEFT JOIN latest_releases lo ON lo.source = 'oews';
COMMENT ON VIEW occupation_facts IS 'Per occupation, the newest EP projection and OEWS national wages side by side, with where each figure came from: what a fact sheet needs.';
