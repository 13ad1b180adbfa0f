//! The loopback redirect receiver of RFC 8252 §7.3: a native app listens on
//! the loopback interface, registers `http://127.0.0.1:{port}/{path}` as its
//! redirect URI, and catches the authorization response when the browser
//! follows the redirect.
//!
//! [`LoopbackReceiver`] is blocking and needs no HTTP client or runtime: it
//! reads one bounded HTTP/1.1 request head per connection (each on its own
//! short-lived thread, with a read timeout), answers only the callback path,
//! and hands the callback's whole query back to the caller, who checks
//! `state` and reads `code` or `error` with the OAuth 2 core.
//!
//! ```no_run
//! use std::time::Duration;
//! use sansauth_transport::receiver::{LoopbackReceiver, ReceiverOptions};
//!
//! # fn main() -> Result<(), sansauth_transport::Error> {
//! let receiver = LoopbackReceiver::bind(ReceiverOptions::default())?;
//! let redirect_uri = receiver.redirect_uri(); // e.g. http://127.0.0.1:49152/callback
//! // ... build the authorization URL with `redirect_uri`, open it in the browser ...
//! let callback = receiver.wait(Duration::from_secs(300))?;
//! println!("state: {:?}", callback.get("state"));
//! # Ok(()) }
//! ```

use core::fmt;
use std::io::{ErrorKind, Read as _, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::Error;

/// The largest request head (request line and headers) the receiver reads
/// from a browser, in bytes; a longer one is answered
/// `431 Request Header Fields Too Large` and the wait goes on.
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The most connections handled at once; more are closed unanswered.
pub const MAX_CONNECTIONS: usize = 32;
/// How often the accept loop looks for new connections when idle.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// Which loopback addresses to listen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindAddress {
    /// `127.0.0.1` only; the redirect URI uses `127.0.0.1`.
    Ipv4,
    /// `[::1]` only; the redirect URI uses `[::1]`.
    Ipv6,
    /// Both, on the same port; the redirect URI uses `127.0.0.1`. Useful
    /// when the registered redirect URI says `localhost`, which a browser may
    /// resolve to either.
    Both,
}

/// How a [`LoopbackReceiver`] listens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiverOptions {
    /// The addresses to bind. Default: [`BindAddress::Ipv4`] (RFC 8252 §7.3
    /// recommends the IP literal over `localhost`).
    pub bind: BindAddress,
    /// The port, or `0` for an ephemeral one chosen by the system (RFC 8252
    /// §7.3: the provider must accept any port on a loopback redirect URI;
    /// some providers do not, then register and set a fixed port). Default: `0`.
    pub port: u16,
    /// The callback path, starting with `/`. Default: `/callback`.
    pub path: String,
    /// How long one browser connection may take to send its request head.
    /// A connection that stays silent (browsers open some early) is closed
    /// after that, without disturbing the wait. Default: 5 s.
    pub connection_timeout: Duration,
}

impl Default for ReceiverOptions {
    fn default() -> Self {
        Self {
            bind: BindAddress::Ipv4,
            port: 0,
            path: "/callback".to_owned(),
            connection_timeout: Duration::from_secs(5),
        }
    }
}

/// A listening loopback redirect receiver. Dropping it closes the sockets.
#[derive(Debug)]
pub struct LoopbackReceiver {
    listeners: Vec<TcpListener>,
    redirect_uri: String,
    options: ReceiverOptions,
}

impl LoopbackReceiver {
    /// Binds the loopback address(es) of `options`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidReceiverConfig`] for a bad callback path;
    /// [`Error::Io`] when an address cannot be bound (port in use, no IPv6).
    pub fn bind(options: ReceiverOptions) -> Result<Self, Error> {
        validate_path(&options.path)?;
        let listeners = match options.bind {
            BindAddress::Ipv4 => vec![bind_one(Ipv4Addr::LOCALHOST.into(), options.port)?],
            BindAddress::Ipv6 => vec![bind_one(Ipv6Addr::LOCALHOST.into(), options.port)?],
            BindAddress::Both => bind_both(options.port)?,
        };
        let port = local_port(&listeners[0])?;
        let host = match options.bind {
            BindAddress::Ipv6 => "[::1]",
            BindAddress::Ipv4 | BindAddress::Both => "127.0.0.1",
        };
        let redirect_uri = format!("http://{host}:{port}{}", options.path);
        for l in &listeners {
            l.set_nonblocking(true)
                .map_err(|e| Error::io("configuring the loopback listener", e))?;
        }
        Ok(Self {
            listeners,
            redirect_uri,
            options,
        })
    }

