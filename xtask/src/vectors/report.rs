//! What a run of the vector files found, printed as the contract says: a row
//! per suite, then each failure, then `N passed, M failed`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::Failure;

/// The outcome of running one or more vector files.
#[derive(Debug, Default)]
pub struct Report {
    /// One row per suite, in the order first seen.
    pub suites: Vec<SuiteRow>,
    /// Every failed vector.
    pub failures: Vec<VectorFailure>,
    /// Files (or folders) that could not be read as vector files.
    pub file_errors: Vec<(PathBuf, String)>,
}

/// Counts for one suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuiteRow {
    /// The suite's name.
    pub suite: String,
    /// Vectors that passed.
    pub passed: usize,
    /// Vectors that failed.
    pub failed: usize,
}

/// One failed vector.
#[derive(Debug, Clone)]
pub struct VectorFailure {
    /// The file it came from.
    pub file: PathBuf,
    /// The vector's `id`.
    pub id: String,
    /// The vector's `source`.
    pub source: String,
    /// Why it failed.
    pub failure: Failure,
}

impl Report {
    /// Whether everything that was run passed and every file was read.
    pub fn is_success(&self) -> bool {
        self.failures.is_empty() && self.file_errors.is_empty()
    }

    /// Vectors that passed, over all suites.
    pub fn passed(&self) -> usize {
        self.suites.iter().map(|s| s.passed).sum()
    }

    /// Failures, counting each unreadable file as one.
    pub fn failed(&self) -> usize {
        self.failures.len() + self.file_errors.len()
    }

    /// The row of `suite`, created on first use.
    pub(super) fn suite(&mut self, suite: &str) -> usize {
        if let Some(i) = self.suites.iter().position(|row| row.suite == suite) {
            return i;
        }
        self.suites.push(SuiteRow {
            suite: suite.to_owned(),
            passed: 0,
            failed: 0,
        });
        self.suites.len() - 1
    }

    pub(super) fn record(
        &mut self,
        row: usize,
        file: &Path,
        id: &str,
        source: &str,
        failure: Option<Failure>,
    ) {
        let row = &mut self.suites[row];
        match failure {
            None => row.passed += 1,
            Some(failure) => {
                row.failed += 1;
                self.failures.push(VectorFailure {
                    file: file.to_owned(),
                    id: id.to_owned(),
                    source: source.to_owned(),
                    failure,
                });
            }
        }
    }

    pub(super) fn file_error(&mut self, path: &Path, error: String) {
        self.file_errors.push((path.to_owned(), error));
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self
            .suites
            .iter()
            .map(|s| s.suite.len())
            .max()
            .unwrap_or(0)
            .max("suite".len());
        writeln!(f, "{:<width$}  {:>6}  {:>6}", "suite", "passed", "failed")?;
        for row in &self.suites {
            writeln!(
                f,
                "{:<width$}  {:>6}  {:>6}",
                row.suite, row.passed, row.failed
            )?;
        }
        for (path, error) in &self.file_errors {
            writeln!(f, "\nERROR {}: {error}", path.display())?;
        }
        for fail in &self.failures {
            let source = if fail.source.is_empty() {
                "no source"
            } else {
                &fail.source
            };
            writeln!(
                f,
                "\nFAIL {} ({source}) in {}",
                fail.id,
                fail.file.display()
            )?;
            writeln!(f, "{}", fail.failure)?;
        }
        writeln!(f, "{} passed, {} failed", self.passed(), self.failed())
    }
}
