//! The loopback redirect receiver, with a real HTTP client playing the browser.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Duration;

use sansauth_transport::client::{ClientOptions, HttpClient, HttpResponse, UreqClient};
use sansauth_transport::receiver::{BindAddress, LoopbackReceiver, ReceiverOptions};

const WAIT: Duration = Duration::from_secs(20);

fn browser() -> UreqClient {
    UreqClient::new(ClientOptions::default())
}

fn visit(url: &str) -> HttpResponse {
    let request = http::Request::get(url).body(Vec::new()).unwrap();
    browser().send(request).unwrap()
}

fn text(response: &HttpResponse) -> String {
    String::from_utf8(response.body().clone()).unwrap()
}

fn base(redirect_uri: &str) -> &str {
    redirect_uri.strip_suffix("/callback").unwrap()
}

#[test]
fn success_returns_the_whole_query_and_thanks_the_browser() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    assert!(
        uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"),
        "{uri}"
    );
    let browser = std::thread::spawn(move || {
        // A favicon request first, as browsers do: 404, and the wait goes on.
        let favicon = visit(&format!("{}/favicon.ico", base(&uri)));
        let page = visit(&format!(
            "{uri}?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz%20123&extra=1"
        ));
        (favicon, page)
    });
    let callback = receiver.wait(WAIT).unwrap();
    let (favicon, page) = browser.join().unwrap();
    assert_eq!(favicon.status(), 404);
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    assert!(
        text(&page).contains("You may close this window"),
        "{}",
        text(&page)
    );
    assert_eq!(
        callback.query(),
        "code=SplxlOBeZQQYbYS6WxSbIA&state=xyz%20123&extra=1"
    );
    assert_eq!(callback.get("code"), Some("SplxlOBeZQQYbYS6WxSbIA"));
    assert_eq!(callback.get("state"), Some("xyz 123"));
    assert_eq!(callback.get("extra"), Some("1"));
}

#[test]
fn a_provider_error_is_shown_escaped_and_returned() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    let browser = std::thread::spawn(move || {
        visit(&format!(
            "{uri}?error=access_denied&error_description=User+said+%3Cno%3E&state=s1"
        ))
    });
    let callback = receiver.wait(WAIT).unwrap();
    let page = browser.join().unwrap();
    let html = text(&page);
    assert!(html.contains("access_denied"), "{html}");
    assert!(html.contains("User said &lt;no&gt;"), "{html}");
    assert!(!html.contains("<no>"), "{html}");
    assert_eq!(callback.get("error"), Some("access_denied"));
    assert_eq!(callback.get("code"), None);
}

#[test]
fn a_state_mismatch_is_passed_through_to_the_caller() {
    // The receiver does not know the expected state: whatever came back is
    // returned unchanged for the caller (the OAuth 2 core) to reject.
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    let browser =
        std::thread::spawn(move || visit(&format!("{uri}?code=c&state=forged-by-attacker")));
    let callback = receiver.wait(WAIT).unwrap();
    assert_eq!(browser.join().unwrap().status(), 200);
    assert_eq!(callback.get("state"), Some("forged-by-attacker"));
}

#[test]
fn other_paths_and_bare_visits_are_refused_and_the_wait_goes_on() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    let browser = std::thread::spawn(move || {
        let mut statuses = Vec::new();
        for path in [
            "/",
            "/favicon.ico",
            "/callback/extra",
            "/CALLBACK?code=x",
            "/callback",
        ] {
            statuses.push(visit(&format!("{}{path}", base(&uri))).status().as_u16());
        }
        statuses.push(visit(&format!("{uri}?code=last")).status().as_u16());
        statuses
    });
    let callback = receiver.wait(WAIT).unwrap();
    assert_eq!(callback.get("code"), Some("last"));
    assert_eq!(browser.join().unwrap(), vec![404, 404, 404, 404, 400, 200]);
}

#[test]
fn no_callback_in_time_is_a_clear_timeout() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let err = receiver.wait(Duration::from_millis(200)).unwrap_err();
    assert_eq!(err.code(), "timeout");
    assert!(err.to_string().contains("gave up waiting"), "{err}");
    // The receiver can wait again afterwards.
    let uri = receiver.redirect_uri().to_owned();
    let browser = std::thread::spawn(move || visit(&format!("{uri}?code=later")));
    assert_eq!(receiver.wait(WAIT).unwrap().get("code"), Some("later"));
    assert_eq!(browser.join().unwrap().status(), 200);
}

#[test]
fn a_post_to_the_callback_is_refused() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    let browser = std::thread::spawn(move || {
        let post = http::Request::post(uri.as_str())
            .body(b"code=x".to_vec())
            .unwrap();
        let refused = browser().send(post).unwrap().status();
        let ok = visit(&format!("{uri}?code=y")).status();
        (refused, ok)
    });
    let callback = receiver.wait(WAIT).unwrap();
    assert_eq!(
        browser.join().unwrap(),
        (http::StatusCode::METHOD_NOT_ALLOWED, http::StatusCode::OK)
    );
    assert_eq!(callback.get("code"), Some("y"));
}

