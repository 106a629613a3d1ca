-- The history of every occupation across releases and sources, in long form.

-- Every figure of every release of every source, per occupation, in long form. Rule for SOC
-- changes: a figure published under a code listed in soc_crosswalk.old_soc_code (a retired code)
-- is shown under each of its successors, with published_soc_code saying what the release wrote
-- and soc_relation how the codes relate; it is never divided between successors. Figures
-- published under current codes have soc_relation = 'same'.
CREATE OR REPLACE VIEW occupation_history AS
WITH published AS (
    SELECT 'oews' AS source, e.release_id, e.soc_code, o.title, e.measure AS figure, e.value, e.status,
           CAST(NULL AS VARCHAR) AS ooh_slug
    FROM oews_estimates e
    JOIN oews_occupations o ON o.release_id = e.release_id AND o.soc_code = e.soc_code
    WHERE e.area_code = '0000000' AND e.industry_code = '000000'
    UNION ALL
    SELECT 'projections', cycle, soc_code, title, figure, value,
           CASE
               WHEN figure = 'median_wage' THEN median_wage_status
               WHEN value IS NULL THEN 'not_available'
               ELSE 'published'
           END,
           NULL
    FROM (
        SELECT cycle, soc_code, title, median_wage_status,
               CAST(employment_base AS DOUBLE)   AS employment_base,
               CAST(employment_target AS DOUBLE) AS employment_target,
               CAST(change_numeric AS DOUBLE)    AS change_numeric,
               change_percent,
               self_employed_pct,
               CAST(openings_annual AS DOUBLE)   AS openings_annual,
               median_wage
        FROM projections
    ) UNPIVOT INCLUDE NULLS (value FOR figure IN (
        employment_base, employment_target, change_numeric, change_percent, self_employed_pct,
        openings_annual, median_wage
    ))
    UNION ALL
    SELECT 'ooh', edition, soc_code, title, figure, value,
           CASE
               WHEN figure IN ('median_pay_annual', 'median_pay_hourly') AND value IS NULL
                   THEN CASE WHEN pay_status IN ('published', 'top_coded') THEN 'not_available' ELSE pay_status END
               WHEN figure IN ('median_pay_annual', 'median_pay_hourly') AND pay_status = 'top_coded' THEN 'top_coded'
               ELSE 'published'
           END,
           slug
    FROM (
        SELECT q.edition, s.soc_code, p.title, q.slug, q.pay_status,
               CAST(q.jobs AS DOUBLE)              AS jobs,
               q.outlook_percent,
               CAST(q.employment_change AS DOUBLE) AS employment_change,
               q.median_pay_annual,
               q.median_pay_hourly
        FROM ooh_quick_facts q
        JOIN ooh_profile_soc s ON s.edition = q.edition AND s.slug = q.slug AND s.is_primary
        JOIN ooh_profiles p ON p.edition = q.edition AND p.slug = q.slug
    ) UNPIVOT INCLUDE NULLS (value FOR figure IN (
        jobs, outlook_percent, employment_change, median_pay_annual, median_pay_hourly
    ))
)
SELECT
    coalesce(x.new_soc_code, f.soc_code)  AS soc_code,
    f.soc_code                            AS published_soc_code,
    coalesce(x.relation, 'same')          AS soc_relation,
    f.title                               AS published_title,
    f.source,
    f.release_id,
    r.period,
    r.reference_year,
    f.figure,
    f.value,
    f.status,
    f.ooh_slug
FROM published f
JOIN releases r ON r.source = f.source AND r.release_id = f.release_id
LEFT JOIN soc_crosswalk x ON x.old_soc_code = f.soc_code;
COMMENT ON VIEW occupation_history IS 'Every figure of every loaded release, per occupation and source, oldest to newest by reference_year: OEWS national cross-industry measures, EP projections per cycle, OOH quick facts per edition. Figures published under a retired SOC code appear under each successor (soc_crosswalk), flagged by soc_relation.';

COMMENT ON COLUMN occupation_history.soc_code IS 'The occupation in the current classification: the published code, or for a retired code each of its successors.';
COMMENT ON COLUMN occupation_history.published_soc_code IS 'The code the release published the figure under.';
COMMENT ON COLUMN occupation_history.soc_relation IS 'same (published under soc_code), or recode, split or merge (published under a retired code; see soc_crosswalk.relation: only recode figures are comparable as they are).';
COMMENT ON COLUMN occupation_history.published_title IS 'Occupation title as that release published it.';
COMMENT ON COLUMN occupation_history.source IS 'oews (national, cross-industry), projections (EP) or ooh (quick facts of the profile whose primary code this is).';
COMMENT ON COLUMN occupation_history.release_id IS 'Release of the source (releases.release_id): 2025A01, 2024-34, ...';
COMMENT ON COLUMN occupation_history.period IS 'The release''s period label: May 2025, 2024-2034, ...';
COMMENT ON COLUMN occupation_history.reference_year IS 'OEWS survey year or EP/OOH base year: order releases by it.';
COMMENT ON COLUMN occupation_history.figure IS 'oews: a measure of oews_estimates (annual_median, employment, ...); projections: employment_base, employment_target, change_numeric, change_percent, self_employed_pct, openings_annual, median_wage; ooh: jobs, outlook_percent, employment_change, median_pay_annual, median_pay_hourly.';
COMMENT ON COLUMN occupation_history.value IS 'The figure (persons, dollars or percent as the source states it); NULL when status says why.';
COMMENT ON COLUMN occupation_history.status IS 'published, top_coded (value is a lower bound), or why the value is NULL: not_available, hourly_only, annual_only, wage_not_available, employment_not_available, not_released.';
COMMENT ON COLUMN occupation_history.ooh_slug IS 'For ooh figures, the profile they come from (ooh_profiles.slug); NULL otherwise.';
