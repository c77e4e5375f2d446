-- Checks of demo_customers against its documented truth (docs/demo_customers.md).
-- Each statement fails the script through error() when a check does not hold.

CREATE TABLE c AS SELECT * FROM demo_customers(200000);

-- Identity: customer_id is 1..n in order, and the same n and seed give the same rows.
SELECT CASE WHEN count(*) = 200000 AND min(customer_id) = 1 AND max(customer_id) = 200000
             AND count(DISTINCT customer_id) = 200000
       THEN 'ok' ELSE error('customer_id is not 1..n') END AS ids
FROM c;

SELECT CASE WHEN (SELECT count(*) FROM (FROM demo_customers(20000) EXCEPT ALL FROM c WHERE customer_id <= 20000)) = 0
       THEN 'ok' ELSE error('a prefix of the table is not reproducible') END AS reproducible;

SELECT CASE WHEN (SELECT count(*) FROM (FROM demo_customers(20000, seed := 7) INTERSECT FROM c)) = 0
       THEN 'ok' ELSE error('seed 7 repeats rows of seed 42') END AS seeds_differ;

-- Base rates (1M-row figures: churned 0.2066, purchased_next_30d 0.3706), with sampling slack.
SELECT CASE WHEN avg(churned::INTEGER) BETWEEN 0.200 AND 0.213
             AND avg(purchased_next_30d::INTEGER) BETWEEN 0.362 AND 0.379
       THEN 'ok' ELSE error('base rates off the documented figures') END AS base_rates
FROM c;

-- Latent segment weights 0.18, 0.20, 0.24, 0.16, 0.22.
SELECT true_segment, round(count(*) / 200000, 2) AS share,
       CASE WHEN abs(count(*) / 200000 - [0.18, 0.20, 0.24, 0.16, 0.22][true_segment]) < 0.005
       THEN 'ok' ELSE error('segment weight off') END AS weight
FROM c GROUP BY true_segment ORDER BY true_segment;

-- Income is missing not at random: more often under 30.
SELECT CASE WHEN avg((income IS NULL)::INTEGER) FILTER (age < 30) > 3 * avg((income IS NULL)::INTEGER) FILTER (age >= 30)
       THEN 'ok' ELSE error('income missingness is not MNAR') END AS income_mnar
FROM c;

-- profile() agrees with DuckDB's own aggregates.
SELECT column_name,
       CASE WHEN abs(p.mean - d.mean) < 1e-9 * abs(d.mean) AND abs(p.std - d.std) < 1e-9 * d.std
                 AND p.min = d.min AND p.max = d.max AND p.nulls = d.nulls
       THEN 'ok' ELSE error('profile disagrees with DuckDB on ' || column_name) END AS agrees
FROM profile($$SELECT age, income, revenue_12m FROM c$$) p
JOIN (SELECT 'age' AS name, avg(age) AS mean, stddev_samp(age) AS std, min(age)::DOUBLE AS min, max(age)::DOUBLE AS max, count(*) - count(age) AS nulls FROM c
      UNION ALL SELECT 'income', avg(income), stddev_samp(income), min(income), max(income), count(*) - count(income) FROM c
      UNION ALL SELECT 'revenue_12m', avg(revenue_12m), stddev_samp(revenue_12m), min(revenue_12m), max(revenue_12m), 0 FROM c) d
  ON p.column_name = d.name
ORDER BY column_name;
