-- The analysts' warehouse: every OEWS area with its dimensions, a SOC crosswalk, and history views.
--
-- oews_estimates stays the one fact table (every area, industry, occupation and measure of every
-- release). An all-areas release from the flat files also loads its dimensions, per release, from
-- oe.area, oe.industry, oe.datatype and oe.footnote (warehouse/areas.py, in the same transaction as
-- the figures). Releases loaded from the national zip have no dimension rows: the views below then
-- name the nation and cross-industry themselves.

COMMENT ON TABLE schema_migrations IS 'Which numbered SQL migrations (warehouse/migrations/NNN_name.sql) this warehouse has applied; applied in order when a writable connection opens.';
COMMENT ON COLUMN schema_migrations.version IS 'Migration number, the NNN of its file name.';
COMMENT ON COLUMN schema_migrations.name IS 'Migration name, the rest of its file name.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When the migration was applied to this file (UTC).';

CREATE TABLE oews_areas (
    release_id     VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    area_name      VARCHAR NOT NULL,
    area_type      VARCHAR NOT NULL,
    areatype_code  VARCHAR NOT NULL,
    state_code     VARCHAR,
    PRIMARY KEY (release_id, area_code)
);
COMMENT ON TABLE oews_areas IS 'OEWS areas of a release (oe.area): the nation, states and territories, metropolitan and nonmetropolitan areas. Holds the areas the load kept: only 0000000 when the release was loaded with --oews-areas national.';
COMMENT ON COLUMN oews_areas.release_id IS 'OEWS release code (releases.release_id), e.g. 2025A01.';
COMMENT ON COLUMN oews_areas.area_code IS 'OEWS area code, 7 digits (oews_estimates.area_code): 0000000 the nation; SS00000 a state (FIPS code SS); 00NNNNN a metropolitan area (its CBSA code); SS0000N a nonmetropolitan area of state SS.';
COMMENT ON COLUMN oews_areas.area_name IS 'Area name as BLS lists it, e.g. Cheyenne, WY or Northeast Wyoming nonmetropolitan area.';
COMMENT ON COLUMN oews_areas.area_type IS 'national, state (states, the District of Columbia and territories), metropolitan (metropolitan statistical areas and NECTAs) or nonmetropolitan (groups of counties outside them).';
COMMENT ON COLUMN oews_areas.areatype_code IS 'BLS area type code: N national, S state, M metropolitan or nonmetropolitan area.';
COMMENT ON COLUMN oews_areas.state_code IS 'FIPS code of the state the area belongs to (00 for the nation; for a metropolitan area spanning states, the one BLS lists).';

CREATE TABLE oews_industries (
    release_id     VARCHAR NOT NULL,
    industry_code  VARCHAR NOT NULL,
    industry_name  VARCHAR NOT NULL,
    display_level  INTEGER NOT NULL,
    sort_sequence  INTEGER,
    PRIMARY KEY (release_id, industry_code)
);
COMMENT ON TABLE oews_industries IS 'OEWS industries of a release (oe.industry): cross-industry, ownership groups, NAICS sectors and the 3- to 6-digit industries OEWS publishes (national estimates only).';
COMMENT ON COLUMN oews_industries.release_id IS 'OEWS release code (releases.release_id).';
COMMENT ON COLUMN oews_industries.industry_code IS 'OEWS industry code, 6 characters (oews_estimates.industry_code): 000000 cross-industry; 000001 private ownership; NN--NN a NAICS sector range such as 31--34; otherwise a NAICS code padded with zeros, or with a letter suffix (3250A1) for a BLS grouping of NAICS codes.';
COMMENT ON COLUMN oews_industries.industry_name IS 'Industry name as BLS lists it, e.g. Hospitals or Sectors 31, 32, and 33 - Manufacturing.';
COMMENT ON COLUMN oews_industries.display_level IS 'Depth in the BLS industry listing: 0 cross-industry, 1 ownership, 2 sector, 3 NAICS 3-digit, 4 NAICS 4-digit, 5 NAICS 5- or 6-digit.';
COMMENT ON COLUMN oews_industries.sort_sequence IS 'Order of the industry in the BLS listing (a sector is followed by its industries).';