    /// The exact redirect URI to register with the provider and to send in
    /// the authorization request.
    #[must_use]
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The port listened on (the chosen one when the options said `0`).
    #[must_use]
    pub fn port(&self) -> u16 {
        self.listeners
            .first()
            .and_then(|l| l.local_addr().ok())
            .map_or(0, |a| a.port())
    }

    /// Waits for the browser to reach the callback path, at most `timeout`.
    ///
    /// Requests to any other path (`/favicon.ico`, ...) get a 404, and a
    /// request to the callback path without a query a 400: the wait goes on.
    /// Silent or slow connections are dropped after
    /// [`ReceiverOptions::connection_timeout`]. Only `GET` with the answer in
    /// the query is read (the default `response_mode`); `form_post` and
    /// fragment responses never reach a server this way. The first request to the
    /// callback path ends the wait: the browser gets a small page (success, or
    /// the provider's error), and its query is returned as is — `state` is
    /// **not** checked here, so a mismatch reaches the caller, who must check it.
    /// A second callback arriving during the wait gets a page saying the
    /// sign-in already completed.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] when no callback came in time; [`Error::Io`] when
    /// accepting connections fails.
    pub fn wait(&self, timeout: Duration) -> Result<Callback, Error> {
        let started = Instant::now();
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared {
            path: self.options.path.clone(),
            redirect_uri: self.redirect_uri.clone(),
            phase: AtomicU8::new(WAITING),
            in_flight: AtomicUsize::new(0),
            read_timeout: self.options.connection_timeout,
        });
        loop {
            for listener in &self.listeners {
                // Take every connection that is waiting, then poll again.
                loop {
                    match listener.accept() {
                        Ok((stream, _)) => spawn_handler(stream, &shared, tx.clone()),
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) if is_transient_accept_error(&e) => {}
                        Err(e) => return Err(Error::io("accepting a browser connection", e)),
                    }
                }
            }
            let elapsed = started.elapsed();
            if elapsed >= timeout {
                // Close the wait, unless a callback was claimed just now: then
                // its handler is answering the browser and about to send it.
                if shared
                    .phase
                    .compare_exchange(WAITING, CLOSED, Ordering::AcqRel, Ordering::Acquire)
                    .is_err()
                    && let Ok(callback) = rx.recv_timeout(shared.read_timeout)
                {
                    return Ok(callback);
                }
                return Err(Error::Timeout {
                    waiting_for: "the browser to reach the redirect URI",
                    after: timeout,
                });
            }
            match rx.recv_timeout(POLL_INTERVAL.min(timeout - elapsed)) {
                Ok(callback) => return Ok(callback),
                Err(mpsc::RecvTimeoutError::Timeout | mpsc::RecvTimeoutError::Disconnected) => {}
            }
        }
    }
}

/// The query of the request that reached the callback path.
///
/// `Debug` shows parameter names only: the values include the authorization
/// code.
#[derive(Clone, PartialEq, Eq)]
pub struct Callback {
    url: String,
    query: String,
    params: Vec<(String, String)>,
}

impl Callback {
    /// The callback that reached `redirect_uri` with `query` (without `?`).
    #[must_use]
    pub fn new(redirect_uri: &str, query: &str) -> Self {
        let params = url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let url = if query.is_empty() {
            redirect_uri.to_owned()
        } else {
            format!("{redirect_uri}?{query}")
        };
        Self {
            url,
            query: query.to_owned(),
            params,
        }
    }

