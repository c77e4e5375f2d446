-- Churn with three models side by side: a logistic model, an MLP and
-- boosted trees, trained on the same demo customers and compared on a
-- holdout; then why the riskiest customers are at risk, and a depth-3
-- tree as rules an analyst can act on.

CREATE TABLE customers AS SELECT * FROM demo_customers(20000);
CREATE TABLE holdout AS SELECT * FROM demo_customers(5000, seed := 7);

-- The labels of other models and the latent segment are not features a
-- real shop would have at prediction time: leave them out.
SELECT model, trees_or_epochs, round(valid_auc, 3) AS valid_auc FROM (
  SELECT model, epochs_run AS trees_or_epochs, valid_metric AS valid_auc
  FROM train_perceptron('churn_logistic', 'customers', label := 'churned',
         exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'])
  UNION ALL
  SELECT model, epochs_run, valid_metric
  FROM train_perceptron('churn_mlp', 'customers', label := 'churned',
         exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'], hidden := [16])
  UNION ALL
  SELECT model, trees, valid_metric
  FROM train_boosted_trees('churn_gbt', 'customers', label := 'churned',
         exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'])
) ORDER BY model;

-- The three on the holdout: ranking (ROC AUC), calibration (log loss,
-- Brier) and accuracy at 0.5.
SELECT 'churn_logistic' AS model, round(roc_auc, 3) AS roc_auc, round(log_loss, 3) AS log_loss,
       round(brier, 3) AS brier, round(accuracy, 3) AS accuracy FROM evaluate('churn_logistic', 'holdout')
UNION ALL
SELECT 'churn_mlp', round(roc_auc, 3), round(log_loss, 3), round(brier, 3), round(accuracy, 3) FROM evaluate('churn_mlp', 'holdout')
UNION ALL
SELECT 'churn_gbt', round(roc_auc, 3), round(log_loss, 3), round(brier, 3), round(accuracy, 3) FROM evaluate('churn_gbt', 'holdout')
ORDER BY roc_auc DESC, model;

-- The top-decile lift of each.
SELECT 'churn_logistic' AS model, round(lift, 2) AS top_decile_lift FROM lift('churn_logistic', 'holdout') WHERE bin = 1
UNION ALL
SELECT 'churn_mlp', round(lift, 2) FROM lift('churn_mlp', 'holdout') WHERE bin = 1
UNION ALL
SELECT 'churn_gbt', round(lift, 2) FROM lift('churn_gbt', 'holdout') WHERE bin = 1
ORDER BY top_decile_lift DESC, model;

-- Why the ten riskiest holdout customers are at risk, by the trees: exact
-- TreeSHAP contributions to the log-odds, from the average customer's
-- (baseline) log-odds.
SELECT customer_id, round(probability, 3) AS churn_probability, round(baseline, 3) AS baseline,
       reasons[1].feature AS first_reason, reasons[1].value AS its_value, round(reasons[1].contribution, 3) AS contribution,
       reasons[2].feature AS second_reason, round(reasons[2].contribution, 3) AS contribution_2
FROM explain('churn_gbt', 'holdout', top_k := 2)
WHERE NOT churned
ORDER BY probability DESC, customer_id
LIMIT 10;

-- Which columns the trees split on most (total gain), and how much the
-- holdout AUC drops when each is shuffled.
SELECT feature, round(gain, 1) AS gain, round(importance, 4) AS auc_drop
FROM feature_importance('churn_gbt', 'holdout', repeats := 1)
ORDER BY gain DESC, feature
LIMIT 6;

-- A single depth-3 decision tree: eight segments with their churn rates.
SELECT model, trees FROM train_boosted_trees('churn_rules', 'customers', label := 'churned',
       exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'],
       trees := 1, max_depth := 3, learning_rate := 1.0);

SELECT leaf, rows, round(share, 3) AS churn_rate, rule
FROM tree_rules('churn_rules')
ORDER BY share DESC, leaf;
