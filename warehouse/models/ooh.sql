-- Occupational Outlook Handbook: the profiles of the current edition (latest_releases) and of the
-- edition an as-of year picks (sheet_releases), with their quick facts, SOC links, sections and
-- similar occupations.

CREATE OR REPLACE VIEW latest_ooh_profiles AS
SELECT
    p.*,
    q.pay_year, q.median_pay_annual, q.median_pay_hourly, q.pay_status,
    q.education, q.work_experience, q.training,
    q.jobs_year, q.jobs, q.outlook_period, q.outlook_percent, q.outlook_phrase, q.employment_change
FROM ooh_profiles p
JOIN latest_releases l ON l.source = 'ooh' AND l.release_id = p.edition
LEFT JOIN ooh_quick_facts q ON q.edition = p.edition AND q.slug = p.slug;

-- Both crosswalks, whichever source loaded first: the profile's own projections table (OOH output)
-- and EP's hyperlinks from occupations to profiles (EP output, ep_ooh_links; an edition is linked by
-- the EP cycle it is named after). An edition loaded while EP was failing gets EP's links as soon as
-- EP loads; one loaded before the links became EP output may still hold them itself (UNION: once).
CREATE OR REPLACE VIEW ooh_soc_links AS
SELECT edition, slug, soc_code, via, soc_title, soc_level, table_row, depth, is_primary,
       employment_base, employment_target, change_percent, change_numeric
FROM ooh_profile_soc
UNION
SELECT p.edition, p.slug, e.soc_code, 'ep_workbook' AS via, e.title AS soc_title, j.level AS soc_level,
       NULL AS table_row, NULL AS depth, false AS is_primary,
       NULL AS employment_base, NULL AS employment_target, NULL AS change_percent, NULL AS change_numeric
FROM ep_ooh_links e
JOIN ooh_profiles p ON p.edition = e.cycle AND p.slug = e.slug
JOIN projections j ON j.cycle = e.cycle AND j.soc_code = e.soc_code;

CREATE OR REPLACE VIEW latest_ooh_profile_soc AS
SELECT s.*
FROM ooh_soc_links s
JOIN latest_releases l ON l.source = 'ooh' AND l.release_id = s.edition;

CREATE OR REPLACE VIEW latest_ooh_sections AS
SELECT s.*
FROM ooh_sections s
JOIN latest_releases l ON l.source = 'ooh' AND l.release_id = s.edition;

CREATE OR REPLACE VIEW latest_ooh_similar AS
SELECT s.*
FROM ooh_similar s
JOIN latest_releases l ON l.source = 'ooh' AND l.release_id = s.edition;

CREATE OR REPLACE VIEW ooh_by_soc AS
SELECT
    s.soc_code,
    p.slug,
    p.title,
    p.url,
    p.edition,
    bool_or(s.is_primary)                  AS is_primary,
    list(DISTINCT s.via ORDER BY s.via)    AS via
FROM latest_ooh_profile_soc s
JOIN latest_ooh_profiles p ON p.edition = s.edition AND p.slug = s.slug
GROUP BY ALL;

CREATE OR REPLACE MACRO sheet_ooh_profiles(as_of) AS TABLE
SELECT
    p.edition, p.slug, p.occupation_group, p.title, p.url, p.description, p.has_quick_facts,
    q.pay_year, q.median_pay_annual, q.median_pay_hourly, q.pay_status,
    q.education, q.work_experience, q.training,
    q.jobs_year, q.jobs, q.outlook_period, q.outlook_percent, q.outlook_phrase, q.employment_change
FROM ooh_profiles p
LEFT JOIN ooh_quick_facts q ON q.edition = p.edition AND q.slug = p.slug
WHERE p.edition = sheet_release_id(as_of, 'ooh');

CREATE OR REPLACE MACRO sheet_ooh_links(as_of) AS TABLE
SELECT s.slug, s.soc_code, bool_or(s.is_primary) AS is_primary, min(s.depth) AS depth,
       list(DISTINCT s.via ORDER BY s.via) AS via
FROM ooh_soc_links s
WHERE s.edition = sheet_release_id(as_of, 'ooh')
GROUP BY ALL;

CREATE OR REPLACE MACRO sheet_ooh_sections(as_of) AS TABLE
SELECT s.slug, s.section, s.ordinal, s.heading, s.text
FROM ooh_sections s
WHERE s.edition = sheet_release_id(as_of, 'ooh');

CREATE OR REPLACE MACRO sheet_ooh_similar(as_of) AS TABLE
SELECT s.slug, s.ordinal, s.similar_title, s.similar_url, s.similar_slug, s.job_duties, s.education,
       s.pay_year, s.median_pay_annual, s.pay_status
FROM ooh_similar s
WHERE s.edition = sheet_release_id(as_of, 'ooh');
