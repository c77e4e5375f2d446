-- Segmentation: who are our customers?
-- RFM (recency, frequency, monetary) segments of the demo customers, what
-- sets each apart, and how each segment churns.

CREATE TABLE customers AS SELECT * FROM demo_customers(50000);

-- Recency, frequency and monetary value are skewed: segment their logs.
CREATE TABLE rfm AS
SELECT customer_id, ln(1 + days_since_last_purchase) AS recency, ln(1 + orders_12m) AS frequency,
       ln(1 + revenue_12m) AS monetary
FROM customers;

.print How many segments? The automatic choice (silhouette over 2..8) and the elbow:
SELECT count(*) AS customers FROM segment('rfm_auto', 'rfm', exclude := ['customer_id'], k_max := 8);
SELECT k, round(inertia) AS inertia, round(silhouette, 3) AS silhouette FROM segment_k_scores('rfm_auto') ORDER BY k;

-- The silhouette favours two groups (buyers and lapsed customers); a
-- marketing team wants a finer cut: four segments.
CREATE TABLE segments AS
SELECT customer_id, segment FROM segment('rfm', 'rfm', exclude := ['customer_id'], k := 4);

SELECT k, k_automatic, round(silhouette, 3) AS silhouette, round(davies_bouldin, 3) AS davies_bouldin
FROM segment_quality('rfm');

.print The segments in the customers' own units:
SELECT p.segment, p.size, round(p.share, 3) AS share,
       round(exp(p.recency_mean) - 1) AS days_since_purchase,
       round(exp(p.frequency_mean) - 1, 1) AS orders_12m,
       round(exp(p.monetary_mean) - 1) AS revenue_12m,
       p.description
FROM segment_profile('rfm') p ORDER BY p.segment;

.print Churn by segment (customers joined back):
SELECT s.segment, count(*) AS customers, round(avg(c.churned::INTEGER), 3) AS churn_rate,
       round(avg(c.revenue_12m)) AS avg_revenue_12m, round(avg(c.spend_next_90d)) AS avg_spend_next_90d
FROM segments s JOIN customers c USING (customer_id)
GROUP BY s.segment ORDER BY s.segment;

-- New customers get a segment from the stored model.
SELECT segment, count(*) AS new_customers
FROM predict('rfm', $$SELECT customer_id, ln(1 + days_since_last_purchase) AS recency, ln(1 + orders_12m) AS frequency,
                            ln(1 + revenue_12m) AS monetary FROM demo_customers(1000, seed := 7)$$)
GROUP BY segment ORDER BY segment;
