#!/usr/bin/Rscript
# Writes five public customer datasets of the CRAN package modeldata (Debian:
# r-cran-modeldata, MIT licence) as CSV files for scripts/trees_side_by_side:
#
#   Rscript scripts/trees_side_by_side/extract_modeldata.R OUTDIR
#
# Each file OUTDIR/<name>.csv has a first column rid (the row number in the
# package, 1..n, so splits by hash are reproducible), then the dataset's own
# columns unchanged: factors (ordered ones too) as their level names, numbers
# as written by R with 15 significant digits, NA as an empty unquoted field
# (DuckDB's read_csv reads it as NULL). OUTDIR/modeldata.txt records the
# package version and each file's row and column count.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: extract_modeldata.R OUTDIR")
out <- args[[1]]
dir.create(out, showWarnings = FALSE, recursive = TRUE)
sets <- c("mlc_churn", "wa_churn", "attrition", "credit_data", "lending_club")
info <- sprintf("modeldata %s (R %s)", as.character(packageVersion("modeldata")), getRversion())
for (name in sets) {
  e <- new.env()
  data(list = name, package = "modeldata", envir = e)
  d <- as.data.frame(get(name, envir = e))
  for (c in names(d)) if (is.factor(d[[c]])) d[[c]] <- as.character(d[[c]])
  d <- cbind(rid = seq_len(nrow(d)), d)
  write.csv(d, file.path(out, paste0(name, ".csv")), row.names = FALSE, na = "")
  info <- c(info, sprintf("%s: %d rows, %d columns", name, nrow(d), ncol(d) - 1))
}
writeLines(info, file.path(out, "modeldata.txt"))
