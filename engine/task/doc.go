// Package task names what a model does: Binary, Multiclass or Regression
// (perceptron models), Segmentation (kmeans models), as one typed value
// shared by the model documents, the label encoder, the perceptron kernel,
// the choice of metrics and the store's records.
//
// A Task is written and read as text ("binary", "multiclass",
// "regression", "segmentation"): MarshalText and UnmarshalText keep the
// JSON of model documents and model files, and the store's task column,
// the text they always were, so stored models and exported files read back
// unchanged, and text that names no task is an error when it is decoded.
//
// Two values are not the task of a model but of a training request: the
// zero value None (text "", no task given) and Auto (text "auto": let the
// label decide). A training option of None means the default, Auto;
// features.LabelFitter resolves Auto to Binary, Multiclass or Regression
// from the label's values. A model document never holds either: its
// Validate refuses them. Auto is a value of its own, rather than a flag
// beside the task, so that the option keeps one field and its stored
// JSON ("task": "auto") stays what it was.
package task
