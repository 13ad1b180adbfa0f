//! One vector being run: typed access to its `input`, and comparison of what
//! the API returned against its `expect`, by the rules of the vector contract.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::{Map, Value};

/// An expected value that differs from what the API returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The `expect` field.
    pub field: String,
    /// The expectation, as written in the file.
    pub expected: String,
    /// What the API returned.
    pub got: String,
}

/// Why a vector failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The vector could not be run as written (unknown kind, bad input, duplicate id, ...).
    Harness(String),
    /// The API's output differed from the expectation.
    Mismatches(Vec<Mismatch>),
}

impl Failure {
    /// A failure of the vector itself rather than of the API.
    pub fn harness(reason: String) -> Self {
        Self::Harness(reason)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Harness(reason) => write!(f, "    {reason}"),
            Self::Mismatches(mismatches) => {
                for (i, m) in mismatches.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(
                        f,
                        "    {}:\n      expected: {}\n      got:      {}",
                        m.field, m.expected, m.got
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// An error the API returned, reduced to what vectors compare.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// The stable machine-readable code (`Error::code()`).
    pub code: String,
    /// The human-readable message, shown when the error was not expected.
    pub message: String,
}

/// Result of reading an input field: `Err` is a problem with the vector file.
pub type InputResult<T> = Result<T, String>;

/// A vector being run.
#[derive(Debug)]
pub struct Case<'a> {
    input: &'a Map<String, Value>,
    expect: &'a Map<String, Value>,
    ordered: bool,
    checked: BTreeSet<String>,
    mismatches: Vec<Mismatch>,
}

impl<'a> Case<'a> {
    /// A case over one vector's `input` and `expect`.
    pub fn new(
        input: &'a Map<String, Value>,
        expect: &'a Map<String, Value>,
        ordered: bool,
    ) -> Self {
        Self {
            input,
            expect,
            ordered,
            // A qualifier of the URL comparison, not an expectation of its own.
            checked: BTreeSet::from(["ordered".to_owned()]),
            mismatches: Vec::new(),
        }
    }

    // ---- inputs -------------------------------------------------------------

    /// A required string input.
    pub fn str(&self, key: &str) -> InputResult<&'a str> {
        self.opt_str(key)?
            .ok_or_else(|| format!("input `{key}` is required"))
    }

    /// An optional string input (absent or `null` is `None`).
    pub fn opt_str(&self, key: &str) -> InputResult<Option<&'a str>> {
        match self.input.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!("input `{key}` must be a string, not {other}")),
        }
    }

    /// An optional boolean input.
    pub fn opt_bool(&self, key: &str) -> InputResult<Option<bool>> {
        match self.input.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(format!("input `{key}` must be a boolean, not {other}")),
        }
    }

    /// An optional non-negative integer input (a number, or a string of digits).
    pub fn opt_u64(&self, key: &str) -> InputResult<Option<u64>> {
        match self.input.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| format!("input `{key}` must be a non-negative integer")),
            Some(Value::String(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| format!("input `{key}` must be a non-negative integer")),
            Some(other) => Err(format!("input `{key}` must be an integer, not {other}")),
        }
    }

    /// An optional list of strings (absent is empty).
    pub fn list(&self, key: &str) -> InputResult<Vec<&'a str>> {
        match self.input.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(value) => {
                string_list(value).ok_or_else(|| format!("input `{key}` must be a list of strings"))
            }
        }
    }

    /// Optional pairs `[["name", "value"], ...]` (absent is empty).
    pub fn pairs(&self, key: &str) -> InputResult<Vec<(&'a str, &'a str)>> {
        match self.input.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(value) => pairs_of(value)
                .ok_or_else(|| format!("input `{key}` must be pairs [[name, value], ...]")),
        }
    }

    /// The raw JSON of an input field, for kinds with structured inputs.
    pub fn value(&self, key: &str) -> Option<&'a Value> {
        self.input.get(key)
    }

    // ---- expectations -------------------------------------------------------

    /// Whether `expect` has this field.
    pub fn expects(&self, key: &str) -> bool {
        self.expect.contains_key(key)
    }

    /// The expected error code, when the vector expects a failure.
    pub fn expected_error(&self) -> Option<&'a str> {
        self.expect.get("error").and_then(Value::as_str)
    }

    /// Checks a `Result` against `expect.error`, and returns the success value
    /// only when the vector expects success and got it.
    ///
    /// An expected error that came out passes; any other combination is a mismatch.
    pub fn outcome<T>(&mut self, result: Result<T, ApiError>) -> Option<T> {
        let expected = self.expected_error();
        if expected.is_some() {
            self.checked.insert("error".to_owned());
        }
        match (expected, result) {
            (None, Ok(value)) => Some(value),
            (None, Err(e)) => {
                self.mismatch(
                    "(result)",
                    "success".to_owned(),
                    format!("error `{}`: {}", e.code, e.message),
                );
                None
            }
            (Some(want), Ok(_)) => {
                self.mismatch("error", want.to_owned(), "success".to_owned());
                None
            }
            (Some(want), Err(e)) => {
                if e.code != want {
                    self.mismatch(
                        "error",
                        want.to_owned(),
                        format!("`{}`: {}", e.code, e.message),
                    );
                }
                None
            }
        }
    }

    /// Compares a string byte for byte.
    pub fn eq_str(&mut self, key: &str, got: &str) {
        self.compare(key, |want| match want {
            Value::String(w) => (w == got).then_some(()).ok_or_else(|| quoted(got)),
            _ => Err(format!(
                "(the expectation must be a string) {}",
                quoted(got)
            )),
        });
    }

    /// Compares an optional string: an expectation of `null` means absent.
    pub fn eq_opt_str(&mut self, key: &str, got: Option<&str>) {
        self.compare(key, |want| match (want, got) {
            (Value::Null, None) => Ok(()),
            (Value::String(w), Some(g)) if w == g => Ok(()),
            (_, Some(g)) => Err(quoted(g)),
            (_, None) => Err("(absent)".to_owned()),
        });
    }

    /// Compares a string ignoring ASCII case.
    pub fn eq_str_ignore_case(&mut self, key: &str, got: Option<&str>) {
        self.compare(key, |want| match (want, got) {
            (Value::String(w), Some(g)) if w.eq_ignore_ascii_case(g) => Ok(()),
            (Value::Null, None) => Ok(()),
            (_, Some(g)) => Err(quoted(g)),
            (_, None) => Err("(absent)".to_owned()),
        });
    }

    /// Compares a boolean.
    pub fn eq_bool(&mut self, key: &str, got: bool) {
        self.compare(key, |want| {
            (want.as_bool() == Some(got))
                .then_some(())
                .ok_or_else(|| got.to_string())
        });
    }

    /// Compares an optional integer: an expectation of `null` means absent.
    pub fn eq_u64(&mut self, key: &str, got: Option<u64>) {
        self.compare(key, |want| {
            let same = match (want, got) {
                (Value::Null, None) => true,
                (Value::Number(w), Some(g)) => w.as_u64() == Some(g),
                _ => false,
            };
            same.then_some(())
                .ok_or_else(|| got.map_or_else(|| "(absent)".to_owned(), |g| g.to_string()))
        });
    }

    /// Compares a list of strings, in order.
    pub fn eq_list(&mut self, key: &str, got: &[&str]) {
        self.compare(key, |want| {
            (string_list(want).as_deref() == Some(got))
                .then_some(())
                .ok_or_else(|| format!("{got:?}"))
        });
    }

    /// Compares pairs as a multiset (order carries no meaning).
    pub fn eq_pairs(&mut self, key: &str, got: &[(&str, &str)]) {
        self.compare(key, |want| {
            let same = pairs_of(want).is_some_and(|w| sorted(w) == sorted(got.to_vec()));
            same.then_some(()).ok_or_else(|| format!("{got:?}"))
        });
    }

    /// Compares a URL: everything before `?` byte for byte, the query as a
    /// multiset of decoded pairs (in order when the vector sets `ordered`).
    pub fn eq_url(&mut self, key: &str, got: &str) {
        let ordered = self.ordered;
        self.compare(key, |want| {
            let same = want.as_str().is_some_and(|w| same_url(w, got, ordered));
            same.then_some(()).ok_or_else(|| quoted(got))
        });
    }

    /// Compares an `application/x-www-form-urlencoded` body as a multiset of
    /// decoded pairs; the expectation is pairs, or the encoded text.
    pub fn eq_form(&mut self, key: &str, got: &[u8]) {
        let got_pairs = decode_form(got);
        self.compare(key, |want| {
            let want_pairs = match want {
                Value::String(text) => Some(decode_form(text.as_bytes())),
                other => pairs_of(other).map(|p| {
                    p.into_iter()
                        .map(|(a, b)| (a.to_owned(), b.to_owned()))
                        .collect()
                }),
            };
            let same = want_pairs.is_some_and(|w| sorted(w) == sorted(got_pairs.clone()));
            same.then_some(())
                .ok_or_else(|| format!("{}", String::from_utf8_lossy(got)))
        });
    }

    /// Checks that every expected header pair is present (names ignore case, values exact).
    pub fn has_headers(&mut self, key: &str, got: &[(&str, &str)]) {
        self.compare(key, |want| {
            let present = pairs_of(want).is_some_and(|w| {
                w.iter().all(|(name, value)| {
                    got.iter()
                        .any(|(n, v)| n.eq_ignore_ascii_case(name) && v == value)
                })
            });
            present.then_some(()).ok_or_else(|| format!("{got:?}"))
        });
    }

    /// Compares JSON values (not text).
    pub fn eq_json(&mut self, key: &str, got: &Value) {
        self.compare(key, |want| {
            (want == got).then_some(()).ok_or_else(|| got.to_string())
        });
    }

    /// Marks a field as checked by the kind itself, recording `mismatch` if any.
    pub fn checked(&mut self, key: &str, mismatch: Option<String>) {
        self.compare(key, |_| mismatch.map_or(Ok(()), Err));
    }

    /// Ends the case: every `expect` field must have been checked and matched.
    pub fn finish(self) -> Result<(), Failure> {
        let unchecked: Vec<&str> = self
            .expect
            .keys()
            .map(String::as_str)
            .filter(|k| !self.checked.contains(*k))
            .collect();
        if !unchecked.is_empty() && self.mismatches.is_empty() {
            return Err(Failure::Harness(format!(
                "expect field(s) {unchecked:?} are not checked by this kind (see tests/vectors/README.md)"
            )));
        }
        if self.mismatches.is_empty() {
            Ok(())
        } else {
            Err(Failure::Mismatches(self.mismatches))
        }
    }

    /// Runs `check` on the expectation for `key`, when there is one.
    fn compare(&mut self, key: &str, check: impl FnOnce(&Value) -> Result<(), String>) {
        let Some(want) = self.expect.get(key) else {
            return;
        };
        self.checked.insert(key.to_owned());
        if let Err(got) = check(want) {
            self.mismatch(key, want.to_string(), got);
        }
    }

    fn mismatch(&mut self, field: &str, expected: String, got: String) {
        self.mismatches.push(Mismatch {
            field: field.to_owned(),
            expected,
            got,
        });
    }
}

