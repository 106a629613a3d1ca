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

