//! The conformance vectors, run by `cargo test`, and tests of the runner itself.

use std::path::PathBuf;

use xtask::vectors::{Failure, Filter, Report, run_dir};

fn fixture(name: &str) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    run_dir(&dir, &Filter::default())
}

fn harness_reason(report: &Report) -> String {
    match &report.failures[0].failure {
        Failure::Harness(reason) => reason.clone(),
        other => panic!("expected a harness failure, got {other:?}"),
    }
}

#[test]
fn every_vector_file_in_the_project_passes() {
    let report = run_dir(
        &xtask::project_root().join("tests/vectors"),
        &Filter::default(),
    );
    assert!(report.is_success(), "{report}");
    assert!(report.passed() > 0, "no vectors ran:\n{report}");
}

#[test]
fn a_correct_vector_passes() {
    let report = fixture("passing");
    assert!(report.is_success(), "{report}");
    assert_eq!(report.passed(), 1);
}

#[test]
fn a_wrong_expectation_fails_and_shows_both_sides() {
    let report = fixture("wrong-expectation");
    assert!(!report.is_success());
    assert_eq!((report.passed(), report.failed()), (0, 1));
    let Failure::Mismatches(mismatches) = &report.failures[0].failure else {
        panic!("expected a mismatch, got {:?}", report.failures[0].failure);
    };
    assert_eq!(mismatches[0].field, "encoded");
    assert_eq!(mismatches[0].expected, "\"a+b\"");
    assert_eq!(mismatches[0].got, "\"a%20b\"");
    let printed = report.to_string();
    assert!(
        printed.contains("FAIL fixture-wrong (deliberately wrong)"),
        "{printed}"
    );
    assert!(printed.ends_with("0 passed, 1 failed\n"), "{printed}");
}

#[test]
fn an_unknown_kind_fails_rather_than_being_skipped() {
    let report = fixture("unknown-kind");
    assert!(!report.is_success());
    assert_eq!(report.failed(), 1);
    assert!(harness_reason(&report).contains("unknown kind `oauth1.no_such_kind`"));
}

#[test]
fn a_duplicate_id_fails() {
    let report = fixture("duplicate-id");
    assert!(!report.is_success());
    assert_eq!((report.passed(), report.failed()), (1, 1));
    assert!(harness_reason(&report).contains("duplicate id"));
}

#[test]
fn a_vector_without_source_fails() {
    let report = fixture("missing-source");
    assert!(!report.is_success());
    assert!(harness_reason(&report).contains("no `source`"));
}

#[test]
fn an_expectation_the_kind_does_not_check_fails() {
    let report = fixture("unchecked-field");
    assert!(!report.is_success());
    assert!(harness_reason(&report).contains("\"decoded\""));
}

#[test]
fn a_file_that_does_not_parse_fails() {
    let dir = std::env::temp_dir().join(format!("sansauth-xtask-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.json"), "{ not json").unwrap();
    let report = run_dir(&dir, &Filter::default());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!report.is_success());
    assert_eq!(report.file_errors.len(), 1);
}

#[test]
fn an_empty_folder_fails() {
    let dir = std::env::temp_dir().join(format!("sansauth-xtask-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = run_dir(&dir, &Filter::default());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!report.is_success());
}

#[test]
fn the_suite_filter_keeps_only_that_suite() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let filter = Filter {
        suite: Some("fixture-passing".to_owned()),
    };
    let report = run_dir(&dir, &filter);
    assert_eq!(report.suites.len(), 1);
    assert_eq!(report.suites[0].suite, "fixture-passing");
}
