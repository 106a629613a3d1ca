-- Occupational Outlook Handbook (OOH): one release per edition, named by its projection period
-- (e.g. 2024-34, releases.source = 'ooh'); every table carries the edition and a reload of an
-- edition replaces its rows in one transaction (warehouse/load.py). Profiles are keyed by slug:
-- BLS keeps a profile's slug when it renames the occupation.

COMMENT ON COLUMN releases.source IS 'BLS program: oews (Occupational Employment and Wage Statistics), projections (Employment Projections) or ooh (Occupational Outlook Handbook).';
COMMENT ON COLUMN releases.release_id IS 'Release key: OEWS release code such as 2025A01, the EP cycle such as 2024-34, or the OOH edition such as 2024-34.';
COMMENT ON COLUMN releases.period IS 'Human period label: May 2025 for OEWS, 2024-2034 for EP and OOH.';
COMMENT ON COLUMN releases.reference_year IS 'OEWS survey year, or EP/OOH base year; orders releases from oldest to newest.';
COMMENT ON COLUMN releases.form IS 'Which bulk file the release was read from: national_zip, flatfiles or workbook; profiles for the OOH pages.';

CREATE TABLE ooh_profiles (
    edition           VARCHAR   NOT NULL,
    slug              VARCHAR   NOT NULL,
    occupation_group  VARCHAR   NOT NULL,
    group_title       VARCHAR,
    title             VARCHAR   NOT NULL,
    url               VARCHAR   NOT NULL,
    source_url        VARCHAR   NOT NULL,
    last_modified     DATE,
    description       VARCHAR,
    has_quick_facts   BOOLEAN   NOT NULL,
    PRIMARY KEY (edition, slug)
);
COMMENT ON TABLE ooh_profiles IS 'One row per OOH occupation profile page (/ooh/<group>/<slug>.htm) of an edition.';
COMMENT ON COLUMN ooh_profiles.edition IS 'OOH edition: the projection period of its quick facts, e.g. 2024-34 (releases.release_id where source = ooh).';
COMMENT ON COLUMN ooh_profiles.slug IS 'File name of the profile without .htm, e.g. medical-records-and-health-information-technicians; stable across title changes.';
COMMENT ON COLUMN ooh_profiles.occupation_group IS 'OOH occupation group folder, e.g. healthcare.';
COMMENT ON COLUMN ooh_profiles.group_title IS 'The group as the page''s breadcrumbs name it, e.g. Healthcare; NULL when the page has none.';
COMMENT ON COLUMN ooh_profiles.title IS 'Profile title as the page shows it (its h1), e.g. Medical Records Specialists.';
COMMENT ON COLUMN ooh_profiles.url IS 'Canonical public URL, https://www.bls.gov/ooh/<group>/<slug>.htm.';
COMMENT ON COLUMN ooh_profiles.source_url IS 'URL the page was actually read from (bls.gov, or a local mirror).';
COMMENT ON COLUMN ooh_profiles.last_modified IS 'The page''s own last-modified date (its date meta tag / Last Modified Date line).';
COMMENT ON COLUMN ooh_profiles.description IS 'One-sentence definition of the occupation (the page''s description meta tag).';
COMMENT ON COLUMN ooh_profiles.has_quick_facts IS 'False for the few profiles BLS publishes without Quick Facts (military careers).';

CREATE TABLE ooh_quick_facts (
    edition            VARCHAR NOT NULL,
    slug               VARCHAR NOT NULL,
    pay_year           INTEGER NOT NULL,
    median_pay_annual  DOUBLE,
    median_pay_hourly  DOUBLE,
    pay_status         VARCHAR NOT NULL,
    education          VARCHAR NOT NULL,
    work_experience    VARCHAR NOT NULL,
    training           VARCHAR NOT NULL,
    jobs_year          INTEGER NOT NULL,
    jobs               BIGINT  NOT NULL,
    outlook_period     VARCHAR NOT NULL,
    outlook_percent    DOUBLE  NOT NULL,
    outlook_phrase     VARCHAR NOT NULL,
    employment_change  BIGINT  NOT NULL,
    PRIMARY KEY (edition, slug)
);
COMMENT ON TABLE ooh_quick_facts IS 'The Quick Facts table of each profile (table#quickfacts), figures as numbers.';
COMMENT ON COLUMN ooh_quick_facts.edition IS 'OOH edition, e.g. 2024-34 (ooh_profiles.edition).';
COMMENT ON COLUMN ooh_quick_facts.slug IS 'Profile slug (ooh_profiles.slug).';
COMMENT ON COLUMN ooh_quick_facts.pay_year IS 'Year of the median pay (OEWS May data of that year), from the label "2024 Median Pay".';
COMMENT ON COLUMN ooh_quick_facts.median_pay_annual IS 'Median pay per year, dollars; NULL when only an hourly figure is published (e.g. actors) or none; for top_coded the lower bound.';
COMMENT ON COLUMN ooh_quick_facts.median_pay_hourly IS 'Median pay per hour, dollars; NULL when only an annual figure is published (e.g. teachers) or none; for top_coded the lower bound.';
COMMENT ON COLUMN ooh_quick_facts.pay_status IS 'published (both), annual_only, hourly_only, top_coded ("equal to or greater than" the values) or not_available.';
COMMENT ON COLUMN ooh_quick_facts.education IS 'Typical entry-level education as published (See How to Become One when the profile has no single category).';
COMMENT ON COLUMN ooh_quick_facts.work_experience IS 'Work experience in a related occupation; None is a real category.';
COMMENT ON COLUMN ooh_quick_facts.training IS 'Typical on-the-job training; None is a real category.';
COMMENT ON COLUMN ooh_quick_facts.jobs_year IS 'Year of the number of jobs (the projections base year), from the label "Number of Jobs, 2024".';
COMMENT ON COLUMN ooh_quick_facts.jobs IS 'Number of jobs in jobs_year, persons (the page says e.g. 194,800).';
COMMENT ON COLUMN ooh_quick_facts.outlook_period IS 'Projection period of the job outlook, normalised to e.g. 2024-34 (the page writes 2024–34).';
COMMENT ON COLUMN ooh_quick_facts.outlook_percent IS 'Projected employment change over the period, percent, as published (whole percent, e.g. 7 or -5).';
COMMENT ON COLUMN ooh_quick_facts.outlook_phrase IS 'BLS''s own words for the outlook, e.g. Much faster than average, Decline, Little or no change.';
COMMENT ON COLUMN ooh_quick_facts.employment_change IS 'Projected employment change over the period, persons (negative for a decline).';

