//! `sansauth sandbox`: the sandbox provider as a process.

use sansauth_sandbox::{Sandbox, SandboxConfig};

use crate::cli::SandboxArgs;
use crate::{CliError, CliResult, Kind};

/// Starts the sandbox, prints its manifest as one line of JSON on stdout, and
/// serves until the process is interrupted.
///
/// # Errors
///
/// A usage error for a bad `--client` or profile; a failure when it cannot listen.
pub fn run(args: &SandboxArgs) -> CliResult {
    let mut config = SandboxConfig::default()
        .listen(args.listen)
        .auto_approve(args.auto_approve);
    if !args.profiles.is_empty() {
        config = config.profiles(args.profiles.iter().cloned());
    }
    let served: Vec<String> = if args.profiles.is_empty() {
        sansauth_providers::builtin::names()
            .map(str::to_owned)
            .collect()
    } else {
        args.profiles.clone()
    };
    for client in &args.clients {
        let (id, secret) = client
            .split_once(':')
            .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
            .ok_or_else(|| CliError::usage(format!("--client takes ID:SECRET, not `{client}`")))?;
        for profile in &served {
            config = config.client(profile, id, secret);
        }
    }
    let sandbox = Sandbox::start(config).map_err(|e| {
        let kind = if e.code() == "bind_failed" || e.code() == "runtime_failed" {
            Kind::Failed
        } else {
            Kind::Usage
        };
        CliError::new(kind, e.to_string())
    })?;
    let manifest = serde_json::to_string(&sandbox.manifest())
        .map_err(|e| CliError::new(Kind::Failed, format!("cannot print the manifest: {e}")))?;
    println!("{manifest}");
    eprintln!(
        "sandbox listening on {} (Ctrl-C to stop)",
        sandbox.base_url()
    );
    loop {
        std::thread::park();
    }
}
