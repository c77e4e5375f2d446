-- Churn: who is about to leave?
-- Train a churn model on the demo customers and list the 20 customers most at risk.

CREATE TABLE customers AS SELECT * FROM demo_customers(50000);

-- The labels of other models and the latent segment are not features a
-- real shop would have at prediction time: leave them out.
SELECT model, version, task, rows_used, inputs, epochs_run, round(valid_metric, 3) AS valid_auc, mode, notes
FROM train_perceptron('churn', 'customers', label := 'churned',
       exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment'], hidden := [16]);

-- The 20 customers most likely to churn.
SELECT customer_id, plan, tenure_months, support_calls, days_since_last_purchase,
       round(probability, 3) AS churn_probability
FROM predict('churn', 'customers')
WHERE NOT churned
ORDER BY probability DESC, customer_id
LIMIT 20;

-- How well the scores rank: churn rate by score decile.
SELECT decile, count(*) AS customers, round(avg(churned::INTEGER), 3) AS churn_rate,
       round(min(probability), 3) AS min_p, round(max(probability), 3) AS max_p
FROM (SELECT churned, probability, ntile(10) OVER (ORDER BY probability DESC, customer_id) AS decile
      FROM predict('churn', 'customers'))
GROUP BY decile ORDER BY decile;

-- score() works where a data string cannot reach: here a TEMP table of this
-- week's campaign targets, scored inside a join, per region.
CREATE TEMP TABLE campaign AS
SELECT customer_id FROM customers WHERE plan = 'premium' AND support_calls >= 3;

SELECT c.region, count(*) AS targets, round(avg(score('churn', c)), 3) AS mean_churn_probability,
       count(*) FILTER (WHERE score_label('churn', c)::BOOLEAN) AS predicted_churners
FROM campaign t JOIN customers c USING (customer_id)
GROUP BY c.region ORDER BY mean_churn_probability DESC, c.region;