CREATE TABLE ooh_profile_soc (
    edition            VARCHAR NOT NULL,
    slug               VARCHAR NOT NULL,
    soc_code           VARCHAR NOT NULL,
    via                VARCHAR NOT NULL,
    soc_title          VARCHAR,
    soc_level          VARCHAR NOT NULL,
    table_row          INTEGER,
    depth              INTEGER,
    is_primary         BOOLEAN NOT NULL,
    employment_base    BIGINT,
    employment_target  BIGINT,
    change_percent     DOUBLE,
    change_numeric     BIGINT,
    PRIMARY KEY (edition, slug, soc_code, via)
);
COMMENT ON TABLE ooh_profile_soc IS 'Which SOC codes each profile covers; one profile can cover several codes. Two crosswalks: the profile''s own projections table, and the EP workbook''s OOH links.';
COMMENT ON COLUMN ooh_profile_soc.edition IS 'OOH edition (ooh_profiles.edition).';
COMMENT ON COLUMN ooh_profile_soc.slug IS 'Profile slug (ooh_profiles.slug).';
COMMENT ON COLUMN ooh_profile_soc.soc_code IS 'SOC / National Employment Matrix code as NN-NNNN.';
COMMENT ON COLUMN ooh_profile_soc.via IS 'Where the link comes from: outlook_table (the profile''s table#outlook-table) or ep_workbook (the EP occupation workbook''s "Related OOH content" hyperlink).';
COMMENT ON COLUMN ooh_profile_soc.soc_title IS 'Occupation title next to the code in that source.';
COMMENT ON COLUMN ooh_profile_soc.soc_level IS 'SOC hierarchy level implied by the code: major, minor, broad or detailed.';
COMMENT ON COLUMN ooh_profile_soc.table_row IS 'Row of the code in the projections table, 1 = first; NULL for ep_workbook links.';
COMMENT ON COLUMN ooh_profile_soc.depth IS 'Indentation of the row in the projections table: 0 the profile''s own line, 1 and 2 its components; NULL for ep_workbook links.';
COMMENT ON COLUMN ooh_profile_soc.is_primary IS 'True for the code the quick facts describe (the first row of the projections table, when that row has a code).';
COMMENT ON COLUMN ooh_profile_soc.employment_base IS 'Employment in the base year for this code as the projections table shows it, persons; NULL for ep_workbook links.';
COMMENT ON COLUMN ooh_profile_soc.employment_target IS 'Projected employment in the target year, persons; NULL for ep_workbook links.';
COMMENT ON COLUMN ooh_profile_soc.change_percent IS 'Projected change, percent (whole percent as shown); NULL for ep_workbook links.';
COMMENT ON COLUMN ooh_profile_soc.change_numeric IS 'Projected change, persons; NULL for ep_workbook links.';

