-- EP's links from occupations to OOH profiles are EP output, loaded with the EP release (a cycle's
-- rows are replaced with it). The OOH tables hold what the profile pages say; the views that map
-- occupations to profiles join both, so a crosswalk does not depend on which source loaded first.

CREATE TABLE ep_ooh_links (
    cycle     VARCHAR NOT NULL,
    soc_code  VARCHAR NOT NULL,
    title     VARCHAR NOT NULL,
    ooh_url   VARCHAR NOT NULL,
    slug      VARCHAR NOT NULL,
    PRIMARY KEY (cycle, soc_code)
);
COMMENT ON TABLE ep_ooh_links IS 'The OOH profile each occupation of an EP cycle links to: the "Related Occupational Outlook Handbook (OOH) content" hyperlinks of the EP occupation workbook (since 2023-33). A second SOC crosswalk besides each profile''s own projections table.';
COMMENT ON COLUMN ep_ooh_links.cycle IS 'EP projection cycle, e.g. 2024-34 (projections.cycle; the OOH edition of the same name is the one the links point into).';
COMMENT ON COLUMN ep_ooh_links.soc_code IS 'National Employment Matrix code as NN-NNNN (projections.soc_code).';
COMMENT ON COLUMN ep_ooh_links.title IS 'National Employment Matrix title of the code, as in the EP table.';
COMMENT ON COLUMN ep_ooh_links.ooh_url IS 'The hyperlink as the workbook gives it, e.g. https://www.bls.gov/ooh/healthcare/medical-records-and-health-information-technicians.htm.';
COMMENT ON COLUMN ep_ooh_links.slug IS 'The profile the link points at: the last part of the URL''s path without .htm (ooh_profiles.slug).';
