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
COMMENT ON VIEW latest_ooh_profiles IS 'Profiles of the newest loaded OOH edition with their quick facts (NULL for profiles without them).';

CREATE OR REPLACE VIEW latest_ooh_profile_soc AS
SELECT s.*
FROM ooh_profile_soc s
JOIN latest_releases l ON l.source = 'ooh' AND l.release_id = s.edition;
COMMENT ON VIEW latest_ooh_profile_soc IS 'Profile-to-SOC links of the newest loaded OOH edition.';

CREATE OR REPLACE VIEW latest_ooh_sections AS
SELECT s.*
FROM ooh_sections s
JOIN latest_releases l ON l.source = 'ooh' AND l.release_id = s.edition;
COMMENT ON VIEW latest_ooh_sections IS 'Text sections of the newest loaded OOH edition.';

CREATE OR REPLACE VIEW latest_ooh_similar AS
SELECT s.*
FROM ooh_similar s
JOIN latest_releases l ON l.source = 'ooh' AND l.release_id = s.edition;
COMMENT ON VIEW latest_ooh_similar IS 'Similar occupations of the newest loaded OOH edition.';

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
COMMENT ON VIEW ooh_by_soc IS 'For each SOC code, the profile(s) of the newest OOH edition that cover it, and which crosswalks say so: what a fact sheet looks up.';

CREATE OR REPLACE MACRO sheet_ooh_profiles(as_of) AS TABLE
SELECT
    p.edition, p.slug, p.occupation_group, p.title, p.url, p.description, p.has_quick_facts,
    q.pay_year, q.median_pay_annual, q.median_pay_hourly, q.pay_status,
    q.education, q.work_experience, q.training,
    q.jobs_year, q.jobs, q.outlook_period, q.outlook_percent, q.outlook_phrase, q.employment_change
FROM ooh_profiles p
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = p.edition
LEFT JOIN ooh_quick_facts q ON q.edition = p.edition AND q.slug = p.slug;
COMMENT ON MACRO TABLE sheet_ooh_profiles IS 'OOH profiles of the edition sheet_releases(as_of) picks, with their quick facts (NULL when the profile has none).';

CREATE OR REPLACE MACRO sheet_ooh_links(as_of) AS TABLE
SELECT s.slug, s.soc_code, bool_or(s.is_primary) AS is_primary, min(s.depth) AS depth,
       list(DISTINCT s.via ORDER BY s.via) AS via
FROM ooh_profile_soc s
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = s.edition
GROUP BY ALL;
COMMENT ON MACRO TABLE sheet_ooh_links IS 'Which SOC codes each OOH profile of the chosen edition covers, whether it is the code its quick facts describe, and which crosswalks say so.';

CREATE OR REPLACE MACRO sheet_ooh_sections(as_of) AS TABLE
SELECT s.slug, s.section, s.ordinal, s.heading, s.text
FROM ooh_sections s
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = s.edition;
COMMENT ON MACRO TABLE sheet_ooh_sections IS 'Clean text of the OOH sections of the chosen edition (sheets escape it themselves; the stored HTML is not used).';

CREATE OR REPLACE MACRO sheet_ooh_similar(as_of) AS TABLE
SELECT s.slug, s.ordinal, s.similar_title, s.similar_url, s.similar_slug, s.job_duties, s.education,
       s.pay_year, s.median_pay_annual, s.pay_status
FROM ooh_similar s
JOIN sheet_releases(as_of) r ON r.source = 'ooh' AND r.release_id = s.edition;
COMMENT ON MACRO TABLE sheet_ooh_similar IS 'The Similar Occupations of each OOH profile of the chosen edition: where generated sheets take their alternative careers.';
