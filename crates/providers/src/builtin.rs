//! The built-in profiles, embedded from `crates/providers/profiles/*.toml`.

use std::path::Path;

use crate::error::Error;
use crate::profile::Profile;

/// (name, TOML text) of every built-in profile.
const PROFILES: [(&str, &str); 5] = [
    (
        "mapmyfitness-oauth1",
        include_str!("../profiles/mapmyfitness-oauth1.toml"),
    ),
    (
        "mapmyfitness",
        include_str!("../profiles/mapmyfitness.toml"),
    ),
    ("mapmytracks", include_str!("../profiles/mapmytracks.toml")),
    (
        "fitbit-oauth1",
        include_str!("../profiles/fitbit-oauth1.toml"),
    ),
    ("fitbit", include_str!("../profiles/fitbit.toml")),
];

/// The names of the built-in profiles.
pub fn names() -> impl Iterator<Item = &'static str> {
    PROFILES.iter().map(|(name, _)| *name)
}

/// The TOML text of a built-in profile, as shipped.
pub fn source(name: &str) -> Option<&'static str> {
    PROFILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The built-in profile named `name`.
///
/// # Errors
///
/// [`Error::UnknownProfile`] when there is none by that name.
pub fn get(name: &str) -> Result<Profile, Error> {
    let text = source(name).ok_or_else(|| Error::UnknownProfile(name.to_owned()))?;
    let file = format!("crates/providers/profiles/{name}.toml");
    Profile::from_toml(text, Some(Path::new(&file)))
}

/// Every built-in profile.
///
/// # Errors
///
/// Only if a shipped profile were invalid, which the crate's tests rule out.
pub fn all() -> Result<Vec<Profile>, Error> {
    names().map(get).collect()
}
