-- Scoring anywhere: a model compiled to one SQL statement.
-- Train a churn model, compile it for DuckDB, ClickHouse and PostgreSQL,
-- and check here that DuckDB's statement gives predict's scores.

CREATE TABLE customers AS
SELECT * EXCLUDE (purchased_next_30d, spend_next_90d, true_segment) FROM demo_customers(20000);

SELECT model, version, task, inputs, round(valid_metric, 3) AS valid_auc
FROM train_perceptron('churn', 'customers', label := 'churned', exclude := ['customer_id'], hidden := [8]);

-- One statement per engine: its size, and how it starts. Run the
-- ClickHouse one with clickhouse-client, the PostgreSQL one with psql
-- (docs/scale-out.md); they read analytics.customers and public.customers.
SELECT dialect, length(sql) AS bytes, left(regexp_replace(sql, '\s+', ' ', 'g'), 64) AS opening
FROM (SELECT 'duckdb' AS dialect, sql FROM model_sql('churn', source := 'customers')
      UNION ALL SELECT 'clickhouse', sql FROM model_sql('churn', dialect := 'clickhouse', source := 'analytics.customers')
      UNION ALL SELECT 'postgres', sql FROM model_sql('churn', dialect := 'postgres', source := 'public.customers'))
ORDER BY dialect;

-- DuckDB's statement runs here: predict's predictions, and its
-- probabilities to the last bits.
SET VARIABLE churn_sql = (SELECT sql FROM model_sql('churn', source := 'customers'));

SELECT count(*) AS customers, count(*) FILTER (WHERE g.prediction = p.prediction) AS same_prediction,
       max(abs(g.probability - p.probability)) < 1e-12 AS same_probability
FROM query(getvariable('churn_sql')) g JOIN predict('churn', 'customers') p USING (customer_id);

-- The statement is a query like any other: the ten customers most at risk,
-- scored by the SQL alone.
SELECT customer_id, plan, tenure_months, round(probability, 3) AS churn_probability
FROM query(getvariable('churn_sql'))
WHERE NOT churned
ORDER BY probability DESC, customer_id
LIMIT 10;
