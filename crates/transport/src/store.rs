//! Where token sets live between runs: the [`TokenStore`] trait, an
//! in-memory store and a file store.
//!
//! A store keeps one record per account. Sessions save a new token set
//! **before** using it, so a store that fails (or a process that dies) can
//! never lose the only valid refresh token.

use core::fmt;
use std::collections::HashMap;
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize as _;

use crate::Error;

/// Persistent storage of one record (a token set) per account.
///
/// Implementations must make [`save`](Self::save) all-or-nothing: after an
/// error, [`load`](Self::load) returns the record as it was before.
pub trait TokenStore<T> {
    /// The record stored for `account`, or `None` if there is none.
    ///
    /// # Errors
    ///
    /// [`Error::Io`], [`Error::StoreCorrupt`], [`Error::StoreForeign`] or
    /// [`Error::InvalidAccount`].
    fn load(&self, account: &str) -> Result<Option<T>, Error>;

    /// Replaces the record of `account`.
    ///
    /// # Errors
    ///
    /// As for [`load`](Self::load); the previous record is then unchanged.
    fn save(&self, account: &str, record: &T) -> Result<(), Error>;

    /// Deletes the record of `account`, if any.
    ///
    /// # Errors
    ///
    /// As for [`load`](Self::load).
    fn remove(&self, account: &str) -> Result<(), Error>;
}

impl<T, S: TokenStore<T> + ?Sized> TokenStore<T> for &S {
    fn load(&self, account: &str) -> Result<Option<T>, Error> {
        (**self).load(account)
    }

    fn save(&self, account: &str, record: &T) -> Result<(), Error> {
        (**self).save(account, record)
    }

    fn remove(&self, account: &str) -> Result<(), Error> {
        (**self).remove(account)
    }
}

impl<T, S: TokenStore<T> + ?Sized> TokenStore<T> for Box<S> {
    fn load(&self, account: &str) -> Result<Option<T>, Error> {
        (**self).load(account)
    }

    fn save(&self, account: &str, record: &T) -> Result<(), Error> {
        (**self).save(account, record)
    }

    fn remove(&self, account: &str) -> Result<(), Error> {
        (**self).remove(account)
    }
}

impl<T, S: TokenStore<T> + ?Sized> TokenStore<T> for Arc<S> {
    fn load(&self, account: &str) -> Result<Option<T>, Error> {
        (**self).load(account)
    }

    fn save(&self, account: &str, record: &T) -> Result<(), Error> {
        (**self).save(account, record)
    }

    fn remove(&self, account: &str) -> Result<(), Error> {
        (**self).remove(account)
    }
}

/// OAuth 1 token credentials (RFC 5849 §2.3) in a storable form: the
/// OAuth 1 core has no serde, so store this and turn it back into
/// `TokenCredentials` for a session.
///
/// `Debug` hides the secret; it is zeroized on drop.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuth1Token {
    token: String,
    secret: zeroize::Zeroizing<String>,
}

impl OAuth1Token {
    /// The storable form of `credentials`.
    #[must_use]
    pub fn from_credentials(credentials: &sansauth_oauth1::TokenCredentials) -> Self {
        Self {
            token: credentials.token().to_owned(),
            secret: zeroize::Zeroizing::new(credentials.secret().secret().to_owned()),
        }
    }

    /// The token credentials again.
    #[must_use]
    pub fn to_credentials(&self) -> sansauth_oauth1::TokenCredentials {
        sansauth_oauth1::TokenCredentials::new(
            self.token.clone(),
            sansauth_oauth1::TokenSecret::new(self.secret.as_str()),
        )
    }

    /// The token (`oauth_token`), which is not secret.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl fmt::Debug for OAuth1Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1Token")
            .field("token", &self.token)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// The points of a [`TokenStore::save`] at which a [`WriteHook`] is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteStage {
    /// Before anything is written.
    Start,
    /// The new record is written and synced to a temporary file, and the old
    /// record is still in place ([`FileTokenStore`] only).
    TempWritten,
    /// The new record has replaced the old one.
    Replaced,
}

