package service

import (
	"time"

	"github.com/ducksight/ducksight/engine/task"
)

// ModelInfo is a row of models(): one stored model version.
type ModelInfo struct {
	Name        string
	Version     int
	Kind        string    // "perceptron", or "kmeans" for a segment model
	Task        task.Task // task.Binary, task.Multiclass or task.Regression (task.Segmentation for a segment model)
	Positive    string    // a binary model's positive class as text (SQL NULL for other tasks)
	Label       string    // "" for a segment model
	Features    []string
	Metric      string  // "auc", "accuracy" or "rmse" ("silhouette" for a segment model)
	ValidMetric float64 // validation metric of the kept epoch (a segment model's silhouette); NaN (SQL NULL) when there is none
	CreatedAt   time.Time
	Data        string // the data argument it was trained on
}

// TrainingInfoOptions are training_info's named arguments.
type TrainingInfoOptions struct {
	Version int // default (0) the latest
}

// TrainingEpoch is a row of training_info: one epoch of a model's
// training history.
type TrainingEpoch struct {
	Epoch       int    // 1, 2, ...: the epoch, or a boosted-trees model's round
	Unit        string // "epoch" or "round"
	TrainLoss   float64
	ValidLoss   float64 // NaN (SQL NULL) without validation
	ValidMetric float64 // NaN (SQL NULL) without validation
	Kept        bool    // the epoch whose weights the model kept; a round the model keeps
	Seconds     float64 // wall time of the epoch; NaN (SQL NULL) when not recorded
}

// DropOptions are drop_model's named arguments.
type DropOptions struct {
	Version int // the version to delete; 0 (the default) deletes every version
}

// ExportOptions are export_model's named arguments.
type ExportOptions struct {
	Version int // default (0) the latest
}

// ExportResult is export_model's result row.
type ExportResult struct {
	Model   string
	Version int    // the version written
	Path    string // the file written, absolute
	Bytes   int64  // its size
}

// ImportResult is import_model's result row.
type ImportResult struct {
	Model   string // the name given, not the one in the file
	Version int    // the version the import saved
	Path    string // the file read, absolute
}
