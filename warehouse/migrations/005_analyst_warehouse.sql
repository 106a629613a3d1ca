-- The analysts' warehouse: every OEWS area with its dimensions, and a SOC crosswalk (its views,
-- oews_figures and occupation_history, are models: warehouse/models/).
--
-- oews_estimates stays the one fact table (every area, industry, occupation and measure of every
-- release). An all-areas release from the flat files also loads its dimensions, per release, from
-- oe.area, oe.industry, oe.datatype and oe.footnote (warehouse/areas.py, in the same transaction as
-- the figures). Releases loaded from the national zip have no dimension rows: oews_figures then names
-- the nation and cross-industry itself.

CREATE TABLE oews_areas (
    release_id     VARCHAR NOT NULL,
    area_code      VARCHAR NOT NULL,
    area_name      VARCHAR NOT NULL,
    area_type      VARCHAR NOT NULL,
    areatype_code  VARCHAR NOT NULL,
    state_code     VARCHAR,
    PRIMARY KEY (release_id, area_code)
);

CREATE TABLE oews_industries (
    release_id     VARCHAR NOT NULL,
    industry_code  VARCHAR NOT NULL,
    industry_name  VARCHAR NOT NULL,
    display_level  INTEGER NOT NULL,
    sort_sequence  INTEGER,
    PRIMARY KEY (release_id, industry_code)
);

CREATE TABLE oews_datatypes (
    release_id     VARCHAR NOT NULL,
    datatype_code  VARCHAR NOT NULL,
    datatype_name  VARCHAR NOT NULL,
    measure        VARCHAR NOT NULL,
    PRIMARY KEY (release_id, datatype_code)
);

CREATE TABLE oews_footnotes (
    release_id     VARCHAR NOT NULL,
    footnote_code  VARCHAR NOT NULL,
    footnote_text  VARCHAR NOT NULL,
    status         VARCHAR,
    PRIMARY KEY (release_id, footnote_code)
);

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
