//! The loopback receiver's head limit: a callback whose request head is just
//! under `MAX_HEAD_BYTES` is read; a longer one gets 431 and the receiver
//! goes on waiting for a proper callback.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use sansauth_transport::receiver::{LoopbackReceiver, MAX_HEAD_BYTES, ReceiverOptions};

const WAIT: Duration = Duration::from_secs(20);

/// Sends `GET {path_and_query}` with a `Host` header, raw; the response text.
fn raw_get(addr: &str, path_and_query: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let request =
        format!("GET {path_and_query} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}

/// `/callback?code=...&state=s` padded so that the whole head is `head_len` bytes.
fn callback_of_head_len(addr: &str, head_len: usize) -> String {
    let fixed = format!(
        "GET /callback?state=s&code= HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    format!(
        "/callback?state=s&code={}",
        "c".repeat(head_len - fixed.len())
    )
}

#[test]
fn a_head_at_the_limit_is_read_and_a_longer_one_refused() {
    let receiver = LoopbackReceiver::bind(ReceiverOptions::default()).unwrap();
    let uri = receiver.redirect_uri().to_owned();
    let addr = uri
        .strip_prefix("http://")
        .and_then(|r| r.strip_suffix("/callback"))
        .unwrap()
        .to_owned();
    let browser = std::thread::spawn(move || {
        // Well past the limit, then one byte past it: 431, and the wait goes on.
        let huge = raw_get(&addr, &callback_of_head_len(&addr, 4 * MAX_HEAD_BYTES));
        let just_past = raw_get(&addr, &callback_of_head_len(&addr, MAX_HEAD_BYTES + 1));
        // Exactly at the limit: the callback.
        let at_limit = raw_get(&addr, &callback_of_head_len(&addr, MAX_HEAD_BYTES));
        (huge, just_past, at_limit)
    });
    let callback = receiver.wait(WAIT).unwrap();
    let (huge, just_past, at_limit) = browser.join().unwrap();
    for refused in [&huge, &just_past] {
        assert!(
            refused.starts_with("HTTP/1.1 431 "),
            "{}",
            &refused[..refused.len().min(200)]
        );
    }
    assert!(at_limit.starts_with("HTTP/1.1 200 "), "{at_limit}");
    assert!(
        callback
            .params()
            .iter()
            .any(|(n, v)| n == "state" && v == "s"),
        "{callback:?}"
    );
}
