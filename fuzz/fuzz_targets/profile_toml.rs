//! `sansauth_providers::Profile::from_toml`: a provider profile file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::{format_all, text};
use sansauth_providers::Profile;

fuzz_target!(|data: &[u8]| {
    match Profile::from_toml(&text(data), Some(std::path::Path::new("fuzz.toml"))) {
        Ok(profile) => {
            let _ = format!("{profile:?}");
        }
        Err(e) => format_all(&e),
    }
});
