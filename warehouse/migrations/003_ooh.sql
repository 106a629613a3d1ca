-- Occupational Outlook Handbook (OOH): one release per edition, named by its projection period
-- (e.g. 2024-34, releases.source = 'ooh'); every table carries the edition and a reload of an
-- edition replaces its rows in one transaction (warehouse/load.py). Profiles are keyed by slug:
-- BLS keeps a profile's slug when it renames the occupation.

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
