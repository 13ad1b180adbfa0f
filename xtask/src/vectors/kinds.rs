//! Dispatch from a vector's `kind` to the public API of the crate that owns
//! it. Each family of kinds is a module named after its crate.

mod oauth1;
mod oauth2;
mod provider;

use super::case::{Case, InputResult};

/// Runs `kind` on `case`; `None` when the kind is unknown (a failure, never a skip).
pub(super) fn dispatch(kind: &str, case: &mut Case<'_>) -> Option<InputResult<()>> {
    let (family, name) = kind.split_once('.')?;
    match family {
        "oauth1" => oauth1::dispatch(name, case),
        "oauth2" => oauth2::dispatch(name, case),
        "provider" => provider::dispatch(name, case),
        _ => None,
    }
}
