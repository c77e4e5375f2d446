-- Purchase propensity: who will buy in the next 30 days?
-- A logistic model on age, income and purchase history.

CREATE TABLE customers AS SELECT * FROM demo_customers(50000, seed := 7);

SELECT model, task, rows_used, features, inputs, round(valid_metric, 3) AS valid_auc, notes
FROM train_perceptron('propensity', 'customers', label := 'purchased_next_30d',
       features := ['age', 'income', 'visits_30d', 'orders_12m', 'revenue_12m', 'days_since_last_purchase', 'email_opt_in']);

-- Expected buyers per region next month, against what happened.
SELECT region, count(*) AS customers,
       round(sum(probability)) AS expected_buyers,
       sum(purchased_next_30d::INTEGER) AS actual_buyers
FROM predict('propensity', 'customers')
GROUP BY region ORDER BY region;

-- Target the top 5% for a campaign.
SELECT count(*) AS targeted, round(avg(purchased_next_30d::INTEGER), 3) AS hit_rate,
       (SELECT round(avg(purchased_next_30d::INTEGER), 3) FROM customers) AS base_rate
FROM (SELECT * FROM predict('propensity', 'customers') ORDER BY probability DESC, customer_id LIMIT 2500);