/// Called at each [`WriteStage`] of a save; an error aborts the save there
/// and is returned from it. Meant for tests: a failing disk is an error at
/// [`WriteStage::Start`] or [`WriteStage::TempWritten`] (the old record
/// stays); a process killed right after storing new tokens, before using
/// them, is an error (or a panic) at [`WriteStage::Replaced`].
///
/// Implemented for every `Fn(&str, WriteStage) -> std::io::Result<()>`
/// (`account`, `stage`) that is `Send + Sync`.
pub trait WriteHook: Send + Sync {
    /// Runs at `stage` of a save of `account`'s record.
    ///
    /// # Errors
    ///
    /// Any error, to abort the save at that stage.
    fn on_write(&self, account: &str, stage: WriteStage) -> std::io::Result<()>;
}

impl<F> WriteHook for F
where
    F: Fn(&str, WriteStage) -> std::io::Result<()> + Send + Sync,
{
    fn on_write(&self, account: &str, stage: WriteStage) -> std::io::Result<()> {
        self(account, stage)
    }
}

fn run_hook(
    hook: Option<&Arc<dyn WriteHook>>,
    account: &str,
    stage: WriteStage,
) -> Result<(), Error> {
    match hook {
        Some(h) => h
            .on_write(account, stage)
            .map_err(|e| Error::io("saving tokens (write hook)", e)),
        None => Ok(()),
    }
}

/// Records kept in memory, gone when the process ends. For tests, and for
/// programs that authorize on every run.
pub struct MemoryTokenStore<T> {
    records: Mutex<HashMap<String, T>>,
    hook: Option<Arc<dyn WriteHook>>,
}

impl<T> MemoryTokenStore<T> {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self {
            records: Mutex::new(HashMap::new()),
            hook: None,
        }
    }

    /// The same store, calling `hook` at [`WriteStage::Start`] and
    /// [`WriteStage::Replaced`] of each save.
    #[must_use]
    pub fn with_write_hook(mut self, hook: impl WriteHook + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }
}

impl<T> Default for MemoryTokenStore<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> fmt::Debug for MemoryTokenStore<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let accounts = self.records.lock().map_or(0, |records| records.len());
        f.debug_struct("MemoryTokenStore")
            .field("accounts", &accounts)
            .field("write_hook", &self.hook.is_some())
            .finish()
    }
}

impl<T: Clone> TokenStore<T> for MemoryTokenStore<T> {
    fn load(&self, account: &str) -> Result<Option<T>, Error> {
        check_account(account)?;
        let records = self.records.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(records.get(account).cloned())
    }

    fn save(&self, account: &str, record: &T) -> Result<(), Error> {
        check_account(account)?;
        run_hook(self.hook.as_ref(), account, WriteStage::Start)?;
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(account.to_owned(), record.clone());
        run_hook(self.hook.as_ref(), account, WriteStage::Replaced)
    }

    fn remove(&self, account: &str) -> Result<(), Error> {
        check_account(account)?;
        self.records
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(account);
        Ok(())
    }
}

/// Records as JSON files, one per account, in one directory.
///
/// - A save writes a temporary file in the same directory, syncs it, renames
///   it over the old file and syncs the directory: a reader (or a crash) sees
///   the old record or the new one, never a mix.
/// - On Unix the directory is created with mode `0700` and files with `0600`.
/// - Each file names its format and account; a file that is not valid JSON
///   ([`Error::StoreCorrupt`]) or was not written by this store for this
///   account ([`Error::StoreForeign`]) is reported and never overwritten.
/// - The file name is the account name with every byte outside
///   `[A-Za-z0-9_-]` written as `%XX`, plus `.json`.
///
/// Two processes saving the same account at once each write a whole file;
/// the last rename wins. The records hold secrets in clear text, protected
/// by the file mode only.
pub struct FileTokenStore {
    dir: PathBuf,
    hook: Option<Arc<dyn WriteHook>>,
}

const FORMAT: &str = "sansauth-token-store";
const VERSION: u32 = 1;

#[derive(Serialize)]
struct EnvelopeOut<'a, T> {
    format: &'a str,
    version: u32,
    account: &'a str,
    record: &'a T,
}

