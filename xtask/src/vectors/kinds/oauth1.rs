//! `oauth1.*` kinds, run through `sansauth-oauth1`'s public API.

use sansauth_oauth1::encoding::percent_encode;

use crate::vectors::case::{Case, InputResult};

/// Runs the `oauth1.<name>` kind, or `None` when there is no such kind.
pub(super) fn dispatch(name: &str, case: &mut Case<'_>) -> Option<InputResult<()>> {
    Some(match name {
        "percent_encode" => percent_encode_kind(case),
        _ => return None,
    })
}

/// `oauth1.percent_encode`: RFC 5849 §3.6.
fn percent_encode_kind(case: &mut Case<'_>) -> InputResult<()> {
    let text = case.str("text")?;
    case.eq_str("encoded", &percent_encode(text));
    Ok(())
}