CREATE TABLE oews_datatypes (
    release_id     VARCHAR NOT NULL,
    datatype_code  VARCHAR NOT NULL,
    datatype_name  VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    PRIMARY KEY (release_id, datatype_code)
);
COMMENT ON TABLE oews_datatypes IS 'OEWS datatypes of a release (oe.datatype): the last two digits of a series id, and the measure name oews_estimates uses for each.';
COMMENT ON COLUMN oews_datatypes.release_id IS 'OEWS release code (releases.release_id).';
COMMENT ON COLUMN oews_datatypes.datatype_code IS 'Datatype code 01-17 as in the series id.';
COMMENT ON COLUMN oews_datatypes.datatype_name IS 'BLS wording, e.g. Annual median wage or Location Quotient.';
COMMENT ON COLUMN oews_datatypes.measure IS 'The name of this figure in oews_estimates.measure, e.g. annual_median or location_quotient.';

CREATE TABLE oews_footnotes (
    release_id     VARCHAR NOT NULL,
    footnote_code  VARCHAR NOT NULL,
    footnote_text  VARCHAR NOT NULL,
    status         VARCHAR,
    PRIMARY KEY (release_id, footnote_code)
);
COMMENT ON TABLE oews_footnotes IS 'OEWS footnotes of a release (oe.footnote). The fact table does not repeat footnote codes: what a footnote on a figure line means is in oews_estimates.status.';
COMMENT ON COLUMN oews_footnotes.release_id IS 'OEWS release code (releases.release_id).';
COMMENT ON COLUMN oews_footnotes.footnote_code IS 'Footnote number as the flat files write it.';
COMMENT ON COLUMN oews_footnotes.footnote_text IS 'The footnote as BLS words it; footnote 5 states the top-code bounds.';
COMMENT ON COLUMN oews_footnotes.status IS 'The oews_estimates.status a ''-'' figure with this footnote gets: 4 hourly_only or annual_only (whichever wage form is missing), 5 top_coded, 8 not_released; NULL for footnotes that only explain.';

-- SOC codes retired by a classification revision, and the codes that took their place. Releases
-- in the archive (OEWS May 2022-2025, EP 2021-31 to 2024-34) all use the 2018 SOC and carry none
-- of the retired codes; the table maps older releases (May 2019 and before, EP 2018-28 and before)
-- that a backfill may add. Successors are written as OEWS and EP publish them: both publish the
-- 2018 codes 31-1121 and 31-1122 together as 31-1120, so the two aide codes merge into 31-1120.
CREATE TABLE soc_crosswalk (
    old_soc_code  VARCHAR NOT NULL,
    old_title     VARCHAR NOT NULL,
    new_soc_code  VARCHAR NOT NULL,
    new_title     VARCHAR NOT NULL,
    relation      VARCHAR NOT NULL,
    soc_change    VARCHAR NOT NULL,
    PRIMARY KEY (old_soc_code, new_soc_code)
);
COMMENT ON TABLE soc_crosswalk IS 'Retired SOC codes and their successors (from the BLS 2010-to-2018 SOC crosswalk, the codes the warehouse''s sources used). occupation_history shows a figure published under a retired code under each successor, never apportioned.';
COMMENT ON COLUMN soc_crosswalk.old_soc_code IS 'The retired code, NN-NNNN, as older releases publish it.';
COMMENT ON COLUMN soc_crosswalk.old_title IS 'Title of the retired code.';
COMMENT ON COLUMN soc_crosswalk.new_soc_code IS 'A successor code in the newer classification, as OEWS and EP publish it.';
COMMENT ON COLUMN soc_crosswalk.new_title IS 'Title of the successor code.';
COMMENT ON COLUMN soc_crosswalk.relation IS 'recode: the same occupation under a new code (figures comparable); split: the old code became several codes (the old figure covers more than this successor); merge: several old codes became this one (the old figure covers only part of it).';
COMMENT ON COLUMN soc_crosswalk.soc_change IS 'The classification revision, e.g. 2010->2018.';