#[derive(Deserialize)]
struct EnvelopeIn {
    format: String,
    version: u32,
    account: String,
    record: serde_json::Value,
}

impl FileTokenStore {
    /// A store in `dir` (created on the first save).
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            hook: None,
        }
    }

    /// The same store, calling `hook` at each [`WriteStage`] of each save.
    #[must_use]
    pub fn with_write_hook(mut self, hook: impl WriteHook + 'static) -> Self {
        self.hook = Some(Arc::new(hook));
        self
    }

    /// The directory of the files.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file that holds `account`'s record.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAccount`] for an empty account name.
    pub fn path(&self, account: &str) -> Result<PathBuf, Error> {
        check_account(account)?;
        Ok(self.dir.join(file_name(account)))
    }

    /// Reads and checks the envelope of an existing file.
    fn read_envelope(&self, path: &Path, account: &str) -> Result<Option<EnvelopeIn>, Error> {
        let mut bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("reading the token file", e)),
        };
        let parsed = serde_json::from_slice::<serde_json::Value>(&bytes);
        bytes.zeroize();
        let value = parsed.map_err(|e| Error::StoreCorrupt {
            path: path.to_owned(),
            detail: format!("not JSON: line {}, column {}", e.line(), e.column()),
        })?;
        let foreign = || Error::StoreForeign {
            path: path.to_owned(),
        };
        let envelope: EnvelopeIn = serde_json::from_value(value).map_err(|_| foreign())?;
        if envelope.format != FORMAT || envelope.account != account {
            return Err(foreign());
        }
        if envelope.version != VERSION {
            return Err(Error::StoreCorrupt {
                path: path.to_owned(),
                detail: format!("unknown version {}", envelope.version),
            });
        }
        Ok(Some(envelope))
    }
}

impl fmt::Debug for FileTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileTokenStore")
            .field("dir", &self.dir)
            .field("write_hook", &self.hook.is_some())
            .finish()
    }
}

impl<T: Serialize + DeserializeOwned> TokenStore<T> for FileTokenStore {
    fn load(&self, account: &str) -> Result<Option<T>, Error> {
        let path = self.path(account)?;
        let Some(envelope) = self.read_envelope(&path, account)? else {
            return Ok(None);
        };
        serde_json::from_value(envelope.record)
            .map(Some)
            // serde's message may quote a value (a token): leave it out.
            .map_err(|_| Error::StoreCorrupt {
                path,
                detail: "the record does not have the expected fields and types".to_owned(),
            })
    }

    fn save(&self, account: &str, record: &T) -> Result<(), Error> {
        let path = self.path(account)?;
        // Refuses to replace a corrupt or foreign file.
        self.read_envelope(&path, account)?;
        run_hook(self.hook.as_ref(), account, WriteStage::Start)?;
        create_dir(&self.dir)?;
        let mut bytes = serde_json::to_vec_pretty(&EnvelopeOut {
            format: FORMAT,
            version: VERSION,
            account,
            record,
        })
        .map_err(|e| Error::io("serializing the token record", std::io::Error::other(e)))?;
        bytes.push(b'\n');
        let tmp = temp_path(&self.dir, account);
        let written = write_new_file(&tmp, &bytes);
        bytes.zeroize();
        let replaced = written
            .and_then(|()| run_hook(self.hook.as_ref(), account, WriteStage::TempWritten))
            .and_then(|()| {
                fs::rename(&tmp, &path).map_err(|e| Error::io("replacing the token file", e))
            });
        if let Err(e) = replaced {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(&self.dir)?;
        run_hook(self.hook.as_ref(), account, WriteStage::Replaced)
    }

    fn remove(&self, account: &str) -> Result<(), Error> {
        let path = self.path(account)?;
        if self.read_envelope(&path, account)?.is_none() {
            return Ok(());
        }
        match fs::remove_file(&path) {
            Ok(()) => sync_dir(&self.dir),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("removing the token file", e)),
        }
    }
}

fn check_account(account: &str) -> Result<(), Error> {
    if account.is_empty() {
        Err(Error::InvalidAccount)
    } else {
        Ok(())
    }
}

fn file_name(account: &str) -> String {
    let mut name = String::with_capacity(account.len() + 5);
    for b in account.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    name.push_str(".json");
    name
}

