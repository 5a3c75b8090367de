//! End to end in a real browser: Debian's headless Chromium, driven over the DevTools
//! protocol (`headless_chrome`), loads the calculator from a real server, types an HTS code
//! and picks it from the autocomplete, picks an origin and a date, asks for the quote, and
//! checks the rendered stack and total against the engine, then the two charts. It saves
//! screenshots (desktop and phone width) under `target/tariff-server-e2e/` and prints their
//! paths. Without `/usr/bin/chromium` (installed by `.ci/run`) it skips, saying so.

mod common;

use common::server;
use headless_chrome::protocol::cdp::{Emulation, Page};
use headless_chrome::{Browser, LaunchOptions, Tab};
use rust_decimal::Decimal;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";

fn out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("tariff-server-e2e");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, false)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// Waits until a JS expression is true.
fn wait_true(tab: &Tab, js: &str, what: &str) {
    for _ in 0..200 {
        if eval(tab, js) == serde_json::Value::Bool(true) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let err = eval(tab, "document.getElementById('error').textContent");
    panic!("timed out waiting for {what} (page error: {err})");
}

fn screenshot(tab: &Tab, name: &str) -> PathBuf {
    let png = tab
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    let path = out_dir().join(name);
    std::fs::write(&path, png).expect("write screenshot");
    let path = path.canonicalize().unwrap_or(path);
    println!("screenshot: {}", path.display());
    path
}

#[test]
fn quote_in_headless_chromium() {
    if !std::path::Path::new(CHROMIUM).exists() {
        tariff_testkit::skip(
            module_path!(),
            &format!("{CHROMIUM} is not installed (.ci/run installs Debian's chromium)"),
        );
        return;
    }
    let srv = server();
    let args: Vec<&OsStr> = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let browser = Browser::new(LaunchOptions {
        path: Some(PathBuf::from(CHROMIUM)),
        headless: true,
        sandbox: false,
        window_size: Some((1200, 3000)),
        args,
        idle_browser_timeout: Duration::from_secs(120),
        ..LaunchOptions::default()
    })
    .expect("launch chromium");
    let tab = browser.new_tab().expect("tab");
    tab.set_default_timeout(Duration::from_secs(20));
    tab.navigate_to(&format!("{}/", srv.base))
        .and_then(|t| t.wait_until_navigated())
        .expect("load the page");
    wait_true(
        &tab,
        "document.body.dataset.state === 'ready'",
        "the page to load",
    );

    // Type the HTS code, and pick it from the autocomplete with the keyboard.
    tab.wait_for_element("#hts")
        .and_then(|e| e.click().map(|_| ()))
        .expect("focus hts");
    tab.type_str("6109.10.00.04").expect("type");
    wait_true(
        &tab,
        "[...document.querySelectorAll('#hts-list li')].some(li => li.dataset.code === '6109.10.00.04')",
        "the autocomplete",
    );
    let first = eval(&tab, "document.querySelector('#hts-list li').dataset.code");
    assert_eq!(first, "6109.10.00.04", "the exact line comes first");
    tab.press_key("ArrowDown")
        .and_then(|t| t.press_key("Enter"))
        .expect("pick");
    let desc = eval(&tab, "document.getElementById('hts-desc').textContent");
    assert!(
        desc.as_str().unwrap_or("").contains("T-shirts"),
        "picked line described: {desc}"
    );

    // Pick the origin and the date as a user's choice would (change events).
    for (id, v) in [("origin", "CN"), ("date", "2025-06-01")] {
        tab.find_element(&format!("#{id}"))
            .and_then(|e| {
                e.call_js_fn(
                    "function(v) { this.focus(); this.value = v; \
                     this.dispatchEvent(new Event('input', {bubbles: true})); \
                     this.dispatchEvent(new Event('change', {bubbles: true})); }",
                    vec![serde_json::json!(v)],
                    false,
                )
            })
            .unwrap_or_else(|e| panic!("set {id}: {e}"));
    }
    assert_eq!(eval(&tab, "document.getElementById('origin').value"), "CN");
    // The value stays the form's default, 10000.
    assert_eq!(
        eval(&tab, "document.getElementById('value').value"),
        "10000"
    );
    tab.find_element("#go")
        .and_then(|e| e.click().map(|_| ()))
        .expect("quote");
    wait_true(
        &tab,
        "document.body.dataset.state === 'quoted'",
        "the quote",
    );

    // The rendered stack and total are the engine's.
    let e = tariff_engine::Entry::new(
        tariff_engine::parse_hts("6109.10.00.04").unwrap(),
        "CN",
        "2025-06-01".parse().unwrap(),
        Decimal::from(10000),
    );
    let q = srv.engine.quote(&e).expect("engine quote");
    let total = eval(&tab, "document.getElementById('total').dataset.amount");
    assert_eq!(total, q.total_duty.to_string());
    let shown = eval(&tab, "document.getElementById('total').textContent");
    let int = q.total_duty.trunc().to_string();
    let grouped: String = {
        let digits: Vec<char> = int.chars().collect();
        let mut s = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                s.push(',');
            }
            s.push(*c);
        }
        s
    };
    assert!(
        shown.as_str().unwrap().starts_with(&format!("${grouped}.")),
        "{shown} vs {}",
        q.total_duty
    );
    let rows = eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#stack tbody tr.main')].map(r => [r.dataset.heading, r.dataset.amount]))",
    );
    let rows: Vec<(String, String)> = serde_json::from_str(rows.as_str().unwrap()).unwrap();
    let expect: Vec<(String, String)> = q
        .lines
        .iter()
        .map(|l| (l.heading.clone(), l.amount.to_string()))
        .collect();
    assert_eq!(rows, expect, "the stack rows");
    assert!(
        q.lines.len() >= 3,
        "China in June 2025: fentanyl, reciprocal, 301 or base"
    );
    let cites = eval(
        &tab,
        "[...document.querySelectorAll('#stack tbody tr.cite')].every(r => r.textContent.length > 20)",
    );
    assert_eq!(cites, true, "every line has its citation");
    let url = eval(&tab, "location.search");
    assert!(
        url.as_str().unwrap().contains("hts=6109.10.00.04")
            && url.as_str().unwrap().contains("origin=CN"),
        "the state is in the URL: {url}"
    );

    // The two charts.
    wait_true(
        &tab,
        "document.getElementById('compare-chart').dataset.ready === 'true' && \
         document.getElementById('history-chart').dataset.ready === 'true'",
        "the charts",
    );
    let bars = eval(
        &tab,
        "document.querySelectorAll('#compare-chart g.bar').length",
    );
    let origins = eval(
        &tab,
        "document.getElementById('origins').value.split(',').length",
    );
    assert_eq!(bars, origins, "one bar per origin");
    let cn_bar = eval(
        &tab,
        "document.querySelector('#compare-chart g.bar[data-origin=CN]').dataset.total",
    );
    assert_eq!(cn_bar, q.total_duty.to_string());
    let marks = eval(
        &tab,
        "document.querySelectorAll('#history-chart .event-mark').length",
    );
    let items = eval(&tab, "document.querySelectorAll('#events li').length");
    assert_eq!(marks, items);
    assert!(
        marks.as_u64().unwrap_or(0) >= 3,
        "legal events marked: {marks}"
    );
    let fentanyl = eval(
        &tab,
        "[...document.querySelectorAll('#events li')].some(li => li.dataset.date === '2025-02-04')",
    );
    assert_eq!(
        fentanyl, true,
        "the 2025-02-04 fentanyl duty on China is marked"
    );
    screenshot(&tab, "quote-desktop.png");

    // The same link, at phone width: it reproduces the quote.
    let link = eval(&tab, "location.href");
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width: 390,
        height: 1800,
        device_scale_factor: 1.0,
        mobile: true,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("phone metrics");
    tab.navigate_to(link.as_str().unwrap())
        .and_then(|t| t.wait_until_navigated())
        .expect("reload the link");
    wait_true(
        &tab,
        "document.body.dataset.state === 'quoted'",
        "the linked quote",
    );
    let total = eval(&tab, "document.getElementById('total').dataset.amount");
    assert_eq!(
        total,
        q.total_duty.to_string(),
        "the link reproduces the quote"
    );
    screenshot(&tab, "quote-phone.png");
    let widths = eval(
        &tab,
        "JSON.stringify([window.innerWidth, [...document.querySelectorAll('#stack tbody tr.main td')]\
         .slice(0, 5).map(td => Math.round(td.getBoundingClientRect().right))])",
    );
    println!("phone layout (viewport, cell right edges): {widths}");
    let overflow = eval(
        &tab,
        "document.documentElement.scrollWidth <= window.innerWidth + 1",
    );
    assert_eq!(overflow, true, "no horizontal scrolling at phone width");
    let amounts_visible = eval(
        &tab,
        "[...document.querySelectorAll('#stack tbody tr.main td:last-child')]\
         .every(td => td.getBoundingClientRect().right <= window.innerWidth)",
    );
    assert_eq!(
        amounts_visible, true,
        "the amounts are on screen at phone width"
    );
}