INSERT INTO soc_crosswalk VALUES
    ('29-2071', 'Medical Records and Health Information Technicians', '29-2072', 'Medical Records Specialists', 'split', '2010->2018'),
    ('29-2071', 'Medical Records and Health Information Technicians', '29-9021', 'Health Information Technologists and Medical Registrars', 'split', '2010->2018'),
    ('29-2041', 'Emergency Medical Technicians and Paramedics', '29-2042', 'Emergency Medical Technicians', 'split', '2010->2018'),
    ('29-2041', 'Emergency Medical Technicians and Paramedics', '29-2043', 'Paramedics', 'split', '2010->2018'),
    ('31-1011', 'Home Health Aides', '31-1120', 'Home Health and Personal Care Aides', 'merge', '2010->2018'),
    ('39-9021', 'Personal Care Aides', '31-1120', 'Home Health and Personal Care Aides', 'merge', '2010->2018'),
    ('15-1111', 'Computer and Information Research Scientists', '15-1221', 'Computer and Information Research Scientists', 'recode', '2010->2018'),
    ('15-1121', 'Computer Systems Analysts', '15-1211', 'Computer Systems Analysts', 'recode', '2010->2018'),
    ('15-1122', 'Information Security Analysts', '15-1212', 'Information Security Analysts', 'recode', '2010->2018'),
    ('15-1131', 'Computer Programmers', '15-1251', 'Computer Programmers', 'recode', '2010->2018'),
    ('15-1132', 'Software Developers, Applications', '15-1252', 'Software Developers', 'merge', '2010->2018'),
    ('15-1133', 'Software Developers, Systems Software', '15-1252', 'Software Developers', 'merge', '2010->2018'),
    ('15-1134', 'Web Developers', '15-1254', 'Web Developers', 'split', '2010->2018'),
    ('15-1134', 'Web Developers', '15-1255', 'Web and Digital Interface Designers', 'split', '2010->2018'),
    ('15-1141', 'Database Administrators', '15-1242', 'Database Administrators', 'split', '2010->2018'),
    ('15-1141', 'Database Administrators', '15-1243', 'Database Architects', 'split', '2010->2018'),
    ('15-1142', 'Network and Computer Systems Administrators', '15-1244', 'Network and Computer Systems Administrators', 'recode', '2010->2018'),
    ('15-1143', 'Computer Network Architects', '15-1241', 'Computer Network Architects', 'recode', '2010->2018'),
    ('15-1151', 'Computer User Support Specialists', '15-1232', 'Computer User Support Specialists', 'recode', '2010->2018'),
    ('15-1152', 'Computer Network Support Specialists', '15-1231', 'Computer Network Support Specialists', 'recode', '2010->2018');