CREATE TABLE ooh_sections (
    edition   VARCHAR NOT NULL,
    slug      VARCHAR NOT NULL,
    section   VARCHAR NOT NULL,
    ordinal   INTEGER NOT NULL,
    heading   VARCHAR NOT NULL,
    text      VARCHAR NOT NULL,
    html      VARCHAR NOT NULL,
    PRIMARY KEY (edition, slug, section)
);
COMMENT ON TABLE ooh_sections IS 'Text sections of each profile, as clean text and as safe HTML.';
COMMENT ON COLUMN ooh_sections.edition IS 'OOH edition (ooh_profiles.edition).';
COMMENT ON COLUMN ooh_sections.slug IS 'Profile slug (ooh_profiles.slug).';
COMMENT ON COLUMN ooh_sections.section IS 'summary (the short What They Do of the Summary tab), what_they_do, work_environment, how_to_become_one (without Important Qualities), important_qualities (the skills), pay or job_outlook.';
COMMENT ON COLUMN ooh_sections.ordinal IS 'Order of the section within the profile, 1 = first.';
COMMENT ON COLUMN ooh_sections.heading IS 'The section heading as the page words it, e.g. How to Become a Medical Records Specialist.';
COMMENT ON COLUMN ooh_sections.text IS 'Clean text: entities decoded, scripts/styles/images/charts dropped, whitespace normalised; paragraphs separated by a blank line, list items as "- " lines, table rows as cells joined by " | ".';
COMMENT ON COLUMN ooh_sections.html IS 'Safe HTML: allow-listed tags only (p, ul, ol, li, a, strong, em, h3-h6, tables...), no attribute except an absolute http(s) href; javascript: and other schemes dropped.';

CREATE TABLE ooh_similar (
    edition            VARCHAR NOT NULL,
    slug               VARCHAR NOT NULL,
    ordinal            INTEGER NOT NULL,
    similar_title      VARCHAR NOT NULL,
    similar_url        VARCHAR,
    similar_slug       VARCHAR,
    job_duties         VARCHAR NOT NULL,
    education          VARCHAR NOT NULL,
    pay_year           INTEGER,
    median_pay_annual  DOUBLE,
    pay_status         VARCHAR NOT NULL,
    PRIMARY KEY (edition, slug, ordinal)
);
COMMENT ON TABLE ooh_similar IS 'The Similar Occupations table of each profile (occupations with similar duties), with their own figures.';
COMMENT ON COLUMN ooh_similar.edition IS 'OOH edition (ooh_profiles.edition).';
COMMENT ON COLUMN ooh_similar.slug IS 'Slug of the profile that lists the similar occupation.';
COMMENT ON COLUMN ooh_similar.ordinal IS 'Row of the similar occupation in the table, 1 = first.';
COMMENT ON COLUMN ooh_similar.similar_title IS 'Title of the similar occupation as listed.';
COMMENT ON COLUMN ooh_similar.similar_url IS 'Canonical URL of the similar occupation''s profile.';
COMMENT ON COLUMN ooh_similar.similar_slug IS 'Slug of the similar occupation''s profile (joins ooh_profiles.slug when that profile was loaded).';
COMMENT ON COLUMN ooh_similar.job_duties IS 'One-sentence job duties as listed.';
COMMENT ON COLUMN ooh_similar.education IS 'Typical entry-level education as listed (See How to Become One when none applies).';
COMMENT ON COLUMN ooh_similar.pay_year IS 'Year of the median pay, from the column header (e.g. 2024 MEDIAN PAY).';
COMMENT ON COLUMN ooh_similar.median_pay_annual IS 'Median annual pay, dollars; NULL when not available; for top_coded the lower bound.';
COMMENT ON COLUMN ooh_similar.pay_status IS 'published, top_coded ("equal to or greater than") or not_available.';

CREATE TABLE consistency_mismatches (
    run_at         TIMESTAMPTZ NOT NULL,
    edition        VARCHAR     NOT NULL,
    slug           VARCHAR     NOT NULL,
    soc_code       VARCHAR     NOT NULL,
    field          VARCHAR     NOT NULL,
    ooh_value      VARCHAR,
    other_source   VARCHAR     NOT NULL,
    other_release  VARCHAR     NOT NULL,
    other_value    VARCHAR
);
COMMENT ON TABLE consistency_mismatches IS 'Where OOH figures disagree with the EP and OEWS releases of the same cycle already in the warehouse; replaced per edition by each check (warehouse/ooh_checks.py), read by the run report.';
COMMENT ON COLUMN consistency_mismatches.run_at IS 'When the check ran (UTC).';
COMMENT ON COLUMN consistency_mismatches.edition IS 'OOH edition checked (ooh_profiles.edition).';
COMMENT ON COLUMN consistency_mismatches.slug IS 'Profile whose figure disagrees (ooh_profiles.slug).';
COMMENT ON COLUMN consistency_mismatches.soc_code IS 'SOC code compared, NN-NNNN.';
COMMENT ON COLUMN consistency_mismatches.field IS 'What was compared: jobs, outlook_percent, employment_change, education, work_experience, training, table_employment_base, table_employment_target, table_change_percent, table_change_numeric, soc_code (code missing from the other source), median_pay_annual, median_pay_hourly.';
COMMENT ON COLUMN consistency_mismatches.ooh_value IS 'The OOH figure or text, as text; NULL when OOH has none.';
COMMENT ON COLUMN consistency_mismatches.other_source IS 'The other source: projections or oews.';
COMMENT ON COLUMN consistency_mismatches.other_release IS 'Release of the other source compared with (releases.release_id), e.g. 2024-34 or 2024A01.';
COMMENT ON COLUMN consistency_mismatches.other_value IS 'The other source''s figure or text, as text; NULL when it has none (or lacks the code).';
