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

-- The sanitized HTML of the sections was read by nothing: sheets render the clean text themselves.
ALTER TABLE ooh_sections DROP COLUMN html;

-- The OOH transform reads only OOH pages: EP's own links to profiles are EP output (ep_ooh_links).