fn quoted(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

fn string_list(value: &Value) -> Option<Vec<&str>> {
    value.as_array()?.iter().map(Value::as_str).collect()
}

fn pairs_of(value: &Value) -> Option<Vec<(&str, &str)>> {
    value
        .as_array()?
        .iter()
        .map(|pair| match pair.as_array()?.as_slice() {
            [Value::String(a), Value::String(b)] => Some((a.as_str(), b.as_str())),
            _ => None,
        })
        .collect()
}

fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}

fn decode_form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(a, b)| (a.into_owned(), b.into_owned()))
        .collect()
}

/// URL equality by the contract's rules; a fragment is compared byte for byte.
fn same_url(want: &str, got: &str, ordered: bool) -> bool {
    let split = |u: &str| -> (String, String, String) {
        let (rest, fragment) = u.split_once('#').map_or((u, ""), |(r, f)| (r, f));
        let (base, query) = rest.split_once('?').map_or((rest, ""), |(b, q)| (b, q));
        (base.to_owned(), query.to_owned(), fragment.to_owned())
    };
    let (wb, wq, wf) = split(want);
    let (gb, gq, gf) = split(got);
    let (wq, gq) = (decode_form(wq.as_bytes()), decode_form(gq.as_bytes()));
    wb == gb
        && wf == gf
        && if ordered {
            wq == gq
        } else {
            sorted(wq) == sorted(gq)
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_query_as_a_multiset_unless_ordered() {
        assert!(same_url(
            "https://a.example/p?x=1&y=2",
            "https://a.example/p?y=2&x=1",
            false
        ));
        assert!(!same_url(
            "https://a.example/p?x=1&y=2",
            "https://a.example/p?y=2&x=1",
            true
        ));
        assert!(same_url(
            "https://a.example/p?x=a%20b",
            "https://a.example/p?x=a+b",
            false
        ));
        assert!(!same_url(
            "https://A.example/p",
            "https://a.example/p",
            false
        ));
        assert!(!same_url(
            "https://a.example/p?x=1",
            "https://a.example/p?x=1&x=1",
            false
        ));
    }
}
