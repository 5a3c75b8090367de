//! A real server on a loopback socket for the tests, and a real HTTP client.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};
use tariff_engine::Engine;

/// The limits the tests run with (small batch limit, to test it cheaply).
pub fn test_config() -> tariff_server::Config {
    tariff_server::Config {
        body_limit: 64 * 1024,
        batch_body_limit: 256 * 1024,
        // The tests of a binary run at once and several post batches: more batch slots than
        // they can use, so none is refused for want of one.
        batch_jobs: 16,
        ..tariff_server::Config::default()
    }
}

/// The server: started once per test binary on 127.0.0.1:0, on its own runtime thread.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The same engine the server quotes with.
    pub engine: Arc<Engine>,
}

/// Starts a server with `config` on 127.0.0.1:0 on its own runtime thread; returns its base
/// URL and engine.
pub fn start(config: tariff_server::Config) -> (String, Arc<Engine>) {
    let state = tariff_server::AppState::embedded(config).expect("embedded data");
    let engine = state.engine.clone();
    let (addr, _) = serve_until(state, std::future::pending());
    (format!("http://{addr}"), engine)
}

/// Serves `state` on 127.0.0.1:0 on its own runtime thread until `stop` completes; returns
/// the address, and a receiver told the moment the server has ended.
pub fn serve_until(
    state: tariff_server::AppState,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> (
    std::net::SocketAddr,
    std::sync::mpsc::Receiver<std::time::Instant>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr")).expect("send");
            let _ = tariff_server::serve_until(listener, state, stop).await;
            let _ = done_tx.send(std::time::Instant::now());
        });
    });
    (rx.recv().expect("server address"), done_rx)
}

/// The shared server.
pub fn server() -> &'static Server {
    static S: OnceLock<Server> = OnceLock::new();
    S.get_or_init(|| {
        let (base, engine) = start(test_config());
        Server { base, engine }
    })
}

/// A client that returns 4xx and 5xx answers instead of failing on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// An answer: status, content type, body.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", &self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads an answer.
pub fn answer(r: ureq::http::Response<ureq::Body>) -> Answer {
    let status = r.status().as_u16();
    let headers: Vec<(String, String)> = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut body = r.into_body();
    let body = body
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .expect("body");
    Answer {
        status,
        content_type,
        body,
        headers,
    }
}

/// `GET path` (with its query string).
pub fn get(path: &str) -> Answer {
    let url = format!("{}{path}", server().base);
    answer(agent().get(&url).call().expect("GET"))
}

/// `POST path` with a body and a content type.
pub fn post(path: &str, content_type: &str, body: &[u8]) -> Answer {
    let url = format!("{}{path}", server().base);
    answer(
        agent()
            .post(&url)
            .header("content-type", content_type)
            .send(body)
            .expect("POST"),
    )
}

/// Any method.
pub fn request(method: &str, path: &str, body: Option<&[u8]>) -> Answer {
    let url = format!("{}{path}", server().base);
    let req = ureq::http::Request::builder()
        .method(method)
        .uri(&url)
        .header("content-type", "application/json")
        .body(body.unwrap_or(b"").to_vec())
        .expect("request");
    answer(agent().run(req).expect("request"))
}
