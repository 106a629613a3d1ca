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
