//! `sansauth_transport::store::FileTokenStore` reading a token file with
//! fuzzed contents, as an OAuth 2 `TokenSet` and as an `OAuth1Token`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sansauth_fuzz::format_all;
use sansauth_oauth2::tokens::TokenSet;
use sansauth_transport::store::{FileTokenStore, OAuth1Token, TokenStore};

const ACCOUNT: &str = "fuzz";

/// A directory of this process's own, made once.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sansauth-fuzz-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("creating the fuzz directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let store = FileTokenStore::new(dir());
    let path = store.path(ACCOUNT).expect("a valid account name");
    std::fs::write(&path, data).expect("writing the token file");
    match TokenStore::<TokenSet>::load(&store, ACCOUNT) {
        Ok(record) => {
            let _ = format!("{record:?}");
        }
        Err(e) => format_all(&e),
    }
    match TokenStore::<OAuth1Token>::load(&store, ACCOUNT) {
        Ok(record) => {
            let _ = format!("{record:?}");
        }
        Err(e) => format_all(&e),
    }
});
