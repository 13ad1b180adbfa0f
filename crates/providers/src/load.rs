//! Reading a profile from TOML, with errors that name the file, line and field.
//!
//! This module never touches the file system: the caller reads the file and
//! hands over its text and (for messages) its path.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::error::{Error, ProfileProblem};
use crate::profile::Profile;

impl Profile {
    /// Parses and validates a profile from TOML text.
    ///
    /// `origin` is the file the text came from, used only in error messages.
    /// Unknown fields, a missing `[oauth1]` / `[oauth2]` table or endpoint,
    /// an insecure URL and an unknown template placeholder are all errors that
    /// say where they are.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidProfile`] with the file, line, column and field.
    pub fn from_toml(text: &str, origin: Option<&Path>) -> Result<Self, Error> {
        let locate = |span: Option<Range<usize>>, field: Option<String>, message: String| {
            let start = span.map(|s| s.start);
            let (line, column) = start.map(|offset| line_column(text, offset)).unzip();
            let field = field.or_else(|| span_path(text, start?));
            Error::InvalidProfile(ProfileProblem {
                file: origin.map(Path::to_owned),
                line,
                column,
                field,
                message,
            })
        };
        let profile: Self = toml::from_str(text)
            .map_err(|e| locate(e.span(), None, e.message().trim().to_owned()))?;
        if let Some((field, message)) = profile.problems().into_iter().next() {
            let span = field_span(text, &field);
            return Err(locate(span, Some(field), message));
        }
        Ok(profile)
    }

    /// The profile as TOML text; [`Profile::from_toml`] reads it back to an equal profile.
    ///
    /// # Errors
    ///
    /// Never for a profile built by this crate; the `Result` is `toml`'s.
    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The span of the value at a dotted field path (`oauth2.token_endpoint`).
fn field_span(text: &str, field: &str) -> Option<Range<usize>> {
    let root = DeTable::parse(text).ok()?;
    let mut table = root.get_ref();
    let mut parts = field.split('.').peekable();
    while let Some(part) = parts.next() {
        let (key, value) = table.iter().find(|(k, _)| k.get_ref() == part)?;
        if parts.peek().is_none() {
            return Some(value.span())
                .filter(|s| !s.is_empty())
                .or(Some(key.span()));
        }
        let DeValue::Table(inner) = value.get_ref() else {
            return Some(value.span());
        };
        table = inner;
    }
    None
}

/// The dotted path of the innermost key or value whose span holds `offset`.
///
/// Every table is searched, since a `[table]`'s own span need not cover the
/// keys written under its header.
fn span_path(text: &str, offset: usize) -> Option<String> {
    fn search(table: &DeTable<'_>, offset: usize, path: &mut Vec<String>) -> bool {
        for (key, value) in table.iter() {
            path.push(key.get_ref().to_string());
            if let DeValue::Table(inner) = value.get_ref()
                && search(inner, offset, path)
            {
                return true;
            }
            if key.span().contains(&offset) || value.span().contains(&offset) {
                return true;
            }
            path.pop();
        }
        false
    }
    let root = DeTable::parse(text).ok()?;
    let mut path = Vec::new();
    search(root.get_ref(), offset, &mut path).then(|| path.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_column("a\nbc\nd", 0), (1, 1));
        assert_eq!(line_column("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_column("a\nbc\nd", 5), (3, 1));
    }
}
