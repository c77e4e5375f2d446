-- Model selection, part 1: which churn model, and where to cut it?
-- Split the customers reproducibly, train an exact logistic model and an
-- MLP, compare them on the rows their trainings held out, confirm on a test
-- split neither saw, and pick the threshold for a retention team that can
-- call 10% of the customers.

CREATE TABLE customers AS SELECT * FROM demo_customers(30000);

-- 80% to build models on, 20% kept back as the test split. The split is a
-- seeded hash of customer_id: a customer always lands in the same part,
-- whatever the order of the rows.
CREATE TABLE parts AS
SELECT * FROM split('customers', fractions := [0.8, 0.2], by := ['customer_id']);

SELECT split, count(*) AS customers, round(avg(churned::INTEGER), 3) AS churn_rate
FROM parts GROUP BY split ORDER BY split;

CREATE VIEW build AS SELECT * EXCLUDE (split) FROM parts WHERE split = 1;
CREATE VIEW test AS SELECT * EXCLUDE (split) FROM parts WHERE split = 2;

-- A logistic model (hidden := [], the default), solved to its optimum by
-- L-BFGS; 10% of the build rows are held out by hash (validation_fraction).
-- The labels of other models and the latent segment are not features a
-- real shop would have at prediction time: leave them out.
SELECT model, task, positive, rows_used, epochs_run AS iterations, round(valid_metric, 4) AS valid_auc, notes
FROM train_perceptron('churn_lr', 'build', label := 'churned',
       exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment']);

-- An MLP with one hidden layer of 16 units (Adam, early stopping on the
-- held-out rows).
SELECT model, task, positive, rows_used, epochs_run, round(valid_metric, 4) AS valid_auc, notes
FROM train_perceptron('churn_mlp', 'build', label := 'churned',
       exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'], hidden := [16]);

-- Each model on the rows its own training held out (data NULL: the same
-- rows as valid_auc above), then on the test split. Choose on the held-out
-- rows; the test split only confirms the choice. On these customers churn
-- depends on interactions a linear model cannot draw: the MLP wins.
SELECT 'churn_lr' AS model, 'held out' AS rows_from, rows, round(roc_auc, 4) AS roc_auc, round(pr_auc, 4) AS pr_auc, round(log_loss, 4) AS log_loss FROM evaluate('churn_lr', NULL)
UNION ALL
SELECT 'churn_mlp', 'held out', rows, round(roc_auc, 4), round(pr_auc, 4), round(log_loss, 4) FROM evaluate('churn_mlp', NULL)
UNION ALL
SELECT 'churn_lr', 'test split', rows, round(roc_auc, 4), round(pr_auc, 4), round(log_loss, 4) FROM evaluate('churn_lr', 'test')
UNION ALL
SELECT 'churn_mlp', 'test split', rows, round(roc_auc, 4), round(pr_auc, 4), round(log_loss, 4) FROM evaluate('churn_mlp', 'test')
ORDER BY rows_from, model;

-- The retention team can call 10% of the customers: the threshold that
-- flags that share of the MLP's held-out rows, and how it does there
-- (precision: the share of calls that reach a churner; recall: the share
-- of churners called).
SELECT round(threshold, 4) AS threshold, round(flagged_share, 3) AS flagged_share,
       round(precision, 3) AS precision, round(recall, 3) AS recall
FROM threshold('churn_mlp', NULL, budget := 0.10);

-- The same threshold on the test split.
SET VARIABLE call_threshold = (SELECT threshold FROM threshold('churn_mlp', NULL, budget := 0.10));

SELECT rows, round(precision, 3) AS precision, round(recall, 3) AS recall, round(f1, 3) AS f1
FROM evaluate('churn_mlp', 'test', threshold := getvariable('call_threshold'));

-- The call list: the test customers above the threshold, riskiest first.
SELECT customer_id, plan, tenure_months, support_calls, round(probability, 3) AS churn_probability
FROM predict('churn_mlp', 'test')
WHERE probability >= getvariable('call_threshold')
ORDER BY probability DESC, customer_id
LIMIT 10;

-- Part 2: cross-validation and tuning.
-- Five folds of the build rows, grouped by customer (a customer's rows
-- never sit on both sides of a fold), for a logistic model and for boosted
-- trees: the mean over the folds and how much it varies.
SELECT 'logistic' AS family, fold, round(roc_auc, 4) AS roc_auc, round(pr_auc, 4) AS pr_auc, round(log_loss, 4) AS log_loss
FROM cross_validate('perceptron', 'build', label := 'churned',
       exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'], folds := 5, by := ['customer_id'])
WHERE fold IN ('mean', 'std')
UNION ALL
SELECT 'boosted_trees', fold, round(roc_auc, 4), round(pr_auc, 4), round(log_loss, 4)
FROM cross_validate('boosted_trees', 'build', label := 'churned',
       exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'], folds := 5, by := ['customer_id'], max_depth := 4)
WHERE fold IN ('mean', 'std')
ORDER BY family, fold;

-- Let the engine search both families: six trials alternating boosted
-- trees and perceptrons, weak ones stopped early; the best is trained on
-- all the build rows and saved as churn_tuned. (A time_budget caps the
-- search in seconds; this one is far above what the six trials take.)
SELECT trial, kind, params, round(metric, 4) AS valid_auc, iterations, status
FROM tune('churn_tuned', 'build', label := 'churned',
       exclude := ['customer_id', 'purchased_next_30d', 'spend_next_90d', 'true_segment'],
       kind := 'auto', trials := 6, time_budget := 600);

-- The trials are stored with the model.
SELECT m.name, m.version, m.kind, t.trial, round(t.metric, 4) AS valid_auc
FROM models() m, trial_info('churn_tuned') t
WHERE m.name = 'churn_tuned' AND t.status = 'best';

-- The winner on its held-out rows (the rows that also chose it: optimistic)
-- and on the test split it never saw.
SELECT 'held out' AS rows_from, rows, round(roc_auc, 4) AS roc_auc, round(pr_auc, 4) AS pr_auc FROM evaluate('churn_tuned', NULL)
UNION ALL
SELECT 'test split', rows, round(roc_auc, 4), round(pr_auc, 4) FROM evaluate('churn_tuned', 'test');