#[test]
fn early_and_silent_connections_do_not_block_the_callback() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    // A browser pre-connects and never sends anything on that connection.
    let silent = TcpStream::connect(("127.0.0.1", receiver.port())).unwrap();
    // Another connects and sends its request before the wait even starts.
    let (sent_tx, sent_rx) = mpsc::channel();
    let browser = std::thread::spawn(move || {
        let authority = uri
            .strip_prefix("http://")
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        let mut stream = TcpStream::connect(authority).unwrap();
        write!(
            stream,
            "GET /callback?code=early&state=s HTTP/1.1\r\nHost: {authority}\r\n\r\n"
        )
        .unwrap();
        sent_tx.send(()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    });
    sent_rx.recv().unwrap();
    let callback = receiver.wait(WAIT).unwrap();
    assert_eq!(callback.get("code"), Some("early"));
    let response = browser.join().unwrap();
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    drop(silent);
}

#[test]
fn a_second_callback_gets_a_page_and_the_first_one_wins() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let port = receiver.port();
    let mut streams: Vec<TcpStream> = ["first", "second"]
        .iter()
        .map(|code| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(
                s,
                "GET /callback?code={code} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            )
            .unwrap();
            s
        })
        .collect();
    let callback = receiver.wait(WAIT).unwrap();
    let winner = callback.get("code").unwrap().to_owned();
    assert!(winner == "first" || winner == "second");
    // The other one, if it was accepted before the wait ended, was told the
    // sign-in already completed; if not, it is closed with the receiver.
    drop(receiver);
    let mut pages = Vec::new();
    for s in &mut streams {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut page = String::new();
        let _ = s.read_to_string(&mut page);
        pages.push(page);
    }
    let complete = pages
        .iter()
        .filter(|p| p.contains("Sign-in complete"))
        .count();
    assert_eq!(complete, 1, "{pages:?}");
    for p in &pages {
        assert!(
            p.is_empty() || p.contains("Sign-in complete") || p.contains("already received"),
            "{p}"
        );
    }
}

#[test]
fn a_fixed_port_and_path_make_the_redirect_uri() {
    let port = common::closed_port();
    let mut options = ReceiverOptions::default();
    options.port = port;
    options.path = "/oauth/done".to_owned();
    let receiver = LoopbackReceiver::bind(options).unwrap();
    assert_eq!(
        receiver.redirect_uri(),
        format!("http://127.0.0.1:{port}/oauth/done")
    );
    // The port is now taken: a second receiver on it fails with an I/O error.
    let mut again = ReceiverOptions::default();
    again.port = port;
    assert_eq!(LoopbackReceiver::bind(again).unwrap_err().code(), "io");
}

#[test]
fn ipv6_loopback_when_the_machine_has_it() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipping: no IPv6 loopback on this machine");
        return;
    }
    let mut options = ReceiverOptions::default();
    options.bind = BindAddress::Both;
    let receiver = LoopbackReceiver::bind(options).unwrap();
    let port = receiver.port();
    assert_eq!(
        receiver.redirect_uri(),
        format!("http://127.0.0.1:{port}/callback")
    );
    let browser =
        std::thread::spawn(move || visit(&format!("http://[::1]:{port}/callback?code=v6")));
    let callback = receiver.wait(WAIT).unwrap();
    assert_eq!(browser.join().unwrap().status(), 200);
    assert_eq!(callback.get("code"), Some("v6"));
}

#[test]
fn a_connection_that_never_finishes_its_request_is_closed() {
    let mut options = ReceiverOptions::default();
    options.connection_timeout = Duration::from_millis(200);
    let receiver = LoopbackReceiver::bind(options).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    let port = receiver.port();
    let browser = std::thread::spawn(move || {
        // Half a request line, then nothing.
        let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
        slow.write_all(b"GET /callback?co").unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut rest = Vec::new();
        let closed = slow.read_to_end(&mut rest).map(|_| rest.is_empty());
        // The real redirect still gets through afterwards.
        let page = visit(&format!("{uri}?code=after"));
        (closed.ok(), page.status())
    });
    let callback = receiver.wait(WAIT).unwrap();
    assert_eq!(callback.get("code"), Some("after"));
    assert_eq!(browser.join().unwrap(), (Some(true), http::StatusCode::OK));
}

#[test]
fn a_callback_after_the_wait_ended_is_told_it_came_too_late() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    // Connected before the wait, so the wait accepts it; the request comes later.
    let mut late = TcpStream::connect(("127.0.0.1", receiver.port())).unwrap();
    let err = receiver.wait(Duration::from_millis(300)).unwrap_err();
    assert_eq!(err.code(), "timeout");
    write!(
        late,
        "GET /callback?code=late HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    late.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut response = String::new();
    late.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 408 "), "{response}");
    assert!(response.contains("stopped waiting"), "{response}");
}
