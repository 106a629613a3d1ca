-- What the fact sheets read, as table macros parameterised by an as-of year.
--
-- as_of NULL means "the newest loaded release of each source" (what a refresh publishes); a year Y
-- means "what a sheet said with the releases of Y": for each source the newest release whose
-- reference_year is at most Y (OEWS May Y, the EP cycle and OOH edition based in Y, or the
-- newest before them when that year's release is not in the history). The sheets read only these
-- macros (warehouse/sheet_queries.py), so the latest sheets and an audited old sheet come from one
-- definition.

CREATE MACRO sheet_releases(as_of) AS TABLE
SELECT * EXCLUDE (rn)
FROM (
    SELECT r.*, row_number() OVER (PARTITION BY source ORDER BY reference_year DESC, release_id DESC) AS rn
    FROM releases r
    WHERE as_of IS NULL OR r.reference_year <= as_of
)
WHERE rn = 1;
COMMENT ON MACRO TABLE sheet_releases IS 'The release of each source a sheet uses: the newest loaded (as_of NULL) or the newest with reference_year <= as_of; with the provenance every figure carries (source_url, fetched_at, archive_sha256).';

-- OEWS national cross-industry figures of the chosen release, one row per occupation, every wage
-- measure a sheet shows with its own status (top_coded percentiles must say "or more").
CREATE MACRO sheet_oews(as_of) AS TABLE
SELECT
    e.soc_code,
    o.title,
    o.level,
    r.release_id,
    r.period,
    r.reference_year AS year,
    max(e.value)        FILTER (WHERE e.measure = 'employment')    AS employment,
    any_value(e.status) FILTER (WHERE e.measure = 'employment')    AS employment_status,
    max(e.value)        FILTER (WHERE e.measure = 'annual_median') AS annual_median,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_median') AS annual_median_status,
    max(e.value)        FILTER (WHERE e.measure = 'hourly_median') AS hourly_median,
    any_value(e.status) FILTER (WHERE e.measure = 'hourly_median') AS hourly_median_status,
    max(e.value)        FILTER (WHERE e.measure = 'annual_p10')    AS annual_p10,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_p10')    AS annual_p10_status,
    max(e.value)        FILTER (WHERE e.measure = 'annual_p25')    AS annual_p25,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_p25')    AS annual_p25_status,
    max(e.value)        FILTER (WHERE e.measure = 'annual_p75')    AS annual_p75,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_p75')    AS annual_p75_status,
    max(e.value)        FILTER (WHERE e.measure = 'annual_p90')    AS annual_p90,
    any_value(e.status) FILTER (WHERE e.measure = 'annual_p90')    AS annual_p90_status,
    max(e.value)        FILTER (WHERE e.measure = 'hourly_p10')    AS hourly_p10,
    any_value(e.status) FILTER (WHERE e.measure = 'hourly_p10')    AS hourly_p10_status,
    max(e.value)        FILTER (WHERE e.measure = 'hourly_p25')    AS hourly_p25,
    any_value(e.status) FILTER (WHERE e.measure = 'hourly_p25')    AS hourly_p25_status,
    max(e.value)        FILTER (WHERE e.measure = 'hourly_p75')    AS hourly_p75,
    any_value(e.status) FILTER (WHERE e.measure = 'hourly_p75')    AS hourly_p75_status,
    max(e.value)        FILTER (WHERE e.measure = 'hourly_p90')    AS hourly_p90,
    any_value(e.status) FILTER (WHERE e.measure = 'hourly_p90')    AS hourly_p90_status
FROM oews_estimates e
JOIN sheet_releases(as_of) r ON r.source = 'oews' AND r.release_id = e.release_id
JOIN oews_occupations o ON o.release_id = e.release_id AND o.soc_code = e.soc_code
WHERE e.area_code = '0000000' AND e.industry_code = '000000'
GROUP BY ALL;
COMMENT ON MACRO TABLE sheet_oews IS 'OEWS national cross-industry wages and employment of the release sheet_releases(as_of) picks, one row per occupation, each wage measure with its status.';

CREATE MACRO sheet_projections(as_of) AS TABLE
SELECT p.*
FROM projections p
JOIN sheet_releases(as_of) r ON r.source = 'projections' AND r.release_id = p.cycle;
COMMENT ON MACRO TABLE sheet_projections IS 'Employment Projections of the cycle sheet_releases(as_of) picks (00-0000 is the all-occupations average).';

CREATE MACRO sheet_occupations(as_of) AS TABLE
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
    w.release_id                      AS oews_release_id,
    w.period                          AS oews_period,
    w.year                            AS oews_year,
    w.employment                      AS oews_employment,
    w.employment_status               AS oews_employment_status,
    w.* EXCLUDE (soc_code, title, level, release_id, period, year, employment, employment_status)
FROM sheet_projections(as_of) p
FULL OUTER JOIN sheet_oews(as_of) w ON w.soc_code = p.soc_code;
COMMENT ON MACRO TABLE sheet_occupations IS 'Per occupation, the EP projection and the OEWS national wages of the releases sheet_releases(as_of) picks, side by side (occupation_facts for any year).';

CREATE MACRO sheet_ooh_profiles(as_of) AS TABLE
SELECT
    p.edition, p.slug, p.occupation_group, p.title, p.url, p.description, p.has_quick_facts,
    q.pay_year, q.median_pay_annual, q.median_pay_hourly, q.pay_status,
    q.education, q.work_experience, q.training,
    q.jobs_year, q.jobs, q.outlook_period, q.outlook_percent, q.outlook_phrase, q.employment_change
FROM ooh_profiles p
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = p.edition
LEFT JOIN ooh_quick_facts q ON q.edition = p.edition AND q.slug = p.slug;
COMMENT ON MACRO TABLE sheet_ooh_profiles IS 'OOH profiles of the edition sheet_releases(as_of) picks, with their quick facts (NULL when the profile has none).';

CREATE MACRO sheet_ooh_links(as_of) AS TABLE
SELECT s.slug, s.soc_code, bool_or(s.is_primary) AS is_primary, min(s.depth) AS depth,
       list(DISTINCT s.via ORDER BY s.via) AS via
FROM ooh_profile_soc s
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = s.edition
GROUP BY ALL;
COMMENT ON MACRO TABLE sheet_ooh_links IS 'Which SOC codes each OOH profile of the chosen edition covers, whether it is the code its quick facts describe, and which crosswalks say so.';

CREATE MACRO sheet_ooh_sections(as_of) AS TABLE
SELECT s.slug, s.section, s.ordinal, s.heading, s.text
FROM ooh_sections s
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = s.edition;
COMMENT ON MACRO TABLE sheet_ooh_sections IS 'Clean text of the OOH sections of the chosen edition (sheets escape it themselves; the stored HTML is not used).';

CREATE MACRO sheet_ooh_similar(as_of) AS TABLE
SELECT s.slug, s.ordinal, s.similar_title, s.similar_url, s.similar_slug, s.job_duties, s.education,
       s.pay_year, s.median_pay_annual, s.pay_status
FROM ooh_similar s
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = s.edition;
COMMENT ON MACRO TABLE sheet_ooh_similar IS 'The Similar Occupations of each OOH profile of the chosen edition: where generated sheets take their alternative careers.';
