//! One module per subcommand.

pub mod demo;
pub mod login;
pub mod profiles;
pub mod request;
pub mod sandbox;
pub mod sign;
pub mod tokens;
pub mod verify;