-- One row per release, area, industry and occupation with every measure as a column: the
-- figures of oews_estimates pivoted, named by the dimensions. Filters on release_id, area_code,
-- industry_code and soc_code reach the fact table's scan.
CREATE VIEW oews_figures AS
WITH pivoted AS (
    SELECT
        release_id, area_code, industry_code, soc_code,
        max(value)          FILTER (WHERE measure = 'employment')        AS employment,
        any_value(status)   FILTER (WHERE measure = 'employment')        AS employment_status,
        max(value)          FILTER (WHERE measure = 'employment_rse')    AS employment_rse,
        max(value)          FILTER (WHERE measure = 'jobs_per_1000')     AS jobs_per_1000,
        max(value)          FILTER (WHERE measure = 'location_quotient') AS location_quotient,
        any_value(status)   FILTER (WHERE measure = 'location_quotient') AS location_quotient_status,
        max(value)          FILTER (WHERE measure = 'hourly_mean')       AS hourly_mean,
        any_value(status)   FILTER (WHERE measure = 'hourly_mean')       AS hourly_mean_status,
        max(value)          FILTER (WHERE measure = 'annual_mean')       AS annual_mean,
        any_value(status)   FILTER (WHERE measure = 'annual_mean')       AS annual_mean_status,
        max(value)          FILTER (WHERE measure = 'wage_rse')          AS wage_rse,
        max(value)          FILTER (WHERE measure = 'hourly_p10')        AS hourly_p10,
        max(value)          FILTER (WHERE measure = 'hourly_p25')        AS hourly_p25,
        max(value)          FILTER (WHERE measure = 'hourly_median')     AS hourly_median,
        any_value(status)   FILTER (WHERE measure = 'hourly_median')     AS hourly_median_status,
        max(value)          FILTER (WHERE measure = 'hourly_p75')        AS hourly_p75,
        max(value)          FILTER (WHERE measure = 'hourly_p90')        AS hourly_p90,
        any_value(status)   FILTER (WHERE measure = 'hourly_p90')        AS hourly_p90_status,
        max(value)          FILTER (WHERE measure = 'annual_p10')        AS annual_p10,
        max(value)          FILTER (WHERE measure = 'annual_p25')        AS annual_p25,
        max(value)          FILTER (WHERE measure = 'annual_median')     AS annual_median,
        any_value(status)   FILTER (WHERE measure = 'annual_median')     AS annual_median_status,
        max(value)          FILTER (WHERE measure = 'annual_p75')        AS annual_p75,
        max(value)          FILTER (WHERE measure = 'annual_p90')        AS annual_p90,
        any_value(status)   FILTER (WHERE measure = 'annual_p90')        AS annual_p90_status
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
COMMENT ON VIEW oews_figures IS 'OEWS figures of every loaded release, area, industry and occupation, one row each, every measure as a column with the status of the headline ones (NULL figures carry their reason there). Filter on soc_code, area_code, area_type, industry_code or release_id.';

CREATE VIEW latest_oews_figures AS
SELECT f.*
FROM oews_figures f
JOIN latest_releases l ON l.source = 'oews' AND l.release_id = f.release_id;
COMMENT ON VIEW latest_oews_figures IS 'oews_figures for the newest loaded OEWS release only.';

-- Every figure of every release of every source, per occupation, in long form. Rule for SOC
-- changes: a figure published under a code listed in soc_crosswalk.old_soc_code (a retired code)
-- is shown under each of its successors, with published_soc_code saying what the release wrote
-- and soc_relation how the codes relate; it is never divided between successors. Figures
-- published under current codes have soc_relation = 'same'.
CREATE VIEW occupation_history AS
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

COMMENT ON COLUMN oews_figures.release_id IS 'OEWS release code (releases.release_id).';
COMMENT ON COLUMN oews_figures.period IS 'Release period label, e.g. May 2025.';
COMMENT ON COLUMN oews_figures.year IS 'Survey year of the release.';
COMMENT ON COLUMN oews_figures.area_code IS 'OEWS area code (oews_areas.area_code); 0000000 the nation.';
COMMENT ON COLUMN oews_figures.area_name IS 'Area name (oews_areas.area_name).';
COMMENT ON COLUMN oews_figures.area_type IS 'national, state, metropolitan or nonmetropolitan (oews_areas.area_type).';
COMMENT ON COLUMN oews_figures.state_code IS 'FIPS state code of the area (oews_areas.state_code).';
COMMENT ON COLUMN oews_figures.industry_code IS 'OEWS industry code (oews_industries.industry_code); 000000 cross-industry.';
COMMENT ON COLUMN oews_figures.industry_name IS 'Industry name (oews_industries.industry_name).';
COMMENT ON COLUMN oews_figures.soc_code IS 'SOC code NN-NNNN (oews_occupations.soc_code).';
COMMENT ON COLUMN oews_figures.title IS 'Occupation title in this release.';
COMMENT ON COLUMN oews_figures.level IS 'SOC level: total, major, minor, broad or detailed.';
COMMENT ON COLUMN oews_figures.employment IS 'Employment, persons (rounded to tens by BLS).';
COMMENT ON COLUMN oews_figures.employment_status IS 'Status of employment (oews_estimates.status).';
COMMENT ON COLUMN oews_figures.employment_rse IS 'Relative standard error of employment, percent.';
COMMENT ON COLUMN oews_figures.jobs_per_1000 IS 'Jobs in the occupation per 1,000 jobs in the area (not published for the nation).';
COMMENT ON COLUMN oews_figures.location_quotient IS 'Share of the area''s employment in the occupation divided by the national share; above 1 means more concentrated than nationally.';
COMMENT ON COLUMN oews_figures.location_quotient_status IS 'Status of location_quotient.';
COMMENT ON COLUMN oews_figures.hourly_mean IS 'Mean hourly wage, dollars.';
COMMENT ON COLUMN oews_figures.hourly_mean_status IS 'Status of hourly_mean (annual_only when BLS publishes only annual wages).';
COMMENT ON COLUMN oews_figures.annual_mean IS 'Mean annual wage, dollars.';
COMMENT ON COLUMN oews_figures.annual_mean_status IS 'Status of annual_mean (hourly_only when BLS publishes only hourly wages).';
COMMENT ON COLUMN oews_figures.wage_rse IS 'Relative standard error of the mean wage, percent.';
COMMENT ON COLUMN oews_figures.hourly_p10 IS 'Hourly wage, 10th percentile, dollars.';
COMMENT ON COLUMN oews_figures.hourly_p25 IS 'Hourly wage, 25th percentile, dollars.';
COMMENT ON COLUMN oews_figures.hourly_median IS 'Median hourly wage, dollars.';
COMMENT ON COLUMN oews_figures.hourly_median_status IS 'Status of hourly_median.';
COMMENT ON COLUMN oews_figures.hourly_p75 IS 'Hourly wage, 75th percentile, dollars.';
COMMENT ON COLUMN oews_figures.hourly_p90 IS 'Hourly wage, 90th percentile, dollars; for top_coded the lower bound.';
COMMENT ON COLUMN oews_figures.hourly_p90_status IS 'Status of hourly_p90 (top_coded is the common reason it is a bound).';
COMMENT ON COLUMN oews_figures.annual_p10 IS 'Annual wage, 10th percentile, dollars.';
COMMENT ON COLUMN oews_figures.annual_p25 IS 'Annual wage, 25th percentile, dollars.';
COMMENT ON COLUMN oews_figures.annual_median IS 'Median annual wage, dollars.';
COMMENT ON COLUMN oews_figures.annual_median_status IS 'Status of annual_median.';
COMMENT ON COLUMN oews_figures.annual_p75 IS 'Annual wage, 75th percentile, dollars.';
COMMENT ON COLUMN oews_figures.annual_p90 IS 'Annual wage, 90th percentile, dollars; for top_coded the lower bound.';
COMMENT ON COLUMN oews_figures.annual_p90_status IS 'Status of annual_p90.';

-- Column comments for the views of 002, so that the data dictionary explains every column.
COMMENT ON COLUMN oews_national.year IS 'Survey year of the release.';
COMMENT ON COLUMN oews_national.employment IS 'National employment, persons.';
COMMENT ON COLUMN oews_national.employment_status IS 'Status of employment (oews_estimates.status).';
COMMENT ON COLUMN oews_national.hourly_mean IS 'Mean hourly wage, dollars.';
COMMENT ON COLUMN oews_national.hourly_mean_status IS 'Status of hourly_mean (annual_only when BLS publishes only annual wages).';
COMMENT ON COLUMN oews_national.annual_mean IS 'Mean annual wage, dollars.';
COMMENT ON COLUMN oews_national.annual_mean_status IS 'Status of annual_mean (hourly_only when BLS publishes only hourly wages).';
COMMENT ON COLUMN oews_national.hourly_p10 IS 'Hourly wage, 10th percentile, dollars.';
COMMENT ON COLUMN oews_national.hourly_p25 IS 'Hourly wage, 25th percentile, dollars.';
COMMENT ON COLUMN oews_national.hourly_median IS 'Median hourly wage, dollars.';
COMMENT ON COLUMN oews_national.hourly_median_status IS 'Status of hourly_median.';
COMMENT ON COLUMN oews_national.hourly_p75 IS 'Hourly wage, 75th percentile, dollars.';
COMMENT ON COLUMN oews_national.hourly_p90 IS 'Hourly wage, 90th percentile, dollars; for top_coded the lower bound.';
COMMENT ON COLUMN oews_national.annual_p10 IS 'Annual wage, 10th percentile, dollars.';
COMMENT ON COLUMN oews_national.annual_p25 IS 'Annual wage, 25th percentile, dollars.';
COMMENT ON COLUMN oews_national.annual_median IS 'Median annual wage, dollars.';
COMMENT ON COLUMN oews_national.annual_median_status IS 'Status of annual_median.';
COMMENT ON COLUMN oews_national.annual_p75 IS 'Annual wage, 75th percentile, dollars.';
COMMENT ON COLUMN oews_national.annual_p90 IS 'Annual wage, 90th percentile, dollars; for top_coded the lower bound (239200 = $239,200 or more).';
COMMENT ON COLUMN oews_national.annual_p90_status IS 'Status of annual_p90 (top_coded is the common reason it is a bound).';

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
