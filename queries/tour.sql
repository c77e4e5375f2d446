-- ducksight tour: segment customers, train a churn model, evaluate it on
-- customers it never saw, explain its riskiest predictions, check it for
-- fairness. All in SQL, on one embedded database.
-- Run: go build -tags duckdb_arrow ./cmd/ducksight && ./ducksight -f queries/tour.sql

-- 50,000 demo customers with known churn behaviour (docs/demo_customers.md),
-- split by customer: 80% to learn from, 20% held out.
CREATE TABLE customers AS SELECT * FROM demo_customers(50000);
CREATE TABLE parts AS SELECT * FROM split('customers', fractions := [0.8, 0.2], by := ['customer_id']);
CREATE VIEW train AS SELECT * EXCLUDE (split) FROM parts WHERE split = 1;
CREATE VIEW holdout AS SELECT * EXCLUDE (split) FROM parts WHERE split = 2;

.print 1. Segments: four groups of customers by behaviour, what sets each apart, and how each churns
CREATE TABLE segments AS
SELECT customer_id, segment
FROM segment('behaviour', $$SELECT customer_id, tenure_months, monthly_spend, visits_30d, support_calls,
                                  days_since_last_purchase, orders_12m, revenue_12m FROM train$$,
             k := 4, exclude := ['customer_id']);
SELECT p.segment, p.size, round(p.share, 3) AS share,
       (SELECT round(avg(c.churned::INTEGER), 3) FROM segments s JOIN customers c USING (customer_id)
        WHERE s.segment = p.segment) AS churn_rate,
       p.description
FROM segment_profile('behaviour') p ORDER BY p.segment;

.print 2. A churn model (a network with 16 hidden units) trained on the 80%
-- The demo's other outcomes and its latent segment are not features a shop
-- would have when it scores a customer: leave them out, and the identifier.
SELECT model, version, rows_used, epochs_run, round(valid_metric, 3) AS valid_auc
FROM train_perceptron('churn', 'train', label := 'churned', hidden := [16],
       exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment']);

.print 3. Its quality on the 20% it never saw
-- No model can beat an AUC of about 0.84 on this data: the labels are drawn
-- from known probabilities (docs/demo_customers.md, Bayes-optimal AUC).
SELECT rows, round(accuracy, 3) AS accuracy, round(precision, 3) AS precision, round(recall, 3) AS recall,
       round(roc_auc, 3) AS roc_auc, round(pr_auc, 3) AS pr_auc, round(brier, 3) AS brier
FROM evaluate('churn', 'holdout');

.print 4. The five held-out customers most likely to churn, and why (contributions in log-odds)
SELECT customer_id, round(probability, 3) AS p_churn,
       array_to_string([format('{}={} ({:+.1f})', r.feature, r.value, r.contribution) FOR r IN reasons], ', ') AS reasons
FROM explain('churn', 'holdout', top_k := 3)
ORDER BY probability DESC, customer_id LIMIT 5;

.print 5. Fairness: does the model flag men and women alike? (NULL: gender not given)
SELECT "group" AS gender, rows, round(positive_rate, 3) AS flagged, round(tpr, 3) AS tpr, round(fpr, 3) AS fpr,
       round(demographic_parity_ratio, 3) AS parity_ratio, round(equalized_odds_difference, 3) AS odds_gap
FROM fairness('churn', 'holdout', by := 'gender')
ORDER BY rows DESC;
