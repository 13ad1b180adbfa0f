//! `sansauth`: OAuth 1 and OAuth 2 from the command line.

use std::process::ExitCode;

use clap::Parser;
use sansauth_cli::cli::{Cli, Command};
use sansauth_cli::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let result = match cli.command {
        Command::Demo(args) => commands::demo::run(&args),
        Command::Sign(args) => commands::sign::run(&args),
        Command::Verify(args) => commands::verify::run(&args),
        Command::Profiles(args) => commands::profiles::run(&args),
        Command::Sandbox(args) => commands::sandbox::run(&args),
        Command::Login(args) => commands::login::run(&args),
        Command::Request(args) => commands::request::run(&args, cli.verbose),
        Command::Refresh(args) => commands::tokens::refresh(&args),
        Command::Revoke(args) => commands::tokens::revoke(&args),
        Command::Tokens(args) => commands::tokens::list(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            error.kind.exit_code()
        }
    }
}

/// `-v` logs at info, `-vv` at debug, to stderr.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => return,
        1 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
