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
