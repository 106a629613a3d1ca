-- Employment Projections of the current cycle (latest_releases) or of the cycle an as-of year picks.

CREATE OR REPLACE MACRO sheet_projections(as_of) AS TABLE
FROM projections
WHERE cycle = sheet_release_id(as_of, 'projections');

CREATE OR REPLACE VIEW latest_projections AS
FROM sheet_projections(NULL);

-- How much of a cycle's all-occupations employment its line items account for: 1.0 for Table 1.2 as
-- BLS publishes it (every detailed occupation is a line item; rounding puts the sum within 0.001%), far
-- less for a part of the table (the bundled sample holds 93 of the 832 line items: 0.12). A sheet says
-- "BLS did not publish" only of a complete cycle; one without a 00-0000 row (the EP CSV form) has no
-- total to compare with and counts as complete.
CREATE OR REPLACE VIEW projection_coverage AS
SELECT cycle, line_item_share, coalesce(line_item_share >= 0.99, true) AS complete
FROM (
    SELECT
        cycle,
        sum(employment_base) FILTER (WHERE occupation_type = 'Line item')
            / nullif(max(employment_base) FILTER (WHERE soc_code = '00-0000'), 0) AS line_item_share
    FROM projections
    GROUP BY cycle
);

-- A code a whole cycle has no line for, and the line that prints the same occupations: EP has no 37-3010
-- Grounds maintenance workers but prints 37-3000, the minor group whose only broad group it is, and both
-- hold the same four line items. A code holds the line items its digits start (37-3000 holds 373...,
-- 37-3010 holds 37301...). The codes asked about are those of OEWS's listings and of every cycle. Only
-- whole cycles: a part of Table 1.2 cannot tell which groups hold the same occupations. The nearest such
-- line wins, a group holding the code before a code it holds.
CREATE OR REPLACE VIEW projection_same_lines AS
WITH lines AS (
    SELECT p.cycle, p.soc_code, rtrim(replace(p.soc_code, '-', ''), '0') AS stem,
           replace(p.soc_code, '-', '') AS digits, p.occupation_type = 'Line item' AS item
    FROM projections p JOIN projection_coverage c USING (cycle)
    WHERE c.complete
),
asked AS (
    SELECT c.cycle, k.soc_code, rtrim(replace(k.soc_code, '-', ''), '0') AS stem
    FROM (SELECT DISTINCT cycle FROM lines) c
    CROSS JOIN (SELECT soc_code FROM oews_occupations UNION SELECT soc_code FROM projections) k
    WHERE NOT EXISTS (SELECT 1 FROM lines x WHERE x.cycle = c.cycle AND x.soc_code = k.soc_code)
),
holding AS (
    SELECT a.cycle, a.soc_code, a.stem, count(*) AS items, false AS is_line
    FROM asked a JOIN lines i ON i.cycle = a.cycle AND i.item AND starts_with(i.digits, a.stem)
    GROUP BY ALL
    UNION ALL
    SELECT l.cycle, l.soc_code, l.stem, count(*), true
    FROM lines l JOIN lines i ON i.cycle = l.cycle AND i.item AND starts_with(i.digits, l.stem)
    GROUP BY ALL
)
SELECT a.cycle, a.soc_code,
       arg_min(l.soc_code, [(length(l.stem) > length(a.stem))::INTEGER, abs(length(l.stem) - length(a.stem))])
           AS line_code
FROM holding a
JOIN holding l
  ON l.is_line AND NOT a.is_line AND l.cycle = a.cycle AND l.items = a.items
 AND (starts_with(a.stem, l.stem) OR starts_with(l.stem, a.stem))
GROUP BY a.cycle, a.soc_code;
