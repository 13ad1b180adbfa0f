//! Adapters over reqwest: [`ReqwestClient`] (async) and, with the
//! `reqwest-blocking` feature, [`ReqwestBlockingClient`].

use core::future::Future;

use super::{AdapterError, AsyncHttpClient, ClientOptions, HttpRequest, HttpResponse};
use crate::policy::check_uri;

/// The async adapter over a [`reqwest::Client`]: redirects off, the response
/// body capped and the timeouts of its [`ClientOptions`].
///
/// reqwest needs a Tokio runtime. TLS is whatever reqwest features your
/// manifest enables (this crate enables none, so `https://` needs one of
/// reqwest's TLS features, e.g. `rustls`).
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    client: reqwest::Client,
    options: ClientOptions,
}

impl ReqwestClient {
    /// A client with the given options over a default reqwest client.
    ///
    /// # Errors
    ///
    /// [`AdapterError::Build`] when reqwest cannot build its client (for
    /// example, no TLS backend could be initialised).
    pub fn new(options: ClientOptions) -> Result<Self, AdapterError> {
        Self::from_builder(reqwest::Client::builder(), options)
    }

    /// A client built from your own reqwest builder (proxies, root
    /// certificates, user agent, ...). Redirects are turned off and the
    /// timeouts of `options` replace any set on `builder`.
    ///
    /// # Errors
    ///
    /// [`AdapterError::Build`] when reqwest cannot build its client.
    pub fn from_builder(
        builder: reqwest::ClientBuilder,
        options: ClientOptions,
    ) -> Result<Self, AdapterError> {
        let client = builder
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .build()
            .map_err(|e| AdapterError::Build(Box::new(e)))?;
        Ok(Self { client, options })
    }

    /// The options this client enforces.
    #[must_use]
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    async fn send_inner(&self, request: HttpRequest) -> Result<HttpResponse, AdapterError> {
        check_uri(request.uri(), self.options.allow_insecure_http)?;
        let request = reqwest::Request::try_from(request).map_err(map_error)?;
        let mut response = self.client.execute(request).await.map_err(map_error)?;
        let limit = self.options.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(AdapterError::BodyTooLarge { limit });
        }
        let mut out = http::Response::new(Vec::new());
        *out.status_mut() = response.status();
        *out.version_mut() = response.version();
        *out.headers_mut() = response.headers().clone();
        while let Some(chunk) = response.chunk().await.map_err(map_error)? {
            let body = out.body_mut();
            if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
                return Err(AdapterError::BodyTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

impl AsyncHttpClient for ReqwestClient {
    type Error = AdapterError;

    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, AdapterError>> + Send {
        self.send_inner(request)
    }
}

fn map_error(e: reqwest::Error) -> AdapterError {
    if e.is_timeout() {
        AdapterError::Timeout
    } else if e.is_connect() {
        AdapterError::Connect(Box::new(e))
    } else {
        AdapterError::Request(Box::new(e))
    }
}

#[cfg(feature = "reqwest-blocking")]
pub use blocking::ReqwestBlockingClient;

#[cfg(feature = "reqwest-blocking")]
mod blocking {
    use std::io::Read as _;

    use super::map_error;
    use crate::client::{AdapterError, ClientOptions, HttpClient, HttpRequest, HttpResponse};
    use crate::policy::check_uri;

    /// The blocking adapter over a [`reqwest::blocking::Client`]: redirects
    /// off, the response body capped and the timeouts of its
    /// [`ClientOptions`].
    ///
    /// Like every reqwest blocking client, it must not be built, used or
    /// dropped inside an async runtime. TLS is whatever reqwest features your
    /// manifest enables.
    #[derive(Debug, Clone)]
    pub struct ReqwestBlockingClient {
        client: reqwest::blocking::Client,
        options: ClientOptions,
    }

    impl ReqwestBlockingClient {
        /// A client with the given options over a default reqwest blocking
        /// client.
        ///
        /// # Errors
        ///
        /// [`AdapterError::Build`] when reqwest cannot build its client.
        pub fn new(options: ClientOptions) -> Result<Self, AdapterError> {
            Self::from_builder(reqwest::blocking::Client::builder(), options)
        }

        /// A client built from your own reqwest blocking builder. Redirects
        /// are turned off and the timeouts of `options` replace any set on
        /// `builder`.
        ///
        /// # Errors
        ///
        /// [`AdapterError::Build`] when reqwest cannot build its client.
        pub fn from_builder(
            builder: reqwest::blocking::ClientBuilder,
            options: ClientOptions,
        ) -> Result<Self, AdapterError> {
            let client = builder
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(options.connect_timeout)
                .timeout(options.timeout)
                .build()
                .map_err(|e| AdapterError::Build(Box::new(e)))?;
            Ok(Self { client, options })
        }

        /// The options this client enforces.
        #[must_use]
        pub fn options(&self) -> &ClientOptions {
            &self.options
        }
    }

    impl HttpClient for ReqwestBlockingClient {
        type Error = AdapterError;

        fn send(&self, request: HttpRequest) -> Result<HttpResponse, AdapterError> {
            check_uri(request.uri(), self.options.allow_insecure_http)?;
            let request = reqwest::blocking::Request::try_from(request).map_err(map_error)?;
            let response = self.client.execute(request).map_err(map_error)?;
            let limit = self.options.max_response_bytes;
            if response.content_length().is_some_and(|n| n > limit) {
                return Err(AdapterError::BodyTooLarge { limit });
            }
            let mut out = http::Response::new(Vec::new());
            *out.status_mut() = response.status();
            *out.version_mut() = response.version();
            *out.headers_mut() = response.headers().clone();
            response
                .take(limit.saturating_add(1))
                .read_to_end(out.body_mut())
                .map_err(map_io_error)?;
            if out.body().len() as u64 > limit {
                return Err(AdapterError::BodyTooLarge { limit });
            }
            Ok(out)
        }
    }

    fn map_io_error(e: std::io::Error) -> AdapterError {
        if e.kind() == std::io::ErrorKind::TimedOut {
            return AdapterError::Timeout;
        }
        match e.into_inner() {
            Some(inner) => match inner.downcast::<reqwest::Error>() {
                Ok(e) => map_error(*e),
                Err(other) => AdapterError::Request(other),
            },
            None => AdapterError::Request("the response body could not be read".into()),
        }
    }
}
