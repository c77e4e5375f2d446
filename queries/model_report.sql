-- Model report: how good is the churn model, before anyone acts on it?
-- Train on 40,000 demo customers, judge on 10,000 the model never saw.

CREATE TABLE customers AS SELECT * FROM demo_customers(50000);
CREATE TABLE train AS SELECT * FROM customers WHERE customer_id <= 40000;
CREATE TABLE holdout AS SELECT * FROM customers WHERE customer_id > 40000;

SELECT model, version, epochs_run, round(valid_metric, 3) AS valid_auc
FROM train_perceptron('churn', 'train', label := 'churned',
       exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment'], hidden := [16]);

.print Quality on the holdout (threshold 0.5):
.mode line
SELECT rows, round(accuracy, 3) AS accuracy, round(precision, 3) AS precision, round(recall, 3) AS recall,
       round(f1, 3) AS f1, round(roc_auc, 3) AS roc_auc, round(pr_auc, 3) AS pr_auc, round(brier, 3) AS brier
FROM evaluate('churn', 'holdout');
.mode box

.print At 0.5 few churners are flagged; a lower threshold trades precision for recall:
SELECT threshold, round(tpr, 3) AS recall, round(fpr, 3) AS false_positive_rate, round(precision, 3) AS precision
FROM roc_curve('churn', 'holdout', points := 11) WHERE threshold BETWEEN 0.1 AND 0.6;

SELECT * FROM confusion_matrix('churn', 'holdout', threshold := 0.3);

.print Who to call: the lift table (contacting the top 20 % reaches this share of churners):
SELECT bin, customers, positives AS churners, round(response_rate, 3) AS churn_rate, round(lift, 2) AS lift,
       round(cumulative_gain, 3) AS cumulative_gain
FROM lift('churn', 'holdout', bins := 10);

.print Are the probabilities honest? Predicted against observed churn:
SELECT bin, rows, round(mean_predicted, 3) AS predicted, round(observed_rate, 3) AS observed
FROM calibration('churn', 'holdout', bins := 10) WHERE rows > 0;

.print What drives it: permutation importance (drop in holdout AUC when a column is shuffled):
SELECT feature, round(importance, 4) AS auc_drop, round(importance_std, 4) AS std
FROM feature_importance('churn', 'holdout', repeats := 3)
ORDER BY importance DESC, feature LIMIT 8;

.print Why: the three largest contributions (either direction) for three holdout customers:
SELECT customer_id, round(probability, 3) AS p_churn,
       list_transform(reasons, r -> r.feature || '=' || r.value) AS reasons
FROM explain('churn', $$SELECT * FROM holdout WHERE customer_id IN (40001, 40002, 40003)$$, top_k := 3)
ORDER BY customer_id;

.print Does new data still look like the training data? Drift of the holdout against the training statistics:
SELECT column_name, kind, round(null_share_now, 3) AS nulls, round(mean_train, 2) AS mean_train, round(mean_now, 2) AS mean_now,
       round(psi, 4) AS psi, round(unseen_share, 3) AS unseen, status
FROM drift('churn', 'holdout');

.print The same rows with income tripled and the plans re-capitalised (new levels):
SELECT column_name, round(psi, 3) AS psi, round(unseen_share, 3) AS unseen, status
FROM drift('churn', $$SELECT * REPLACE (income * 3 AS income, upper(plan) AS plan) FROM holdout$$)
WHERE status <> 'ok';

.print What would the premium plan do? Basic-plan holdout customers at risk, as they are and on premium:
SELECT count(*) AS customers, round(avg(probability), 3) AS p_churn_now, round(avg(probability_what_if), 3) AS p_churn_premium,
       round(avg(change), 3) AS mean_change, count(*) FILTER (prediction AND NOT prediction_what_if) AS no_longer_flagged
FROM what_if('churn', $$SELECT * FROM holdout WHERE plan = 'basic'$$, set := {'plan': 'premium'})
WHERE probability > 0.3;
