// Package store keeps models in the database they describe: table
// ducksight.models of the caller's default database, one row per (name,
// version), readable with plain SQL from any DuckDB client:
//
//	SELECT name, version, kind, task, label, created_at FROM ducksight.models;
//
// A row holds the model document (JSON, format FormatVersion) with
// everything scoring needs, and a few columns copied out of it for listing.
// Versions only grow and are never given twice: Reserve takes one more
// than the largest version the name ever had (table
// ducksight.model_versions keeps that mark through drops), SaveAt inserts
// the row under it in a single INSERT, so a failed or cancelled save leaves
// nothing behind but an unused number. Names (CheckName: no control
// characters) travel as bound parameters, never spliced into SQL.
//
// The package speaks database/sql; the caller hands it a connection whose
// search_path is the calling connection's (so "default database" means the
// caller's).
package store