    /// The full callback URL (the redirect URI and the query): what the OAuth
    /// 2 core's `PendingAuthorization::read_callback` and the OAuth 1 core's
    /// `flow::parse_callback` read.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The raw query, exactly as the browser sent it (without `?`): hand it to
    /// the OAuth 2 core's authorization-response reader.
    #[must_use]
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The decoded parameters, in order.
    #[must_use]
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The first value of parameter `name`, decoded.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Callback")
            .field(
                "params",
                &self
                    .params
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// [`Shared::phase`]: no callback yet; a handler claimed the callback; the
/// wait ended without one.
const WAITING: u8 = 0;
const DELIVERED: u8 = 1;
const CLOSED: u8 = 2;

struct Shared {
    path: String,
    redirect_uri: String,
    phase: AtomicU8,
    in_flight: AtomicUsize,
    read_timeout: Duration,
}

fn validate_path(path: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        return Err(Error::InvalidReceiverConfig {
            reason: "the callback path must start with '/'",
        });
    }
    if !path
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#')
    {
        return Err(Error::InvalidReceiverConfig {
            reason: "the callback path must be visible ASCII without '?' or '#'",
        });
    }
    Ok(())
}

fn bind_one(ip: std::net::IpAddr, port: u16) -> Result<TcpListener, Error> {
    TcpListener::bind(SocketAddr::new(ip, port))
        .map_err(|e| Error::io("binding the loopback redirect receiver", e))
}

fn local_port(listener: &TcpListener) -> Result<u16, Error> {
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| Error::io("reading the receiver's port", e))
}

fn bind_both(port: u16) -> Result<Vec<TcpListener>, Error> {
    // With an ephemeral port, the port the system picks for IPv4 may be taken
    // on IPv6: try a few times.
    let attempts = if port == 0 { 8 } else { 1 };
    let mut last = None;
    for _ in 0..attempts {
        let v4 = bind_one(Ipv4Addr::LOCALHOST.into(), port)?;
        let chosen = local_port(&v4)?;
        match TcpListener::bind(SocketAddr::new(Ipv6Addr::LOCALHOST.into(), chosen)) {
            Ok(v6) => return Ok(vec![v4, v6]),
            Err(e) => last = Some(e),
        }
    }
    Err(Error::io(
        "binding [::1] on the port of 127.0.0.1",
        last.unwrap_or_else(|| ErrorKind::AddrInUse.into()),
    ))
}

fn is_transient_accept_error(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::WouldBlock
            | ErrorKind::Interrupted
            | ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
    )
}

fn spawn_handler(stream: TcpStream, shared: &Arc<Shared>, tx: mpsc::Sender<Callback>) {
    if shared.in_flight.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
        shared.in_flight.fetch_sub(1, Ordering::AcqRel);
        return; // dropped: closes the connection
    }
    let shared = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("sansauth-loopback".to_owned())
        .spawn({
            let shared = Arc::clone(&shared);
            move || {
                handle_connection(stream, &shared, &tx);
                shared.in_flight.fetch_sub(1, Ordering::AcqRel);
            }
        });
    if spawned.is_err() {
        shared.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

fn handle_connection(mut stream: TcpStream, shared: &Shared, tx: &mpsc::Sender<Callback>) {
    // Accepted sockets may inherit non-blocking mode from the listener.
    if stream.set_nonblocking(false).is_err()
        || stream.set_write_timeout(Some(shared.read_timeout)).is_err()
    {
        return;
    }
    let head = match read_head(&mut stream, Instant::now() + shared.read_timeout) {
        Head::Complete(head) => head,
        Head::TooLarge => {
            respond(
                &mut stream,
                "431 Request Header Fields Too Large",
                &page("Request too large", ""),
            );
            return;
        }
        Head::Incomplete => return, // silent pre-connection, or the browser went away
    };
    let Some((method, target)) = parse_request_line(&head) else {
        respond(&mut stream, "400 Bad Request", &page("Bad request", ""));
        return;
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != shared.path {
        respond(&mut stream, "404 Not Found", &page("Not found", ""));
        return;
    }
    if method != "GET" {
        respond(
            &mut stream,
            "405 Method Not Allowed",
            &page("Method not allowed", ""),
        );
        return;
    }
    if query.is_empty() {
        // Not a redirect from the provider (someone opened the address by
        // hand, or a prefetch): keep waiting for the real one.
        respond(
            &mut stream,
            "400 Bad Request",
            &page(
                "Waiting for the provider",
                "This address receives the provider's answer after you sign in. Go back to the \
                 sign-in page.",
            ),
        );
        return;
    }
    let callback = Callback::new(&shared.redirect_uri, query);
    match shared
        .phase
        .compare_exchange(WAITING, DELIVERED, Ordering::AcqRel, Ordering::Acquire)
    {
        Ok(_) => {}
        Err(DELIVERED) => {
            respond(
                &mut stream,
                "200 OK",
                &page(
                    "Already done",
                    "This sign-in was already received. You may close this window.",
                ),
            );
            return;
        }
        Err(_) => {
            respond(
                &mut stream,
                "408 Request Timeout",
                &page(
                    "Too late",
                    "The application stopped waiting for this sign-in. Go back to it and try \
                     again.",
                ),
            );
            return;
        }
    }
    let body = match callback.get("error") {
        Some(code) => {
            let mut detail = format!("The provider answered: {}", escape_html(code));
            if let Some(d) = callback.get("error_description") {
                detail.push_str(" — ");
                detail.push_str(&escape_html(d));
            }
            detail.push_str(". You may close this window.");
            page("Sign-in failed", &detail)
        }
        None => page(
            "Sign-in complete",
            "You may close this window and return to the application.",
        ),
    };
    // Answer the browser first, so the page is out before the caller moves on.
    respond(&mut stream, "200 OK", &body);
    // The receiver may have stopped waiting (timed out): nothing to do then.
    let _ = tx.send(callback);
}

enum Head {
    Complete(String),
    TooLarge,
    Incomplete,
}

/// Reads a request head until `deadline` (the whole head, so a client that
/// trickles bytes cannot hold the connection longer).
fn read_head(stream: &mut TcpStream, deadline: Instant) -> Head {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Head::Incomplete;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Head::Incomplete,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            // The limit counts the whole head, its blank line included,
            // however the bytes arrived.
            if end + 4 > MAX_HEAD_BYTES {
                return Head::TooLarge;
            }
            buf.truncate(end);
            return match String::from_utf8(buf) {
                Ok(s) => Head::Complete(s),
                // Header bytes outside UTF-8: answer 400 through the parser.
                Err(_) => Head::Complete(String::new()),
            };
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Head::TooLarge;
        }
    }
}

