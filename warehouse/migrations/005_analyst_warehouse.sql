-- The analysts' warehouse: every OEWS area with its dimensions, and a SOC crosswalk (its views,
-- oews_figures and occupation_history, are models: warehouse/models/).
--
-- oews_estimates stays the one fact table (every area, industry, occupation and measure of every
-- release). An all-areas release from the flat files also loads its dimensions, per release, from
-- oe.area, oe.industry, oe.datatype and oe.footnote (warehouse/areas.py, in the same transaction as
-- the figures). Releases loaded from the national zip have no dimension rows: oews_figures then names
-- the nation and cross-industry itself.

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
