//! Sending the user to the authorization page.

/// What [`open_in_browser`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Opened {
    /// The system's browser was asked to open the URL.
    Browser,
    /// The URL was printed to standard error for the user to open.
    Printed,
}

/// Opens `url` in the user's browser (with the `webbrowser` feature), or, if
/// that is not available or fails, prints it to standard error with a line
/// asking the user to open it.
///
/// The URL of an authorization request carries `state` and the PKCE
/// challenge, never a secret, so printing it is safe.
pub fn open_in_browser(url: &str) -> Opened {
    #[cfg(feature = "webbrowser")]
    {
        if webbrowser::open(url).is_ok() {
            return Opened::Browser;
        }
    }
    eprintln!("Open this address in your browser to continue:\n\n    {url}\n");
    Opened::Printed
}

#[cfg(test)]
mod tests {
    #[cfg(not(feature = "webbrowser"))]
    #[test]
    fn without_the_feature_the_url_is_printed() {
        assert_eq!(
            super::open_in_browser("https://provider.example/authorize?state=s"),
            super::Opened::Printed
        );
    }
}
