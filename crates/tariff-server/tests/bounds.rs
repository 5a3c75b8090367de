//! The time and concurrency bounds, each on a server of its own with small limits.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

/// Reads what the server sends on `stream` until it closes or `limit` passes.
fn read_all(stream: &mut std::net::TcpStream, limit: Duration) -> String {
    stream.set_read_timeout(Some(limit)).expect("read timeout");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match std::io::Read::read(stream, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
        if String::from_utf8_lossy(&answer).contains("}}") {
            break;
        }
    }
    String::from_utf8_lossy(&answer).to_string()
}

fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

const STALLED_POST: &[u8] =
    b"POST /api/quote HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{";

#[test]
fn a_body_that_never_comes_is_a_json_408() {
    let (base, _) = common::start(tariff_server::Config {
        body_timeout: Duration::from_millis(200),
        ..common::test_config()
    });
    let addr = base.trim_start_matches("http://").to_string();
    let mut stalled = std::net::TcpStream::connect(&addr).expect("connect");
    stalled.write_all(STALLED_POST).expect("write");
    let t = Instant::now();
    let answer = read_all(&mut stalled, Duration::from_secs(10));
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(status_of(&answer), 408, "{answer}");
    let (_, body) = answer.split_once("\r\n\r\n").expect("a response");
    let json: serde_json::Value = serde_json::from_str(body.trim()).expect("a JSON body");
    assert_eq!(json["error"]["field"], "body");
}

#[test]
fn a_request_over_the_time_limit_is_a_json_503() {
    // No time at all: the deadline has passed once the request has its slot, so no work
    // starts and the answer is a 503.
    let (base, _) = common::start(tariff_server::Config {
        timeout: Duration::ZERO,
        ..common::test_config()
    });
    let a = common::answer(
        common::agent()
            .get(format!(
                "{base}/api/quote/history?hts=6109.10.00.04&origin=CN&value=1000&from=2025-01-01&to=2027-09-27"
            ))
            .call()
            .expect("GET"),
    );
    assert_eq!(a.status, 503, "{}", a.body);
    assert!(
        a.headers
            .iter()
            .any(|(k, v)| k == "retry-after" && v == "1")
    );
    assert!(a.body.contains("too long"), "{}", a.body);
}

#[test]
fn slow_bodies_hold_no_request_slot() {
    // Issue 17: 1,100 incomplete POST bodies took all 512 slots for 10 s each. Here one slot,
    // twenty stalled bodies, and a real quote is answered at once.
    let (base, _) = common::start(tariff_server::Config {
        concurrency: 1,
        body_timeout: Duration::from_secs(30),
        ..common::test_config()
    });
    let addr = base.trim_start_matches("http://").to_string();
    let stalled: Vec<std::net::TcpStream> = (0..20)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&addr).expect("connect");
            s.write_all(STALLED_POST).expect("write");
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    let a = common::answer(
        common::agent()
            .get(format!(
                "{base}/api/quote?hts=6109.10.00.04&origin=CN&date=2025-06-01&value=1000"
            ))
            .call()
            .expect("GET"),
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "waited {:?}",
        t.elapsed()
    );
    drop(stalled);
}

#[test]
fn a_client_that_never_finishes_its_headers_is_closed() {
    let (base, _) = common::start(tariff_server::Config {
        header_timeout: Duration::from_millis(300),
        ..common::test_config()
    });
    let addr = base.trim_start_matches("http://").to_string();
    let mut half = std::net::TcpStream::connect(&addr).expect("connect");
    half.write_all(b"GET /api/meta HTTP/1.1\r\nhost: x\r\n")
        .expect("write");
    let t = Instant::now();
    let answer = read_all(&mut half, Duration::from_secs(10));
    // Closed (hyper may answer 408 first) well before the 10 s read limit.
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(answer.is_empty() || status_of(&answer) == 408, "{answer}");
}

#[test]
fn connections_beyond_the_limit_wait_and_idle_ones_are_closed() {
    // Four connections at most: four idle clients take them all; a fifth request waits in the
    // backlog until the header timeout closes the idle ones, then is answered.
    let (base, _) = common::start(tariff_server::Config {
        max_connections: 4,
        header_timeout: Duration::from_millis(500),
        ..common::test_config()
    });
    let addr = base.trim_start_matches("http://").to_string();
    let idle: Vec<std::net::TcpStream> = (0..4)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(&addr).expect("connect");
            s.write_all(b"GET /api/meta HTTP/1.1\r\n").expect("write");
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    let a = common::answer(
        common::agent()
            .get(format!("{base}/api/meta"))
            .call()
            .expect("GET"),
    );
    assert_eq!(a.status, 200);
    let waited = t.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "answered after {waited:?}: no limit"
    );
    assert!(waited < Duration::from_secs(5), "answered after {waited:?}");
    drop(idle);
}

#[test]
fn shutdown_ends_within_the_deadline_with_a_client_still_open() {
    // Issue 17: SIGTERM did not stop the server while a slow connection stayed open.
    let state = tariff_server::AppState::embedded(tariff_server::Config {
        shutdown_deadline: Duration::from_millis(500),
        header_timeout: Duration::from_secs(60),
        body_timeout: Duration::from_secs(60),
        ..common::test_config()
    })
    .expect("state");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (addr, done_rx) = common::serve_until(state, async {
        let _ = stop_rx.await;
    });
    let mut slow = std::net::TcpStream::connect(addr).expect("connect");
    slow.write_all(STALLED_POST).expect("write");
    std::thread::sleep(Duration::from_millis(200));
    let t = Instant::now();
    stop_tx.send(()).expect("stop");
    let ended = done_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the server ended");
    let took = ended - t;
    assert!(took < Duration::from_secs(3), "shutdown took {took:?}");
}
