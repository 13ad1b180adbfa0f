//! The file and memory token stores: round trips, atomic replace, file
//! modes, corrupt and foreign files, and failing writes.

use std::fs;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sansauth_transport::store::{FileTokenStore, MemoryTokenStore, TokenStore, WriteStage};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Tokens {
    access: String,
    refresh: Option<String>,
    expires_at: u64,
}

fn tokens(n: u32) -> Tokens {
    Tokens {
        access: format!("access-{n}"),
        refresh: Some(format!("refresh-{n}")),
        expires_at: 1_700_000_000 + u64::from(n),
    }
}

fn leftovers(dir: &std::path::Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

#[test]
fn save_then_load_round_trips_and_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("tokens"));
    assert_eq!(
        TokenStore::<Tokens>::load(&store, "alice@example.com").unwrap(),
        None
    );
    store.save("alice@example.com", &tokens(1)).unwrap();
    store.save("bob", &tokens(7)).unwrap();
    assert_eq!(store.load("alice@example.com").unwrap(), Some(tokens(1)));
    store.save("alice@example.com", &tokens(2)).unwrap();
    assert_eq!(store.load("alice@example.com").unwrap(), Some(tokens(2)));
    assert_eq!(store.load("bob").unwrap(), Some(tokens(7)));
    assert!(leftovers(store.dir()).is_empty());

    let text = fs::read_to_string(store.path("alice@example.com").unwrap()).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["format"], "sansauth-token-store");
    assert_eq!(json["account"], "alice@example.com");
    assert_eq!(json["record"]["refresh"], "refresh-2");

    TokenStore::<Tokens>::remove(&store, "alice@example.com").unwrap();
    assert_eq!(
        TokenStore::<Tokens>::load(&store, "alice@example.com").unwrap(),
        None
    );
    TokenStore::<Tokens>::remove(&store, "alice@example.com").unwrap();
}

#[cfg(unix)]
#[test]
fn files_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("nested/tokens"));
    store.save("alice", &tokens(1)).unwrap();
    store.save("alice", &tokens(2)).unwrap();
    let file_mode = fs::metadata(store.path("alice").unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(file_mode & 0o777, 0o600);
    let dir_mode = fs::metadata(store.dir()).unwrap().permissions().mode();
    assert_eq!(dir_mode & 0o777, 0o700);
}

#[test]
fn a_corrupt_file_is_reported_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path());
    let path = store.path("alice").unwrap();
    fs::write(&path, b"{\"format\": \"sansauth-token-st").unwrap();
    let err = TokenStore::<Tokens>::load(&store, "alice").unwrap_err();
    assert_eq!(err.code(), "store_corrupt");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(
        store.save("alice", &tokens(1)).unwrap_err().code(),
        "store_corrupt"
    );
    assert_eq!(
        TokenStore::<Tokens>::remove(&store, "alice")
            .unwrap_err()
            .code(),
        "store_corrupt"
    );
    assert_eq!(
        fs::read(&path).unwrap(),
        b"{\"format\": \"sansauth-token-st"
    );
}

#[test]
fn a_record_of_the_wrong_shape_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path());
    store.save("alice", &"just a string".to_owned()).unwrap();
    let err = TokenStore::<Tokens>::load(&store, "alice").unwrap_err();
    assert_eq!(err.code(), "store_corrupt");
    assert!(!err.to_string().contains("just a string"), "{err}");
}

#[test]
fn a_foreign_file_is_reported_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path());
    let path = store.path("alice").unwrap();
    fs::write(&path, br#"{"hello": "world"}"#).unwrap();
    assert_eq!(
        TokenStore::<Tokens>::load(&store, "alice")
            .unwrap_err()
            .code(),
        "store_foreign"
    );
    assert_eq!(
        store.save("alice", &tokens(1)).unwrap_err().code(),
        "store_foreign"
    );
    assert_eq!(fs::read(&path).unwrap(), br#"{"hello": "world"}"#);

    // Bob's file copied over Alice's is foreign too.
    store.save("bob", &tokens(9)).unwrap();
    fs::copy(store.path("bob").unwrap(), &path).unwrap();
    let err = TokenStore::<Tokens>::load(&store, "alice").unwrap_err();
    assert_eq!(err.code(), "store_foreign");
    assert!(err.to_string().contains("move it away"), "{err}");
}

#[test]
fn a_failing_write_leaves_the_old_record_and_no_temporary_file() {
    for failing_stage in [WriteStage::Start, WriteStage::TempWritten] {
        let dir = tempfile::tempdir().unwrap();
        let fail = Arc::new(AtomicBool::new(false));
        let store = FileTokenStore::new(dir.path()).with_write_hook({
            let fail = Arc::clone(&fail);
            move |_: &str, stage| {
                if fail.load(Ordering::SeqCst) && stage == failing_stage {
                    Err(std::io::Error::other("disk full"))
                } else {
                    Ok(())
                }
            }
        });
        store.save("alice", &tokens(1)).unwrap();
        let before = fs::read(store.path("alice").unwrap()).unwrap();
        fail.store(true, Ordering::SeqCst);
        let err = store.save("alice", &tokens(2)).unwrap_err();
        assert_eq!(err.code(), "io", "{failing_stage:?}");
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(fs::read(store.path("alice").unwrap()).unwrap(), before);
        assert_eq!(store.load("alice").unwrap(), Some(tokens(1)));
        assert!(leftovers(dir.path()).is_empty(), "{failing_stage:?}");
    }
}

#[test]
fn a_crash_right_after_the_replace_leaves_the_new_record() {
    let dir = tempfile::tempdir().unwrap();
    let crashing = FileTokenStore::new(dir.path()).with_write_hook(|_: &str, stage| {
        if stage == WriteStage::Replaced {
            Err(std::io::Error::other("killed"))
        } else {
            Ok(())
        }
    });
    assert!(crashing.save("alice", &tokens(3)).is_err());
    // A fresh process reads what was stored.
    let fresh = FileTokenStore::new(dir.path());
    assert_eq!(fresh.load("alice").unwrap(), Some(tokens(3)));
}

#[test]
fn empty_account_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path());
    assert_eq!(
        store.save("", &tokens(1)).unwrap_err().code(),
        "invalid_account"
    );
    let memory = MemoryTokenStore::<Tokens>::new();
    assert_eq!(
        memory.save("", &tokens(1)).unwrap_err().code(),
        "invalid_account"
    );
}

#[test]
fn accounts_with_path_characters_stay_in_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileTokenStore::new(dir.path().join("inner"));
    store.save("../escape", &tokens(1)).unwrap();
    assert!(!dir.path().join("escape.json").exists());
    assert_eq!(
        store.path("../escape").unwrap().parent().unwrap(),
        store.dir()
    );
    assert_eq!(store.load("../escape").unwrap(), Some(tokens(1)));
}
