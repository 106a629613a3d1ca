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

CREATE TABLE oews_occupations (
    release_id  VARCHAR NOT NULL,
    soc_code    VARCHAR NOT NULL,
    title       VARCHAR NOT NULL,
    level       VARCHAR NOT NULL,
    PRIMARY KEY (release_id, soc_code)
);

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