fn temp_path(dir: &Path, account: &str) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(
        ".{}.tmp-{}-{n}",
        file_name(account),
        std::process::id()
    ))
}

fn create_dir(dir: &Path) -> Result<(), Error> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(|e| Error::io("creating the token directory", e))
}

fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| Error::io("creating a temporary token file", e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io("writing a temporary token file", e))
}

fn sync_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("syncing the token directory", e))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn any_file_content_loads_as_an_error_or_a_record(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let dir = tempfile::tempdir().unwrap();
            let store = FileTokenStore::new(dir.path());
            fs::write(store.path("p").unwrap(), &bytes).unwrap();
            let loaded: Result<Option<String>, Error> = store.load("p");
            let judged = matches!(
                loaded,
                Err(Error::StoreCorrupt { .. } | Error::StoreForeign { .. }) | Ok(Some(_))
            );
            proptest::prop_assert!(judged, "unexpected outcome");
        }

        #[test]
        fn file_names_are_distinct_and_plain(a in "\\PC{1,30}", b in "\\PC{1,30}") {
            let (fa, fb) = (file_name(&a), file_name(&b));
            proptest::prop_assert_eq!(a == b, fa == fb);
            proptest::prop_assert!(fa.bytes().all(|c| c.is_ascii_alphanumeric() || b"%_-.".contains(&c)));
            proptest::prop_assert!(!fa.starts_with('.'));
        }
    }

    #[test]
    fn file_names_cannot_escape_the_directory() {
        assert_eq!(file_name("alice"), "alice.json");
        assert_eq!(file_name("../x"), "%2E%2E%2Fx.json");
        assert_eq!(file_name("a@b.c"), "a%40b%2Ec.json");
        assert_eq!(file_name("é"), "%C3%A9.json");
    }

    #[test]
    fn oauth1_tokens_round_trip_through_a_file_and_hide_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileTokenStore::new(dir.path());
        let credentials = sansauth_oauth1::TokenCredentials::new(
            "tok",
            sansauth_oauth1::TokenSecret::new("tok-secret"),
        );
        let stored = OAuth1Token::from_credentials(&credentials);
        assert!(!format!("{stored:?}").contains("tok-secret"));
        store.save("bob", &stored).unwrap();
        let back: OAuth1Token = store.load("bob").unwrap().unwrap();
        assert_eq!(back, stored);
        let again = back.to_credentials();
        assert_eq!(again.token(), "tok");
        assert_eq!(again.secret().secret(), "tok-secret");
    }

    #[test]
    fn stores_work_through_references_and_arcs() {
        let store = Arc::new(MemoryTokenStore::<u32>::new());
        let by_ref: &MemoryTokenStore<u32> = &store;
        by_ref.save("a", &1).unwrap();
        assert_eq!(TokenStore::load(&store, "a").unwrap(), Some(1));
        assert_eq!(TokenStore::load(&by_ref, "a").unwrap(), Some(1));
        let boxed: Box<dyn TokenStore<u32> + Send + Sync> = Box::new(MemoryTokenStore::new());
        boxed.save("b", &2).unwrap();
        assert_eq!(TokenStore::load(&boxed, "b").unwrap(), Some(2));
    }

    #[test]
    fn memory_store_round_trip_and_hook() {
        let store = MemoryTokenStore::<String>::new();
        assert_eq!(store.load("a").unwrap(), None);
        store.save("a", &"one".to_owned()).unwrap();
        assert_eq!(store.load("a").unwrap().as_deref(), Some("one"));
        store.remove("a").unwrap();
        assert_eq!(store.load("a").unwrap(), None);
        assert_eq!(store.load("").unwrap_err().code(), "invalid_account");

        let failing = MemoryTokenStore::<String>::new().with_write_hook(|_: &str, stage| {
            if stage == WriteStage::Start {
                Err(std::io::Error::other("disk full"))
            } else {
                Ok(())
            }
        });
        assert_eq!(failing.save("a", &"x".to_owned()).unwrap_err().code(), "io");
        assert_eq!(failing.load("a").unwrap(), None);
    }
}
