//! Project chores, run as `cargo xtask <command>`.
//!
//! The library half exists so that `cargo test` runs the same code as the
//! command line: the conformance vectors are checked by both.

pub mod fuzz;
pub mod vectors;

use std::path::PathBuf;

/// The workspace root (the folder holding the virtual manifest).
pub fn project_root() -> PathBuf {
    let xtask_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask_dir
        .parent()
        .map_or_else(|| xtask_dir.clone(), PathBuf::from)
}
