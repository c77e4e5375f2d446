-- Fairness audit: does the churn model treat groups of customers alike?
-- Selection rate (who would get a retention offer at threshold 0.3), true
-- and false positive rates per group, against the largest group.

CREATE TABLE customers AS SELECT * FROM demo_customers(50000);
CREATE TABLE train AS SELECT * FROM customers WHERE customer_id <= 40000;
CREATE TABLE holdout AS SELECT * FROM customers WHERE customer_id > 40000;

SELECT model, version FROM train_perceptron('churn', 'train', label := 'churned',
       exclude := ['purchased_next_30d', 'spend_next_90d', 'true_segment'], hidden := [16]);

.print By gender (NULL: not given):
SELECT "group", rows, round(positive_rate, 3) AS selection_rate, round(tpr, 3) AS tpr, round(fpr, 3) AS fpr,
       round(demographic_parity_ratio, 3) AS parity_ratio, round(equal_opportunity_difference, 3) AS opportunity_gap,
       round(equalized_odds_difference, 3) AS odds_gap
FROM fairness('churn', 'holdout', by := 'gender', threshold := 0.3)
ORDER BY rows DESC;

.print By region:
SELECT "group", rows, round(positive_rate, 3) AS selection_rate, round(tpr, 3) AS tpr, round(fpr, 3) AS fpr,
       round(demographic_parity_ratio, 3) AS parity_ratio, round(equalized_odds_difference, 3) AS odds_gap
FROM fairness('churn', 'holdout', by := 'region', threshold := 0.3)
ORDER BY "group";

.print By age band (a group under 30 customers would show its size only):
SELECT "group" AS age_band, rows, round(positive_rate, 3) AS selection_rate, round(demographic_parity_ratio, 3) AS parity_ratio
FROM fairness('churn', $$SELECT *, CASE WHEN age < 30 THEN '18-29' WHEN age < 50 THEN '30-49' WHEN age < 70 THEN '50-69' ELSE '70+' END AS age_band FROM holdout$$,
              by := 'age_band', threshold := 0.3)
ORDER BY "group";
