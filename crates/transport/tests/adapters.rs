//! Each adapter against a real loopback server: round trip, statuses,
//! redirects not followed, body cap, timeouts, refused connections and the
//! plain-http policy. And one more client (hyper) plugged in by hand.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Reply, Server, closed_port};
use sansauth_transport::client::{
    AdapterError, AsyncHttpClient, ClientOptions, HttpClient, HttpRequest, HttpResponse,
    ReqwestBlockingClient, ReqwestClient, UreqClient,
};

type Send = Box<dyn Fn(HttpRequest) -> Result<HttpResponse, AdapterError>>;

fn adapters(options: &ClientOptions) -> Vec<(&'static str, Send)> {
    let ureq = UreqClient::new(options.clone());
    let blocking = ReqwestBlockingClient::new(options.clone()).unwrap();
    let runtime = Arc::new(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap(),
    );
    let reqwest = ReqwestClient::new(options.clone()).unwrap();
    vec![
        ("ureq", Box::new(move |r| HttpClient::send(&ureq, r))),
        (
            "reqwest-blocking",
            Box::new(move |r| HttpClient::send(&blocking, r)),
        ),
        (
            "reqwest",
            Box::new(move |r| runtime.block_on(AsyncHttpClient::send(&reqwest, r))),
        ),
    ]
}

fn get(url: &str) -> HttpRequest {
    http::Request::get(url).body(Vec::new()).unwrap()
}

