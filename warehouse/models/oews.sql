-- OEWS figures: one pivot of oews_estimates, and the narrower views and macros as filters over it.
--
-- oews_figures is the only place the long fact table becomes wide: one row per release, area,
-- industry and occupation, every measure of transforms.vocabulary.MEASURES as a column followed by
-- its status. Its column list is generated (python -m warehouse.models.generate rewrites the block
-- between the markers; tests/test_warehouse_models.py fails when it and the vocabulary disagree).
-- oews_national is its nation, cross-industry rows; sheet_oews(as_of) is oews_national for the
-- release sheet_releases(as_of) picks. Filters on release_id, area_code, industry_code and soc_code
-- reach the fact table's scan. Releases loaded from the national zip have no dimension rows: the
-- nation and cross-industry are then named here.

CREATE OR REPLACE VIEW oews_figures AS
WITH pivoted AS (
    SELECT
        release_id, area_code, industry_code, soc_code,
        -- BEGIN generated
        max(value)        FILTER (WHERE measure = 'employment')        AS employment,
        any_value(status) FILTER (WHERE measure = 'employment')        AS employment_status,
        max(value)        FILTER (WHERE measure = 'employment_rse')    AS employment_rse,
        any_value(status) FILTER (WHERE measure = 'employment_rse')    AS employment_rse_status,
        max(value)        FILTER (WHERE measure = 'jobs_per_1000')     AS jobs_per_1000,
        any_value(status) FILTER (WHERE measure = 'jobs_per_1000')     AS jobs_per_1000_status,
        max(value)        FILTER (WHERE measure = 'location_quotient') AS location_quotient,
        any_value(status) FILTER (WHERE measure = 'location_quotient') AS location_quotient_status,
        max(value)        FILTER (WHERE measure = 'hourly_mean')       AS hourly_mean,
        any_value(status) FILTER (WHERE measure = 'hourly_mean')       AS hourly_mean_status,
        max(value)        FILTER (WHERE measure = 'annual_mean')       AS annual_mean,
        any_value(status) FILTER (WHERE measure = 'annual_mean')       AS annual_mean_status,
        max(value)        FILTER (WHERE measure = 'wage_rse')          AS wage_rse,
        any_value(status) FILTER (WHERE measure = 'wage_rse')          AS wage_rse_status,
        max(value)        FILTER (WHERE measure = 'hourly_p10')        AS hourly_p10,
        any_value(status) FILTER (WHERE measure = 'hourly_p10')        AS hourly_p10_status,
        max(value)        FILTER (WHERE measure = 'hourly_p25')        AS hourly_p25,
        any_value(status) FILTER (WHERE measure = 'hourly_p25')        AS hourly_p25_status,
        max(value)        FILTER (WHERE measure = 'hourly_median')     AS hourly_median,
        any_value(status) FILTER (WHERE measure = 'hourly_median')     AS hourly_median_status,
        max(value)        FILTER (WHERE measure = 'hourly_p75')        AS hourly_p75,
        any_value(status) FILTER (WHERE measure = 'hourly_p75')        AS hourly_p75_status,
        max(value)        FILTER (WHERE measure = 'hourly_p90')        AS hourly_p90,
        any_value(status) FILTER (WHERE measure = 'hourly_p90')        AS hourly_p90_status,
        max(value)        FILTER (WHERE measure = 'annual_p10')        AS annual_p10,
        any_value(status) FILTER (WHERE measure = 'annual_p10')        AS annual_p10_status,
        max(value)        FILTER (WHERE measure = 'annual_p25')        AS annual_p25,
        any_value(status) FILTER (WHERE measure = 'annual_p25')        AS annual_p25_status,
        max(value)        FILTER (WHERE measure = 'annual_median')     AS annual_median,
        any_value(status) FILTER (WHERE measure = 'annual_median')     AS annual_median_status,
        max(value)        FILTER (WHERE measure = 'annual_p75')        AS annual_p75,
        any_value(status) FILTER (WHERE measure = 'annual_p75')        AS annual_p75_status,
        max(value)        FILTER (WHERE measure = 'annual_p90')        AS annual_p90,
        any_value(status) FILTER (WHERE measure = 'annual_p90')        AS annual_p90_status
        -- END generated
    FROM oews_estimates
    GROUP BY release_id, area_code, industry_code, soc_code
)
SELECT
    p.release_id,
    r.period,
    r.reference_year AS year,
    p.area_code,
    coalesce(a.area_name, CASE WHEN p.area_code = '0000000' THEN 'National' END)   AS area_name,
    coalesce(a.area_type, CASE WHEN p.area_code = '0000000' THEN 'national' END)   AS area_type,
    coalesce(a.state_code, CASE WHEN p.area_code = '0000000' THEN '00' END)        AS state_code,
    p.industry_code,
    coalesce(i.industry_name,
             CASE WHEN p.industry_code = '000000' THEN 'Cross-Industry, Private, Federal, State, and Local' END)
                                                                                      AS industry_name,
    p.soc_code,
    o.title,
    o.level,
    p.* EXCLUDE (release_id, area_code, industry_code, soc_code)
FROM pivoted p
JOIN releases r ON r.source = 'oews' AND r.release_id = p.release_id
LEFT JOIN oews_occupations o ON o.release_id = p.release_id AND o.soc_code = p.soc_code
LEFT JOIN oews_areas a ON a.release_id = p.release_id AND a.area_code = p.area_code
LEFT JOIN oews_industries i ON i.release_id = p.release_id AND i.industry_code = p.industry_code;

CREATE OR REPLACE VIEW latest_oews_figures AS
SELECT f.*
FROM oews_figures f
JOIN latest_releases l ON l.source = 'oews' AND l.release_id = f.release_id;

-- Every release's national cross-industry row of each occupation: oews_figures without the area and
-- industry columns. title IS NOT NULL keeps to the occupations the release lists in oews_occupations.
CREATE OR REPLACE VIEW oews_national AS
SELECT * EXCLUDE (area_code, area_name, area_type, state_code, industry_code, industry_name)
FROM oews_figures
WHERE area_code = '0000000' AND industry_code = '000000' AND title IS NOT NULL;

-- What a sheet shows of OEWS: oews_national for the chosen release (top_coded percentiles must say
-- "or more", so every figure comes with its status).
CREATE OR REPLACE MACRO sheet_oews(as_of) AS TABLE
FROM oews_national
WHERE release_id = sheet_release_id(as_of, 'oews');

CREATE OR REPLACE VIEW latest_oews_national AS
FROM sheet_oews(NULL);
