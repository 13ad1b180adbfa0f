//! `sansauth profiles`: the built-in provider profiles.

use sansauth_providers::builtin;

use crate::cli::ProfilesArgs;
use crate::{CliError, CliResult};

/// Lists the built-in profiles, or prints one's TOML.
///
/// # Errors
///
/// A usage error for an unknown profile name.
pub fn run(args: &ProfilesArgs) -> CliResult {
    if let Some(name) = &args.name {
        let text = builtin::source(name).ok_or_else(|| {
            let known: Vec<&str> = builtin::names().collect();
            CliError::usage(format!(
                "no built-in profile `{name}`; known: {}",
                known.join(", ")
            ))
        })?;
        print!("{text}");
        return Ok(());
    }
    let profiles = builtin::all().map_err(|e| CliError::usage(e.to_string()))?;
    let width = profiles.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for profile in profiles {
        let protocol = if profile.oauth1.is_some() {
            "oauth1"
        } else {
            "oauth2"
        };
        println!(
            "{:<width$}  {protocol}  {}",
            profile.name, profile.display_name
        );
    }
    Ok(())
}
