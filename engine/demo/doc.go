// Package demo generates the deterministic demo customer table behind the
// SQL table function demo_customers(n, seed := 42).
//
// The table looks like the customer base of a subscription / e-commerce
// business: demographics, plan and spend, behaviour (visits, support calls,
// recency, orders, revenue), two binary labels (churned, purchased_next_30d),
// a regression target (spend_next_90d) and the latent segment every row was
// drawn from (true_segment). It exists so that every example runs without
// outside data, and so that tests of the ML functions (classifiers,
// regression, clustering) can be checked against a known truth:
//
//   - ChurnProbability, PurchaseProbability and ExpectedSpendNext90d are the
//     exact functions the labels are drawn from, computed from the published
//     features only. Their AUC on a sample is the Bayes-optimal AUC.
//   - The label models contain interactions and threshold effects, so a
//     small neural network beats logistic regression on the raw features.
//   - The five segments overlap: clustering recovers them clearly better than
//     chance, never perfectly.
//
// The generating process, every constant and the measured figures are in
// docs/demo_customers.md.
//
// Rows are counter-based: row i (0-based, customer_id = i+1) of seed s is a
// pure function of (s, i), drawn from a private splitmix64 stream keyed by a
// hash of (s, i). Rows can therefore be produced in any order, chunking or in
// parallel, a prefix of n rows does not depend on n, and different seeds give
// different tables. Results are bit-for-bit reproducible for a given build
// target; a compiler that fuses multiply-adds (for example on arm64, or amd64
// with GOAMD64=v3) may change the last bits of a float and so, very rarely, a
// rounded value or a drawn label.
//
// Row and Fill do not allocate and are safe for concurrent use.
package demo
