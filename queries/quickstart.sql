-- ducksight quickstart: a synthetic customer base, explored in SQL.
-- Run: go run -tags duckdb_arrow ./cmd/ducksight -f queries/quickstart.sql

-- 100,000 customers with known churn, purchase and spend models (docs/demo_customers.md).
CREATE TABLE customers AS SELECT * FROM demo_customers(100000);

SELECT * FROM customers LIMIT 3;

-- Churn and spend by plan.
SELECT plan,
       count(*)                              AS customers,
       round(avg(monthly_spend), 2)          AS avg_monthly_spend,
       round(avg(churned::INTEGER), 3)       AS churn_rate,
       round(avg(purchased_next_30d::INTEGER), 3) AS purchase_rate
FROM customers
GROUP BY plan
ORDER BY plan;

-- Profile every column in one streaming pass: NULLs, mean, spread, range.
SELECT column_name, column_type, nulls,
       round(mean, 2) AS mean, round(std, 2) AS std, min, max
FROM profile('customers');

-- profile() takes any read-only query too; dollar quoting keeps inner quotes readable.
SELECT column_name, round(mean, 1) AS mean, round(null_share, 3) AS null_share
FROM profile($$SELECT age, income, revenue_12m FROM customers WHERE plan = 'premium'$$);

-- Income is missing not at random: far more often for young customers.
SELECT age < 30 AS under_30, round(avg((income IS NULL)::INTEGER), 3) AS income_null_share
FROM customers GROUP BY ALL ORDER BY ALL;
