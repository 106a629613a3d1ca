-- OOH pages one by one: which pages of an edition were parsed tonight and which carried forward.
-- An OOH release is a set of pages, each with its own sha256. A page whose bytes did not change is
-- not parsed again, and a page that cannot be parsed keeps its last good rows (transforms/ooh/edition.py);
-- this table says which, since when and why. Replaced whole with each load of its edition.

CREATE TABLE ooh_pages (
    edition        VARCHAR     NOT NULL,
    slug           VARCHAR     NOT NULL,
    url            VARCHAR     NOT NULL,
    sha256         VARCHAR     NOT NULL,
    seen_sha256    VARCHAR,
    fetched_at     TIMESTAMPTZ,
    parsed_at      TIMESTAMPTZ NOT NULL,
    status         VARCHAR     NOT NULL,
    reason         VARCHAR,
    carried_since  TIMESTAMPTZ,
    PRIMARY KEY (edition, slug)
);
COMMENT ON TABLE ooh_pages IS 'One row per OOH profile page of an edition: parsed at the last load, or carried forward (its rows kept from an earlier load) and why. Replaced whole with each load of the edition.';
COMMENT ON COLUMN ooh_pages.edition IS 'OOH edition (ooh_profiles.edition).';
COMMENT ON COLUMN ooh_pages.slug IS 'Profile slug (ooh_profiles.slug).';
COMMENT ON COLUMN ooh_pages.url IS 'The page''s URL, https://www.bls.gov/ooh/<group>/<slug>.htm.';
COMMENT ON COLUMN ooh_pages.sha256 IS 'sha256 of the page bytes the profile''s rows were parsed from; a page fetched with these bytes again is not parsed again.';
COMMENT ON COLUMN ooh_pages.seen_sha256 IS 'sha256 of the bytes fetched at the last load; differs from sha256 when those bytes could not be parsed (the rows are older); NULL when the page could not be fetched.';
COMMENT ON COLUMN ooh_pages.fetched_at IS 'When the bytes the rows come from were fetched (UTC); NULL when not known.';
COMMENT ON COLUMN ooh_pages.parsed_at IS 'When the rows were parsed (UTC): the last good parse of the page.';
COMMENT ON COLUMN ooh_pages.status IS 'parsed (the rows come from the bytes fetched at the last load) or carried_forward (the rows were kept from an earlier load).';
COMMENT ON COLUMN ooh_pages.reason IS 'Why the page was carried forward: unchanged (same bytes), or what could not be used (layout drift, a figure out of range, another edition, a failed fetch); NULL when parsed.';
COMMENT ON COLUMN ooh_pages.carried_since IS 'First load (UTC) of the current run of carrying forward for this kind of reason (unchanged, or a problem); NULL when parsed.';

-- The sanitized HTML of the sections was read by nothing: sheets render the clean text themselves.
ALTER TABLE ooh_sections DROP COLUMN html;
COMMENT ON TABLE ooh_sections IS 'Text sections of each profile, as clean text (markup dropped; prose that mentions markup kept as text).';

-- The OOH transform reads only OOH pages: EP's own links to profiles are EP output (ep_ooh_links).
COMMENT ON TABLE ooh_profile_soc IS 'Which SOC codes each profile covers, from the profile''s own projections table; one profile can cover several codes. The EP workbook''s links to OOH profiles are EP output (ep_ooh_links).';
COMMENT ON COLUMN ooh_profile_soc.via IS 'Where the link comes from: outlook_table (the profile''s table#outlook-table). Editions loaded before the EP links became EP output may also hold ep_workbook rows until their next load.';