#[test]
fn round_trip_keeps_method_headers_body_and_status() {
    let server = Server::start(|seen| {
        assert_eq!(seen.method, "POST");
        Reply::new(
            201,
            &[("x-echo", seen.header("x-test").unwrap_or("none"))],
            &seen.body,
        )
    });
    for (name, send) in adapters(&ClientOptions::default()) {
        let request = http::Request::post(server.url("/token?a=1"))
            .header("x-test", name)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("grant_type=refresh_token&from={name}").into_bytes())
            .unwrap();
        let response = send(request).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(response.status(), 201, "{name}");
        assert_eq!(response.headers()["x-echo"], name, "{name}");
        assert_eq!(
            response.body(),
            format!("grant_type=refresh_token&from={name}").as_bytes(),
            "{name}"
        );
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    for s in &seen {
        assert_eq!(s.target, "/token?a=1");
        assert_eq!(
            s.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
    }
}

#[test]
fn error_statuses_are_responses_not_errors() {
    let server = Server::start(|_| {
        Reply::new(
            401,
            &[("www-authenticate", "Bearer error=\"invalid_token\"")],
            b"{}",
        )
    });
    for (name, send) in adapters(&ClientOptions::default()) {
        let response = send(get(&server.url("/api"))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(response.status(), 401, "{name}");
        assert_eq!(
            response.headers()["www-authenticate"],
            "Bearer error=\"invalid_token\"",
            "{name}"
        );
    }
}

#[test]
fn redirects_are_returned_not_followed() {
    let server = Server::start(|seen| {
        if seen.target == "/start" {
            Reply::new(302, &[("location", "/elsewhere")], b"")
        } else {
            Reply::new(200, &[], b"followed")
        }
    });
    for (name, send) in adapters(&ClientOptions::default()) {
        let response = send(get(&server.url("/start"))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(response.status(), 302, "{name}");
        assert_eq!(response.headers()["location"], "/elsewhere", "{name}");
    }
    assert!(server.seen().iter().all(|s| s.target == "/start"));
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn bodies_over_the_cap_fail_clearly() {
    let server = Server::start(|seen| {
        let body = vec![b'x'; 2000];
        if seen.target == "/sized" {
            Reply::new(200, &[], &body)
        } else {
            Reply::close_delimited(200, &body)
        }
    });
    let mut options = ClientOptions::default();
    options.max_response_bytes = 1000;
    for (name, send) in adapters(&options) {
        for path in ["/sized", "/unsized"] {
            let err = send(get(&server.url(path))).unwrap_err();
            assert!(
                matches!(err, AdapterError::BodyTooLarge { limit: 1000 }),
                "{name} {path}: {err:?}"
            );
            assert_eq!(err.code(), "body_too_large");
            assert!(err.to_string().contains("max_response_bytes"), "{err}");
        }
    }
    // At the cap exactly is fine.
    options.max_response_bytes = 2000;
    for (name, send) in adapters(&options) {
        let response = send(get(&server.url("/unsized"))).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(response.body().len(), 2000, "{name}");
    }
}

#[test]
fn a_silent_server_times_out() {
    let server = Server::start(|_| Reply::new(200, &[], b"late").delayed(Duration::from_secs(5)));
    let mut options = ClientOptions::default();
    options.timeout = Duration::from_millis(300);
    for (name, send) in adapters(&options) {
        let err = send(get(&server.url("/slow"))).unwrap_err();
        assert_eq!(err.code(), "timeout", "{name}: {err:?}");
    }
}

#[test]
fn a_closed_port_is_a_connect_error() {
    let url = format!("http://127.0.0.1:{}/", closed_port());
    for (name, send) in adapters(&ClientOptions::default()) {
        let err = send(get(&url)).unwrap_err();
        assert_eq!(err.code(), "connect", "{name}: {err:?}");
    }
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_sending() {
    // Nothing is sent: the policy check runs first, so no network is needed.
    for (name, send) in adapters(&ClientOptions::default()) {
        let err = send(get("http://api.example.com/v3.1/")).unwrap_err();
        assert_eq!(err.code(), "insecure_http", "{name}: {err:?}");
        let err = send(get("ftp://files.example.com/")).unwrap_err();
        assert_eq!(err.code(), "unsupported_scheme", "{name}: {err:?}");
    }
}

/// hyper 1, plugged in by hand exactly as the crate docs show.
mod hyper_client {
    use http_body_util::{BodyExt as _, Full, Limited};
    use hyper::body::Bytes;
    use sansauth_transport::client::{AsyncHttpClient, HttpRequest, HttpResponse};
    use std::io::Error as IoError;

    /// hyper 1 over plain TCP, one connection per request, bodies capped at 1 MiB.
    pub(super) struct Hyper;

    impl AsyncHttpClient for Hyper {
        type Error = IoError;

        async fn send(&self, request: HttpRequest) -> Result<HttpResponse, IoError> {
            let authority = request
                .uri()
                .authority()
                .cloned()
                .ok_or(IoError::other("no host"))?;
            let port = authority.port_u16().unwrap_or(80);
            let tcp = tokio::net::TcpStream::connect((authority.host(), port)).await?;
            let io = hyper_util::rt::TokioIo::new(tcp);
            let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
                .await
                .map_err(IoError::other)?;
            tokio::spawn(connection);
            let (mut parts, body) = request.into_parts();
            // hyper sends the URI as given: use the origin form (`/path?query`), and a Host.
            parts.uri = parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .parse()
                .map_err(IoError::other)?;
            parts.headers.insert(
                http::header::HOST,
                authority.as_str().parse().map_err(IoError::other)?,
            );
            let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
            let response = sender.send_request(request).await.map_err(IoError::other)?;
            let (parts, body) = response.into_parts();
            let body = Limited::new(body, 1 << 20)
                .collect()
                .await
                .map_err(IoError::other)?;
            Ok(http::Response::from_parts(parts, body.to_bytes().to_vec()))
        }
    }
}

/// Generic code that only knows the trait, as a session does.
async fn send_any<C: AsyncHttpClient>(
    client: &C,
    request: HttpRequest,
) -> Result<HttpResponse, C::Error> {
    client.send(request).await
}

#[tokio::test]
async fn a_hand_plugged_hyper_client_works_through_the_trait() {
    let server = Server::start(|seen| {
        if seen.target == "/start" {
            Reply::new(302, &[("location", "/elsewhere")], b"")
        } else {
            Reply::new(
                200,
                &[("x-host", seen.header("host").unwrap_or(""))],
                &seen.body,
            )
        }
    });
    let client = hyper_client::Hyper;
    let request = http::Request::post(server.url("/echo"))
        .body(b"hello".to_vec())
        .unwrap();
    let response = send_any(&client, request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), b"hello");
    assert_eq!(
        response.headers()["x-host"],
        server.addr.to_string().as_str()
    );

    let response = send_any(&client, get(&server.url("/start"))).await.unwrap();
    assert_eq!(response.status(), 302);

    let err = send_any(
        &client,
        get(&format!("http://127.0.0.1:{}/", closed_port())),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{err}");
}
