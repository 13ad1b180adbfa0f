//! The conformance vector runner: the contract in `tests/vectors/README.md`.
//!
//! Every `*.json` file under a folder is a suite of vectors. Each vector's
//! `kind` is dispatched to the public API of the crate that owns it (one
//! module per crate under `kinds/`); the kind reads its `input`, calls the API, and checks what came
//! out against `expect` through a [`Case`]. A vector passes only when every
//! field of `expect` was checked and matched.

mod case;
mod kinds;
mod report;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

pub use case::{ApiError, Case, Failure, InputResult, Mismatch};
pub use report::{Report, SuiteRow, VectorFailure};

/// Which vectors to run.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Keep only the suite with this name.
    pub suite: Option<String>,
}

/// One vector file, as on disk.
#[derive(Debug, Deserialize)]
struct SuiteFile {
    suite: String,
    #[serde(default)]
    #[allow(dead_code, reason = "documentation for readers of the file")]
    description: String,
    vectors: Vec<Vector>,
}

/// One vector, as on disk.
#[derive(Debug, Deserialize)]
struct Vector {
    id: String,
    kind: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    input: Map<String, Value>,
    #[serde(default)]
    expect: Map<String, Value>,
    /// Only for URL comparisons: compare the query in order.
    #[serde(default)]
    ordered: bool,
}

/// Runs every `*.json` file under `dir` (recursively) and returns the report.
pub fn run_dir(dir: &Path, filter: &Filter) -> Report {
    let mut report = Report::default();
    let files = match json_files(dir) {
        Ok(files) => files,
        Err(error) => {
            report.file_error(dir, format!("cannot read the folder: {error}"));
            return report;
        }
    };
    if files.is_empty() {
        report.file_error(dir, "no *.json vector files found".to_owned());
    }
    let mut seen_ids: HashMap<String, PathBuf> = HashMap::new();
    for file in files {
        run_file(&file, filter, &mut seen_ids, &mut report);
    }
    report
}

fn run_file(
    path: &Path,
    filter: &Filter,
    seen_ids: &mut HashMap<String, PathBuf>,
    report: &mut Report,
) {
    let parsed = fs::read_to_string(path)
        .map_err(|e| format!("cannot read: {e}"))
        .and_then(|text| {
            serde_json::from_str::<SuiteFile>(&text).map_err(|e| format!("not a vector file: {e}"))
        });
    let suite = match parsed {
        Ok(suite) => suite,
        Err(error) => {
            report.file_error(path, error);
            return;
        }
    };
    if filter.suite.as_ref().is_some_and(|s| *s != suite.suite) {
        return;
    }
    let row = report.suite(&suite.suite);
    for vector in suite.vectors {
        let source = vector.source.clone().unwrap_or_default();
        let failure = match seen_ids.get(&vector.id) {
            Some(first) => Some(Failure::harness(format!(
                "duplicate id: already used in {}",
                first.display()
            ))),
            None => {
                seen_ids.insert(vector.id.clone(), path.to_owned());
                check_vector(&vector).err()
            }
        };
        report.record(row, path, &vector.id, &source, failure);
    }
}

/// Runs one vector; `Err` says why it failed.
fn check_vector(vector: &Vector) -> Result<(), Failure> {
    if vector.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(Failure::harness(
            "no `source`: every vector names the published source of its expectation".to_owned(),
        ));
    }
    if vector.expect.is_empty() {
        return Err(Failure::harness(
            "empty `expect`: at least one expectation is required".to_owned(),
        ));
    }
    // `ordered` may also stand inside `expect` (it qualifies the URL expectation).
    let ordered =
        vector.ordered || vector.expect.get("ordered").and_then(Value::as_bool) == Some(true);
    let mut case = Case::new(&vector.input, &vector.expect, ordered);
    match kinds::dispatch(&vector.kind, &mut case) {
        None => Err(Failure::harness(format!(
            "unknown kind `{}`: the runner has no dispatch for it",
            vector.kind
        ))),
        Some(Err(input_error)) => Err(Failure::harness(format!("bad input: {input_error}"))),
        Some(Ok(())) => case.finish(),
    }
}

/// Every `*.json` file under `dir`, recursively, in a stable order.
fn json_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}