fn parse_request_line(head: &str) -> Option<(&str, &str)> {
    let line = head.split("\r\n").next()?;
    let mut parts = line.split(' ');
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next()?;
    if parts.next().is_some() || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    Some((method, target))
}

fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

fn page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body style=\"font-family: sans-serif; margin: 3em\"><h1>{title}</h1><p>{message}</p>\
         </body></html>\n"
    )
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_line_parsing() {
        assert_eq!(
            parse_request_line("GET /callback?code=x HTTP/1.1\r\nHost: a"),
            Some(("GET", "/callback?code=x"))
        );
        assert_eq!(parse_request_line("GET /a HTTP/1.0"), Some(("GET", "/a")));
        assert_eq!(parse_request_line("GET http://evil/ HTTP/1.1"), None);
        assert_eq!(parse_request_line("GET /a"), None);
        assert_eq!(parse_request_line("GET /a HTTP/2 extra"), None);
        assert_eq!(parse_request_line(""), None);
    }

    #[test]
    fn callback_decodes_and_keeps_the_raw_query() {
        let c = Callback::new("http://127.0.0.1:1/cb", "code=a%2Fb&state=s+1&state=second");
        assert_eq!(
            c.url(),
            "http://127.0.0.1:1/cb?code=a%2Fb&state=s+1&state=second"
        );
        assert_eq!(c.query(), "code=a%2Fb&state=s+1&state=second");
        assert_eq!(c.get("code"), Some("a/b"));
        assert_eq!(c.get("state"), Some("s 1"));
        assert_eq!(c.params().len(), 3);
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("a/b") && !debug.contains("a%2Fb"),
            "{debug}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn request_heads_and_queries_never_panic(head in "\\PC{0,200}", query in "\\PC{0,200}") {
            let _ = parse_request_line(&head);
            let c = Callback::new("http://127.0.0.1:1/cb", &query);
            proptest::prop_assert_eq!(c.query(), query.as_str());
            let _ = escape_html(&query);
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape_html("<script>&\"'"),
            "&lt;script&gt;&amp;&quot;&#39;"
        );
    }

    #[test]
    fn bad_paths_are_refused() {
        for path in ["callback", "/a b", "/a?b", "/a#b", ""] {
            let options = ReceiverOptions {
                path: path.to_owned(),
                ..ReceiverOptions::default()
            };
            let err = LoopbackReceiver::bind(options).unwrap_err();
            assert_eq!(err.code(), "invalid_receiver_config", "{path}");
        }
    }

    #[test]
    fn redirect_uri_names_the_bound_port() {
        let r = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
        assert_ne!(r.port(), 0);
        assert_eq!(
            r.redirect_uri(),
            format!("http://127.0.0.1:{}/callback", r.port())
        );
    }
}
