//! Keeping secrets out of everything the command line prints.

/// Secret values to hide from output: each occurrence prints as `[redacted]`.
#[derive(Debug, Default, Clone)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    /// Remembers `secret` so it never shows; values shorter than 4 characters
    /// are too common in ordinary text to hide safely and are ignored.
    pub fn add(&mut self, secret: &str) {
        if secret.len() >= 4 && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
            // Longest first, so a secret that contains another is hidden whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// `text` with every remembered secret, raw or percent-encoded, replaced.
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "[redacted]");
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            if encoded != *secret {
                out = out.replace(encoded.as_str(), "[redacted]");
            }
        }
        out
    }
}

/// Reads a secret from a flag's value or from the environment variable it names.
///
/// # Errors
///
/// [`crate::CliError`] (usage) when the variable is unset or not UTF-8.
pub fn secret_from(
    value: Option<&str>,
    env: Option<&str>,
) -> Result<Option<String>, crate::CliError> {
    match (value, env) {
        (Some(v), _) => Ok(Some(v.to_owned())),
        (None, Some(var)) => std::env::var(var).map(Some).map_err(|_| {
            crate::CliError::usage(format!("the environment variable {var} is not set"))
        }),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_raw_and_encoded() {
        let mut r = Redactor::default();
        r.add("s3cr3t/+=");
        r.add("abc");
        let text = "raw s3cr3t/+= encoded s3cr3t%2F%2B%3D short abc";
        assert_eq!(r.apply(text), "raw [redacted] encoded [redacted] short abc");
    }
}
