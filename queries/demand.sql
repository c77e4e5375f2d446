-- Demand: how much will each customer spend in the next 90 days?
-- A regression of spend_next_90d with one hidden layer.

CREATE TABLE customers AS SELECT * FROM demo_customers(50000);

SELECT model, task, rows_used, inputs, epochs_run, round(valid_metric, 1) AS valid_rmse
FROM train_perceptron('spend', 'customers', label := 'spend_next_90d',
       exclude := ['churned', 'purchased_next_30d', 'true_segment'], hidden := [16]);

-- Forecast by plan against the actual spend, and the error of a per-plan average.
SELECT plan, count(*) AS customers,
       round(sum(prediction)) AS forecast, round(sum(spend_next_90d)) AS actual,
       round(sqrt(avg((prediction - spend_next_90d) ^ 2)), 1) AS rmse
FROM predict('spend', 'customers')
GROUP BY plan ORDER BY plan;

SELECT round(sqrt(avg((p.prediction - p.spend_next_90d) ^ 2)), 1) AS model_rmse,
       round(sqrt(avg((b.mean_spend - p.spend_next_90d) ^ 2)), 1) AS plan_average_rmse
FROM predict('spend', 'customers') p
JOIN (SELECT plan, avg(spend_next_90d) AS mean_spend FROM customers GROUP BY plan) b USING (plan);
