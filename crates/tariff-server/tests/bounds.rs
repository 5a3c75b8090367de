//! The time and concurrency bounds, each on a server of its own with small limits.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

#[test]
fn a_request_over_the_time_limit_is_a_json_503() {
    let (base, _) = common::start(tariff_server::Config {
        timeout: Duration::from_millis(50),
        ..common::test_config()
    });
    // A request whose body never comes cannot be answered within the limit, however fast the
    // machine (a fast computation could beat a timer tick; a missing body cannot).
    let addr = base.trim_start_matches("http://").to_string();
    let mut stalled = std::net::TcpStream::connect(&addr).expect("connect");
    stalled
        .write_all(
            b"POST /api/quote HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{",
        )
        .expect("write");
    stalled
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("read timeout");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("}}") {
        match std::io::Read::read(&mut stalled, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let answer = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a response");
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    assert_eq!(status, 503, "{answer}");
    let retry_after = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("retry-after:")
            .map(|v| v.trim().to_string())
    });
    assert_eq!(retry_after.as_deref(), Some("1"));
    let json: serde_json::Value = serde_json::from_str(body.trim()).expect("a JSON body");
    assert!(
        json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("too long")
    );
}

#[test]
fn requests_beyond_the_concurrency_limit_wait_for_a_slot() {
    let limit = Duration::from_millis(600);
    let (base, _) = common::start(tariff_server::Config {
        concurrency: 1,
        timeout: limit,
        ..common::test_config()
    });
    let addr = base.trim_start_matches("http://").to_string();
    // The only slot is taken by a request whose body never comes.
    let mut slow = std::net::TcpStream::connect(&addr).expect("connect");
    slow.write_all(
        b"POST /api/quote HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{",
    )
    .expect("write");
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    let r = common::agent()
        .get(format!(
            "{base}/api/quote?hts=6109.10.00.04&origin=CN&date=2025-06-01&value=1000"
        ))
        .call()
        .expect("GET");
    let waited = t.elapsed();
    let a = common::answer(r);
    // It got the slot only when the stalled request hit the time limit and was answered 503.
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        waited >= Duration::from_millis(300),
        "answered after {waited:?}: it did not wait for the only slot"
    );
    let mut buf = [0u8; 512];
    let n = std::io::Read::read(&mut slow, &mut buf).expect("read");
    let head = String::from_utf8_lossy(&buf[..n]);
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
}
