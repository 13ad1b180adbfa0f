//! The adapter over ureq: [`UreqClient`].

use super::{AdapterError, ClientOptions, HttpClient, HttpRequest, HttpResponse};
use crate::policy::check_uri;

/// The blocking adapter over a [`ureq::Agent`]: redirects off, the response
/// body capped and the timeouts of its [`ClientOptions`]; a 4xx or 5xx is a
/// response, not an error.
///
/// TLS: with the `ureq-rustls` feature, rustls with the `ring` provider and
/// the webpki roots; without it, plain HTTP only (enough for loopback).
#[derive(Debug, Clone)]
pub struct UreqClient {
    agent: ureq::Agent,
    options: ClientOptions,
}

impl UreqClient {
    /// A client with the given options.
    #[must_use]
    pub fn new(options: ClientOptions) -> Self {
        Self::from_config(ureq::Agent::config_builder(), options)
    }

    /// A client built from your own ureq configuration (proxy, TLS, user
    /// agent, ...). Redirects are turned off, statuses are not errors, and the
    /// timeouts of `options` replace any set on `config`.
    #[must_use]
    pub fn from_config(
        config: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
        options: ClientOptions,
    ) -> Self {
        let agent = config
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.timeout))
            .build()
            .new_agent();
        Self { agent, options }
    }

    /// The options this client enforces.
    #[must_use]
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }
}

impl HttpClient for UreqClient {
    type Error = AdapterError;

    fn send(&self, request: HttpRequest) -> Result<HttpResponse, AdapterError> {
        check_uri(request.uri(), self.options.allow_insecure_http)?;
        let response = self.agent.run(request).map_err(map_error)?;
        let limit = self.options.max_response_bytes;
        let (parts, mut body) = response.into_parts();
        // ureq fails a read once `limit` bytes are in, even at the end of the
        // body: allow one byte more and judge the length here.
        let bytes = body
            .with_config()
            .limit(limit.saturating_add(1))
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => AdapterError::BodyTooLarge { limit },
                e => map_error(e),
            })?;
        if bytes.len() as u64 > limit {
            return Err(AdapterError::BodyTooLarge { limit });
        }
        Ok(http::Response::from_parts(parts, bytes))
    }
}

fn map_error(e: ureq::Error) -> AdapterError {
    match e {
        ureq::Error::Timeout(_) => AdapterError::Timeout,
        ureq::Error::BodyExceedsLimit(limit) => AdapterError::BodyTooLarge { limit },
        ureq::Error::ConnectionFailed | ureq::Error::HostNotFound => {
            AdapterError::Connect(Box::new(e))
        }
        ureq::Error::Io(io) if is_connect_io(&io) => AdapterError::Connect(Box::new(io)),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => AdapterError::Timeout,
        other => AdapterError::Request(Box::new(other)),
    }
}

fn is_connect_io(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::ConnectionRefused | K::AddrNotAvailable | K::HostUnreachable | K::NetworkUnreachable
    )
}
