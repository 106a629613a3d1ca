-- Core tables: one row per loaded release, and the tidy figures of each source.
-- Every release stays (history); a reload of the same release replaces its rows in one transaction.

CREATE TABLE releases (
    source          VARCHAR     NOT NULL,
    release_id      VARCHAR     NOT NULL,
    period          VARCHAR     NOT NULL,
    reference_year  INTEGER     NOT NULL,
    form            VARCHAR     NOT NULL,
    source_url      VARCHAR     NOT NULL,
    fetched_at      TIMESTAMPTZ NOT NULL,
    archive_sha256  VARCHAR     NOT NULL,
    row_counts      JSON        NOT NULL,
    rows_loaded     BIGINT      NOT NULL,
    loaded_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, release_id)
);
COMMENT ON TABLE releases IS 'One row per loaded release of a BLS source; the newest reference_year per source is what the latest_* views show.';
COMMENT ON COLUMN releases.source IS 'BLS program: oews (Occupational Employment and Wage Statistics) or projections (Employment Projections).';
COMMENT ON COLUMN releases.release_id IS 'Release key: OEWS release code such as 2025A01, or the EP cycle such as 2024-34.';
COMMENT ON COLUMN releases.period IS 'Human period label: May 2025 for OEWS, 2024-2034 for EP.';
COMMENT ON COLUMN releases.reference_year IS 'OEWS survey year, or EP base year; orders releases from oldest to newest.';
COMMENT ON COLUMN releases.form IS 'Which bulk file the release was read from: national_zip, flatfiles or workbook.';
COMMENT ON COLUMN releases.source_url IS 'URL the raw file was fetched from.';
COMMENT ON COLUMN releases.fetched_at IS 'When the raw file was fetched (UTC).';
COMMENT ON COLUMN releases.archive_sha256 IS 'sha256 of the raw file in the archive; the same hash means the same bytes, so nothing to reload.';
COMMENT ON COLUMN releases.row_counts IS 'Rows loaded per table, as a JSON object.';
COMMENT ON COLUMN releases.rows_loaded IS 'Total rows loaded for this release across its tables.';
COMMENT ON COLUMN releases.loaded_at IS 'When this release was (re)loaded into the warehouse (UTC).';

CREATE TABLE oews_occupations (
    release_id  VARCHAR NOT NULL,
    soc_code    VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    level       VARCHAR NOT NULL,
    PRIMARY KEY (release_id, soc_code)
);
COMMENT ON TABLE oews_occupations IS 'Occupations of each OEWS release, with their place in the SOC hierarchy.';
COMMENT ON COLUMN oews_occupations.release_id IS 'OEWS release code (releases.release_id), e.g. 2025A01.';
COMMENT ON COLUMN oews_occupations.soc_code IS 'SOC code as NN-NNNN; 00-0000 is all occupations.';
COMMENT ON COLUMN oews_occupations.title IS 'Occupation title as BLS published it in this release.';
COMMENT ON COLUMN oews_occupations.level IS 'SOC hierarchy level: total, major, minor, broad or detailed.';

-- No primary key on the fact table: an all-area release has millions of rows and DuckDB's
-- ART index would cost more than it protects; transforms validate the key before loading.
CREATE TABLE oews_estimates (
    release_id     VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    industry_code  VARCHAR NOT NULL,
    soc_code       VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    value          DOUBLE,
    status         VARCHAR NOT NULL
);
COMMENT ON TABLE oews_estimates IS 'OEWS estimates in long form: one row per release, area, industry, occupation and measure.';
COMMENT ON COLUMN oews_estimates.release_id IS 'OEWS release code (releases.release_id).';
COMMENT ON COLUMN oews_estimates.area_code IS 'OEWS area code (7 digits); 0000000 is the nation.';
COMMENT ON COLUMN oews_estimates.industry_code IS 'OEWS industry code (6 digits); 000000 is cross-industry.';
COMMENT ON COLUMN oews_estimates.soc_code IS 'SOC code as NN-NNNN.';
COMMENT ON COLUMN oews_estimates.measure IS 'What the value measures: employment, employment_rse, hourly_mean, annual_mean, wage_rse, hourly_p10/p25/median/p75/p90, annual_p10/p25/median/p75/p90, jobs_per_1000, location_quotient.';
COMMENT ON COLUMN oews_estimates.value IS 'The figure: persons for employment, dollars for wages, percent for RSEs. NULL when status says BLS did not publish it; for top_coded the published lower bound.';
COMMENT ON COLUMN oews_estimates.status IS 'published; top_coded (value is the lower bound, e.g. 239200 = $239,200 or more); hourly_only or annual_only (BLS publishes only the other wage form); wage_not_available; employment_not_available; not_released.';

CREATE TABLE projections (
    cycle              VARCHAR NOT NULL,
    base_year          INTEGER NOT NULL,
    target_year        INTEGER NOT NULL,
    soc_code           VARCHAR NOT NULL,
    title              VARCHAR NOT NULL,
    occupation_type    VARCHAR NOT NULL,
    level              VARCHAR NOT NULL,
    employment_base    BIGINT,
    employment_target  BIGINT,
    change_numeric     BIGINT,
    change_percent     DOUBLE,
    self_employed_pct  DOUBLE,
    openings_annual    BIGINT,
    median_wage        DOUBLE,
    median_wage_status VARCHAR NOT NULL,
    education          VARCHAR,
    work_experience    VARCHAR,
    training           VARCHAR,
    PRIMARY KEY (cycle, soc_code)
);
COMMENT ON TABLE projections IS 'Employment Projections per occupation and cycle, with worker characteristics (EP occupation workbook, Table 1.2 or 1.7).';
COMMENT ON COLUMN projections.cycle IS 'Projection cycle, e.g. 2024-34 (releases.release_id).';
COMMENT ON COLUMN projections.base_year IS 'Base year of the projection, e.g. 2024.';
COMMENT ON COLUMN projections.target_year IS 'Target year of the projection, e.g. 2034.';
COMMENT ON COLUMN projections.soc_code IS 'National Employment Matrix code as NN-NNNN.';
COMMENT ON COLUMN projections.title IS 'National Employment Matrix title, trimmed.';
COMMENT ON COLUMN projections.occupation_type IS 'Summary (an aggregate) or Line item (a detailed occupation), as in the workbook.';
COMMENT ON COLUMN projections.level IS 'SOC hierarchy level derived from the code: total, major, minor, broad or detailed.';
COMMENT ON COLUMN projections.employment_base IS 'Employment in the base year, persons (the workbook states thousands).';
COMMENT ON COLUMN projections.employment_target IS 'Projected employment in the target year, persons.';
COMMENT ON COLUMN projections.change_numeric IS 'Projected employment change over the cycle, persons.';
COMMENT ON COLUMN projections.change_percent IS 'Projected employment change over the cycle, percent (one decimal, as published).';
COMMENT ON COLUMN projections.self_employed_pct IS 'Percent of base-year employment that is self-employed.';
COMMENT ON COLUMN projections.openings_annual IS 'Average annual occupational openings over the cycle, persons.';
COMMENT ON COLUMN projections.median_wage IS 'Median annual wage in the base year, dollars (from OEWS); NULL when not available; the cap for top_coded.';
COMMENT ON COLUMN projections.median_wage_status IS 'published, top_coded (the workbook says >= the value) or not_available.';
COMMENT ON COLUMN projections.education IS 'Typical education needed for entry.';
COMMENT ON COLUMN projections.work_experience IS 'Work experience in a related occupation; None is a real category.';
COMMENT ON COLUMN projections.training IS 'Typical on-the-job training needed to attain competency; None is a real category.';
