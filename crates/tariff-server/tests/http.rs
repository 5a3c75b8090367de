//! The HTTP API over a real loopback socket with a real client: answers equal the engine's,
//! the OpenAPI document matches the routes, bad inputs are JSON errors naming the field,
//! bodies are bounded, and no input makes the server fail.

mod common;

use common::{get, post, request, server};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::collections::BTreeSet;
use tariff_engine::Entry;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn entry(hts: &str, origin: &str, on: &str, value: i64) -> Entry {
    Entry::new(
        tariff_engine::parse_hts(hts).unwrap(),
        origin,
        d(on),
        Decimal::from(value),
    )
}

fn engine_json(e: &Entry) -> serde_json::Value {
    serde_json::to_value(server().engine.quote(e).unwrap()).unwrap()
}

/// The error body: status, field, message.
fn error_of(a: &common::Answer) -> (u16, Option<String>, String) {
    assert!(
        a.content_type.starts_with("application/json"),
        "error not JSON: {} {}",
        a.content_type,
        a.body
    );
    let j = a.json();
    let e = &j["error"];
    assert_eq!(
        e["status"].as_u64(),
        Some(u64::from(a.status)),
        "{}",
        a.body
    );
    (
        a.status,
        e["field"].as_str().map(String::from),
        e["message"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn quote_get_and_post_equal_the_engine() {
    // The README's example: Korea deal floor with the KORUS claim (15% added), HMF by vessel.
    let a = get(
        "/api/quote?hts=6109.10.00.04&origin=KR&date=2025-12-01&value=10000&spi=KR&mode=vessel",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.content_type.starts_with("application/json"));
    let mut e = entry("6109.10.00.04", "KR", "2025-12-01", 10000);
    e.spi = Some("KR".into());
    e.mode = Some(tariff_engine::Mode::Vessel);
    assert_eq!(a.json(), engine_json(&e));
    assert_eq!(a.json()["total_duty"], "1500.00");

    let p = post(
        "/api/quote",
        "application/json",
        br#"{"hts":"6109.10.00.04","origin":"kr","date":"2025-12-01","value":10000,"spi":"KR","mode":"vessel"}"#,
    );
    assert_eq!(p.status, 200, "{}", p.body);
    assert_eq!(p.json(), a.json());

    // A legal case stated independently (crates/tariff-engine/tests/cases/base-duty.yaml):
    // cotton T-shirts from Vietnam before any IEEPA duty, 16.5% of 10,000.
    let v = get("/api/quote?hts=6109100004&origin=VN&entry_date=2025-01-15&value=%2410%2C000");
    assert_eq!(v.status, 200, "{}", v.body);
    assert_eq!(v.json()["total_duty"], "1650.00");

    // Chapter 98 (crates/tariff-engine/tests/cases/chapter-98.yaml): repairs abroad under
    // 9802.00.50, the reciprocal 20% and the base 16.5% on the 100 of repairs.
    let r = get(
        "/api/quote?hts=6109.10.00.04&origin=VN&date=2025-12-01&value=1000&chapter98=9802.00.50&processing_value=100",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["total_duty"], "36.50");
    assert_eq!(r.json()["chapter98"], "9802.00.50");
}

#[test]
fn compare_gives_one_quote_per_origin_in_order() {
    let a = get(
        "/api/quote/compare?hts=6109.10.00.04&date=2025-06-01&value=1000&origin=VN&origins=CN,mx,VN,KR",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let j = a.json();
    let quotes = j["quotes"].as_array().unwrap();
    let origins: Vec<&str> = quotes
        .iter()
        .map(|q| q["origin"].as_str().unwrap())
        .collect();
    assert_eq!(origins, ["VN", "CN", "MX", "KR"]);
    for q in quotes {
        let o = q["origin"].as_str().unwrap();
        assert_eq!(
            q,
            &engine_json(&entry("6109.10.00.04", o, "2025-06-01", 1000))
        );
    }
    let bad = get("/api/quote/compare?hts=6109.10.00.04&date=2025-06-01&value=1000&origins=CN,ZZ");
    let (status, field, msg) = error_of(&bad);
    assert_eq!((status, field.as_deref()), (400, Some("origins")));
    assert!(msg.contains("ZZ"), "{msg}");
}

#[test]
fn history_periods_cover_the_range_and_events_are_boundaries() {
    let a = get(
        "/api/quote/history?hts=6109.10.00.04&origin=CN&value=10000&from=2025-01-01&to=2025-12-31",
    );
    assert_eq!(a.status, 200, "{}", a.body);
    let j = a.json();
    let periods = j["periods"].as_array().unwrap();
    assert!(
        periods.len() >= 3,
        "China's 2025 duties changed several times"
    );
    let mut expect_from = d("2025-01-01");
    for p in periods {
        let from = d(p["from"].as_str().unwrap());
        let to = d(p["to"].as_str().unwrap());
        assert_eq!(from, expect_from, "periods are contiguous");
        for day in [from, to] {
            let mut e = entry("6109.10.00.04", "CN", "2025-01-01", 10000);
            e.entry_date = day;
            let q = engine_json(&e);
            assert_eq!(q["total_duty"], p["quote"]["total_duty"], "{day}");
            // A period is where heading, rate and amount of every line stay the same (the
            // citation names the revision, which may change within it).
            let key = |v: &serde_json::Value| -> Vec<(String, String, String)> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|l| {
                        let f = |k: &str| l[k].as_str().unwrap_or_default().to_string();
                        (f("heading"), f("rate"), f("amount"))
                    })
                    .collect()
            };
            assert_eq!(key(&q["lines"]), key(&p["quote"]["lines"]), "{day}");
        }
        expect_from = to.tomorrow().unwrap();
    }
    assert_eq!(expect_from, d("2026-01-01"));
    let starts: BTreeSet<&str> = periods
        .iter()
        .skip(1)
        .map(|p| p["from"].as_str().unwrap())
        .collect();
    let events = j["events"].as_array().unwrap();
    assert!(!events.is_empty());
    for ev in events {
        let date = ev["date"].as_str().unwrap();
        assert!(
            starts.contains(date),
            "event {ev} is not a change of the stack"
        );
        assert!(!ev["citation"].as_str().unwrap().is_empty());
        if ev["kind"] == "starts" {
            let m = server()
                .engine
                .measures()
                .get(ev["measure"].as_str().unwrap())
                .unwrap();
            assert_eq!(m.effective.from.to_string(), date);
        }
    }
    // The fentanyl duty on China (EO 14195) from 2025-02-04 is one of them.
    assert!(
        events
            .iter()
            .any(|e| e["date"] == "2025-02-04" && e["kind"] == "starts"),
        "{events:?}"
    );
}

#[test]
fn hts_search_measures_meta() {
    let a = get("/api/hts/8703.23.01?date=2025-05-20");
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["general"]["text"].as_str().unwrap().trim(), "2.5%");
    assert_eq!(a.json()["revision"], "2025_rev_15");

    let s = get("/api/hts/8703.23.01?date=2025-05-20&spi=KR&origin=JP");
    assert_eq!(s.status, 200, "{}", s.body);
    assert!(s.json()["rate"].is_null(), "{}", s.body);

    let h = get("/api/hts/8703.23.01/history");
    assert_eq!(h.status, 200);
    assert!(!h.json()["changes"].as_array().unwrap().is_empty());

    let w = get("/api/search?q=cotton%20t-shirts&date=2025-06-01&limit=5");
    assert_eq!(w.status, 200, "{}", w.body);
    let hits = w.json()["hits"].as_array().unwrap().clone();
    assert!(!hits.is_empty() && hits.len() <= 5);
    assert!(
        hits.iter()
            .any(|h| h["code"].as_str().unwrap().starts_with("6109"))
    );

    let c = get("/api/search?q=6109.10&limit=4");
    assert_eq!(c.status, 200);
    let j = c.json();
    assert_eq!(j["mode"], "code");
    let codes: Vec<&str> = j["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 4);
    assert!(codes.iter().all(|c| c.starts_with("6109.10")), "{codes:?}");

    let m = get("/api/measures?date=2025-06-01");
    assert_eq!(m.status, 200);
    let j = m.json();
    let ms = j["measures"].as_array().unwrap();
    let engine_count = server()
        .engine
        .measures()
        .all()
        .iter()
        .filter(|x| x.effective.contains(d("2025-06-01")))
        .count();
    assert_eq!(ms.len(), engine_count);

    let meta = get("/api/meta").json();
    let sch = server().engine.schedule();
    assert_eq!(meta["first_date"], sch.first_date().to_string());
    assert_eq!(meta["covered_through"], sch.covered_through().to_string());
    assert_eq!(
        meta["law_known_through"],
        sch.law_known_through().to_string()
    );
    assert_eq!(meta["last_revision"], sch.last_revision().name);
    assert!(meta["countries"].as_array().unwrap().len() > 150);
}

#[test]
fn dates_after_the_horizon_are_quoted_or_refused_with_strict_dates() {
    let base = "/api/quote?hts=6109.10.00.04&origin=VN&date=2026-08-03&value=10000";
    let q = get(base);
    assert_eq!(q.status, 200);
    let q = q.json();
    assert_eq!(q["total_duty"], "2900.00");
    assert!(
        q["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("after the schedule's horizon")),
        "{q}"
    );
    let strict = get(&format!("{base}&strict_dates=true"));
    assert_eq!(strict.status, 400);
    let e = strict.json();
    assert_eq!(e["error"]["field"], "date", "{e}");
    // The batch: rows without a date take `date`; strict dates reject the later rows.
    let csv = b"hts,origin,value\n6109.10.00.04,VN,10000\n";
    let a = post("/api/batch?date=2026-08-03", "text/csv", csv);
    assert_eq!(a.status, 200);
    assert!(a.body.contains("2900.00"), "{}", a.body);
    let a = post(
        "/api/batch?date=2026-08-03&strict_dates=true&output=rejects",
        "text/csv",
        csv,
    );
    assert_eq!(a.status, 200);
    assert!(a.body.contains("schedule's horizon"), "{}", a.body);
}

#[test]
fn bad_inputs_are_json_errors_naming_the_field() {
    let base = "hts=6109.10.00.04&origin=CN&date=2025-06-01&value=1000";
    let cases: Vec<(String, u16, Option<&str>)> =
        vec![
        (
            "/api/quote?hts=6109.10.00.04&origin=CN&date=2025-06-01&value=abc".into(),
            400,
            Some("value"),
        ),
        (
            "/api/quote?origin=CN&date=2025-06-01&value=1".into(),
            400,
            Some("hts"),
        ),
        // An absent field is named by its canonical name; a given one as it was spelled.
        (
            "/api/quote?hts=6109.10.00.04&origin=CN&value=1".into(),
            400,
            Some("entry_date"),
        ),
        (
            "/api/quote?hts=6109.10.00.04&origin=CN&entry_date=2025-13-01&value=1".into(),
            400,
            Some("entry_date"),
        ),
        (format!("/api/quote?{base}&quantity=lots"), 400, Some("quantity")),
        (format!("/api/quote?{base}&QTY=lots"), 400, Some("QTY")),
        (format!("/api/quote?{base}&declared=1234"), 400, Some("declared")),
        (
            "/api/quote?hts=6109.10.00.04&origin=CN&date=2025-13-01&value=1".into(),
            400,
            Some("date"),
        ),
        (
            "/api/quote?hts=6109.10.00.04&origin=CN&date=2024-06-01&value=1".into(),
            400,
            Some("date"),
        ),
        (
            "/api/quote?hts=6109.10.00.04&origin=ZZ&date=2025-06-01&value=1".into(),
            400,
            Some("origin"),
        ),
        (
            "/api/quote?hts=6109.10.00.04&origin=China&date=2025-06-01&value=1".into(),
            400,
            Some("origin"),
        ),
        (
            "/api/quote?hts=9999.99.99&origin=CN&date=2025-06-01&value=1".into(),
            400,
            Some("hts"),
        ),
        (
            "/api/quote?hts=61&origin=CN&date=2025-06-01&value=1".into(),
            400,
            Some("hts"),
        ),
        (
            "/api/quote?hts=6109.10.00.04&origin=CN&date=2025-06-01&value=1e20".into(),
            400,
            Some("value"),
        ),
        (
            "/api/quote?hts=6109.10.00.04&origin=CN&date=2025-06-01&value=-3".into(),
            400,
            Some("value"),
        ),
        (format!("/api/quote?{base}&qty=lots"), 400, Some("qty")),
        (
            format!("/api/quote?{base}&mode=teleport"),
            400,
            Some("mode"),
        ),
        (
            format!("/api/quote?{base}&transshipped=maybe"),
            400,
            Some("transshipped"),
        ),
        (
            format!("/api/quote?{base}&metal_weight_percent=150"),
            400,
            Some("metal_weight_percent"),
        ),
        (
            format!("/api/quote?{base}&loaded_on=yesterday"),
            400,
            Some("loaded_on"),
        ),
        (
            format!("/api/quote?{base}&export_country=XYZ"),
            400,
            Some("export_country"),
        ),
        (
            format!("/api/quote?{base}&declare=1234"),
            400,
            Some("declare"),
        ),
        (
            format!("/api/quote?{base}&chapter98=9802.00.50"),
            400,
            Some("processing_value"),
        ),
        (format!("/api/quote?{base}&chapter98=98x"), 400, Some("chapter98")),
        (format!("/api/quote?{base}&colour=red"), 400, Some("colour")),
        (format!("/api/quote?{base}&value=2"), 400, Some("value")),
        (
            "/api/quote/history?hts=6109.10.00.04&origin=CN&value=1&from=2025-06-01&to=2025-01-01"
                .into(),
            400,
            Some("to"),
        ),
        (
            "/api/quote/history?hts=6109.10.00.04&origin=CN&value=1&date=2025-06-01".into(),
            400,
            Some("date"),
        ),
        (
            "/api/quote/history?hts=6109.10.00.04&origin=CN&value=1&to=2030-01-01".into(),
            400,
            Some("to"),
        ),
        ("/api/hts/12".into(), 400, Some("code")),
        ("/api/hts/abcd".into(), 400, Some("code")),
        ("/api/hts/9999.99.99".into(), 404, Some("code")),
        (
            "/api/hts/8703.23.01?date=1999-01-01".into(),
            400,
            Some("date"),
        ),
        ("/api/hts/8703.23.01?spi=KR".into(), 400, Some("origin")),
        ("/api/hts/0101.01.01/history".into(), 404, Some("code")),
        ("/api/search".into(), 400, Some("q")),
        ("/api/search?q=horse&limit=0".into(), 400, Some("limit")),
        (
            "/api/search?q=horse&limit=100000".into(),
            400,
            Some("limit"),
        ),
        ("/api/measures?date=soon".into(), 400, Some("date")),
        (
            "/api/quote?hts=%ZZ&origin=CN&date=2025-06-01&value=1".into(),
            400,
            Some("hts"),
        ),
        ("/api/nothing".into(), 404, None),
        ("/assets/secret.txt".into(), 404, Some("file")),
    ];
    for (path, status, field) in &cases {
        let a = get(path);
        let (s, f, msg) = error_of(&a);
        assert_eq!((s, f.as_deref()), (*status, *field), "{path}: {msg}");
        assert!(!msg.is_empty(), "{path}");
    }
    let json_cases: Vec<(&str, &[u8], Option<&str>)> = vec![
        ("/api/quote", b"not json", Some("body")),
        ("/api/quote", b"[1,2]", Some("body")),
        ("/api/quote", br#"{"hts":{"a":1}}"#, Some("hts")),
        (
            "/api/quote",
            br#"{"hts":"6109.10.00.04","origin":"CN","date":"2025-06-01","value":"x"}"#,
            Some("value"),
        ),
        (
            "/api/quote",
            br#"{"hts":"6109.10.00.04","origin":"CN","date":"2025-06-01","value":1,"valeu":2}"#,
            Some("valeu"),
        ),
        (
            "/api/quote/compare",
            br#"{"hts":"6109.10.00.04","date":"2025-06-01","value":1}"#,
            Some("origins"),
        ),
    ];
    for (path, body, field) in json_cases {
        let a = post(path, "application/json", body);
        let (s, f, msg) = error_of(&a);
        assert_eq!((s, f.as_deref()), (400, field), "{path} {msg}");
    }
    let m = request("DELETE", "/api/quote", None);
    assert_eq!(error_of(&m).0, 405);
    let m = request("GET", "/api/batch", None);
    assert_eq!(error_of(&m).0, 405);
}

#[test]
fn bodies_are_bounded() {
    let cfg = common::test_config();
    let big = format!(r#"{{"hts":"{}"}}"#, "1".repeat(cfg.body_limit + 10));
    let a = post("/api/quote", "application/json", big.as_bytes());
    assert_eq!(error_of(&a).0, 413, "{}", a.body);
    assert_eq!(error_of(&a).1.as_deref(), Some("body"));
    let mut csv = String::from("hts,origin,entry_date,value\n");
    while csv.len() <= cfg.batch_body_limit {
        csv.push_str("6109.10.00.04,CN,2025-06-01,1000\n");
    }
    let b = post("/api/batch", "text/csv", csv.as_bytes());
    assert_eq!(error_of(&b).0, 413);
    // Long fields within the body limit are refused by name.
    let long = format!("/api/quote?hts={}", "9".repeat(3000));
    let (s, f, _) = error_of(&get(&long));
    assert_eq!((s, f.as_deref()), (400, Some("hts")));
}

#[test]
fn batch_streams_csv_and_accounts_for_every_row() {
    let csv = "hts,origin,entry_date,value,ref\n\
               6109.10.00.04,VN,2025-01-15,10000,a\n\
               6109.10.00.04,ZZ,2025-01-15,10000,b\n\
               8703.23.01,KR,2025-05-20,30000,c\n";
    let a = post("/api/batch", "text/csv", csv.as_bytes());
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.content_type.starts_with("text/csv"));
    assert_eq!(a.header("x-tariff-output"), Some("rows"));
    let mut r = csv_rows(&a.body);
    let header = r.remove(0);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    assert_eq!(r.len(), 2, "{}", a.body);
    assert_eq!(r[0][col("ref")], "a");
    assert_eq!(r[0][col("row")], "1");
    assert_eq!(r[0][col("total_duty")], "1650.00");
    assert_eq!(r[1][col("row")], "3");
    let q = server()
        .engine
        .quote(&entry("8703.23.01", "KR", "2025-05-20", 30000))
        .unwrap();
    assert_eq!(r[1][col("total_duty")], q.total_duty.to_string());

    let rj = post("/api/batch?output=rejects", "text/csv", csv.as_bytes());
    assert_eq!(rj.status, 200);
    assert_eq!(rj.header("x-tariff-output"), Some("rejects"));
    let rows = csv_rows(&rj.body);
    assert_eq!(rows.len(), 2, "{}", rj.body);
    assert_eq!(rows[1][0], "2");
    assert_eq!(rows[1][1], "origin");

    let detail = post("/api/batch?detail=true", "text/csv", csv.as_bytes());
    assert_eq!(detail.status, 200);
    let rows = csv_rows(&detail.body);
    assert_eq!(rows.len() - 1, q.lines.len() + 1, "one row per duty line");

    let bad = post("/api/batch", "text/csv", b"hts,origin\n1,2\n");
    let (s, f, _) = error_of(&bad);
    assert_eq!((s, f.as_deref()), (400, Some("header")));
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    // The test's own small reader: quoted fields with doubled quotes, no embedded newlines
    // in these inputs.
    text.lines()
        .map(|line| {
            let mut out = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, quoted) {
                    ('"', true) if chars.peek() == Some(&'"') => {
                        cur.push('"');
                        chars.next();
                    }
                    ('"', _) => quoted = !quoted,
                    (',', false) => out.push(std::mem::take(&mut cur)),
                    _ => cur.push(c),
                }
            }
            out.push(cur);
            out
        })
        .collect()
}

/// The document's paths, with axum's `{param}` syntax (the same as OpenAPI's).
fn documented() -> (serde_json::Value, BTreeSet<(String, String)>) {
    let a = get("/openapi.json");
    assert_eq!(a.status, 200);
    let doc = a.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            ops.insert((path.clone(), method.to_ascii_uppercase()));
        }
    }
    (doc, ops)
}

#[test]
fn openapi_matches_the_router() {
    let (doc, ops) = documented();
    let routes: BTreeSet<(String, String)> = tariff_server::ROUTES
        .iter()
        .flat_map(|(p, ms)| ms.iter().map(move |m| (p.to_string(), m.to_string())))
        .collect();
    assert_eq!(ops, routes, "the document and ROUTES differ");
    // Every documented operation is served by the running router (not 404/405), and every
    // answer's status is one the document lists for it.
    for (path, method) in &ops {
        let concrete = path
            .replace("{code}", "8703.23.01")
            .replace("{file}", "app.js");
        let body: &[u8] = if path == "/api/batch" {
            b"hts,origin,entry_date,value\n6109.10.00.04,VN,2025-01-15,10\n"
        } else {
            b"{}"
        };
        let a = request(method, &concrete, Some(body));
        assert!(
            a.status != 404 && a.status != 405,
            "{method} {path}: {} {}",
            a.status,
            a.body
        );
        let documented_status = &doc["paths"][path.as_str()][method.to_ascii_lowercase()]["responses"]
            [a.status.to_string()];
        assert!(
            !documented_status.is_null(),
            "{method} {path} answered {} which the document does not list",
            a.status
        );
    }
    // The routes the document does not have are not served.
    for (path, method) in [
        ("/api/quotes", "GET"),
        ("/api/hts", "GET"),
        ("/api/meta", "POST"),
    ] {
        let a = request(method, path, None);
        assert!(a.status == 404 || a.status == 405, "{method} {path}");
    }
    // A real quote has every property the document says it requires, at every level.
    let q =
        get("/api/quote?hts=6109.10.00.04&origin=CN&date=2025-06-01&value=1000&mode=vessel").json();
    let schemas = &doc["components"]["schemas"];
    check_required(&q, &schemas["Quote"], schemas, "Quote");
    let h = get("/api/quote/history?hts=6109.10.00.04&origin=CN&value=1000&to=2025-03-01").json();
    check_required(&h, &schemas["History"], schemas, "History");
    let m = get("/api/meta").json();
    check_required(&m, &schemas["Meta"], schemas, "Meta");
}

fn check_required(
    v: &serde_json::Value,
    schema: &serde_json::Value,
    schemas: &serde_json::Value,
    at: &str,
) {
    let schema = match schema["$ref"].as_str() {
        Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
        None => schema,
    };
    if let Some(req) = schema["required"].as_array() {
        for k in req {
            let k = k.as_str().unwrap();
            assert!(v.get(k).is_some(), "{at}: required property {k} missing");
        }
    }
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), v.as_object()) {
        for (k, s) in props {
            if let Some(child) = obj.get(k) {
                check_required(child, s, schemas, &format!("{at}.{k}"));
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, child) in arr.iter().enumerate() {
            check_required(child, items, schemas, &format!("{at}[{i}]"));
        }
    }
}

#[test]
fn no_input_makes_it_fail() {
    let nasty = [
        "",
        " ",
        "0",
        "-0",
        "1e308",
        "1e-308",
        "99999999999999999999999999999",
        "NaN",
        "inf",
        "%00",
        "%FF%FE",
        "'; DROP TABLE",
        "\u{202e}",
        "😀",
        "9903.01.24",
        "0000000000",
        "2025-02-30",
        "9999-12-31",
        "-1",
        "1.0000000000000000000000000001",
        ",",
        ",,,",
        "true",
        "null",
    ];
    let fields = [
        "hts",
        "origin",
        "date",
        "value",
        "qty",
        "spi",
        "us_content",
        "steel_content",
        "loaded_on",
        "export_country",
        "mode",
        "declare",
        "metal_weight_percent",
    ];
    let mut answered = 0;
    for f in fields {
        for n in nasty {
            let mut params = vec![
                ("hts", "8703.23.01"),
                ("origin", "CN"),
                ("date", "2025-06-01"),
                ("value", "1000"),
            ];
            params.retain(|(k, _)| *k != f);
            params.push((f, n));
            let qs: Vec<String> = params
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect();
            for path in ["/api/quote", "/api/quote/compare"] {
                let extra = if path.ends_with("compare") {
                    "&origins=MX,JP"
                } else {
                    ""
                };
                let a = get(&format!("{path}?{}{extra}", qs.join("&")));
                assert!(a.status < 500, "{path} {f}={n:?}: {} {}", a.status, a.body);
                if a.status != 200 {
                    let (_, field, _) = error_of(&a);
                    assert!(field.is_some(), "{f}={n:?}: {}", a.body);
                }
                answered += 1;
            }
        }
    }
    assert_eq!(answered, fields.len() * nasty.len() * 2);
    for n in nasty {
        let a = get(&format!("/api/hts/{}", encode(n)));
        assert!(a.status < 500 || a.status == 404, "{n:?}: {}", a.body);
        let a = get(&format!("/api/search?q={}", encode(n)));
        assert!(a.status < 500, "{n:?}: {}", a.body);
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn json_numbers_are_read_exactly_and_huge_values_are_refused_by_field() {
    // 100000000000000.01 has no exact binary float: read as decimal text, it stays whole.
    let body = br#"{"hts":"6109.10.00.04","origin":"VN","date":"2025-06-01","value":100000000000000.01,"qty":0.1}"#;
    let a = post("/api/quote", "application/json", body);
    assert_eq!(a.status, 200, "{}", a.body);
    let q = a.json();
    assert_eq!(q["value"], "100000000000000.01");
    // 10% reciprocal + 16.5% base = 26.5%, to the cent: 26500000000000.0026... -> .00
    assert_eq!(q["total_duty"], "26500000000000.00");
    // Strings too, and lists of numbers.
    let body = br#"{"hts":"6109.10.00.04","origin":"VN","date":"2025-06-01","value":"100000000000000.01"}"#;
    assert_eq!(
        post("/api/quote", "application/json", body).json()["value"],
        "100000000000000.01"
    );
    // Above the engine's bound (10^15), and far above what decimal arithmetic holds: a 400
    // naming the field, never a 500.
    for v in [
        "79228162514264337593543950335",
        "1000000000000000.01",
        "1e40",
    ] {
        let body =
            format!(r#"{{"hts":"6109.10.00.04","origin":"VN","date":"2025-06-01","value":{v}}}"#);
        let a = post("/api/quote", "application/json", body.as_bytes());
        assert_eq!(error_of(&a).0, 400, "{v}: {}", a.body);
        assert_eq!(error_of(&a).1.as_deref(), Some("value"), "{v}");
    }
    // The batch rejects such a row and keeps the others.
    let csv = b"hts,origin,entry_date,value\n6109.10.00.04,VN,2025-06-01,100\n6109.10.00.04,VN,2025-06-01,79228162514264337593543950335\n6109.10.00.04,VN,2025-06-01,200\n";
    let rows = post("/api/batch", "text/csv", csv);
    assert_eq!(rows.status, 200);
    assert_eq!(rows.body.lines().count(), 3, "{}", rows.body);
    let rej = post("/api/batch?output=rejects", "text/csv", csv);
    assert!(rej.body.contains("2,value,"), "{}", rej.body);
}

#[test]
fn a_path_that_is_not_utf8_is_a_json_error() {
    // Issue 17, point 7: `/api/hts/%C3%28` answered in plain text.
    for path in ["/api/hts/%C3%28", "/api/hts/%C3%28/history", "/api/hts/%FF"] {
        let a = get(path);
        let (status, field, _) = error_of(&a);
        assert_eq!(status, 400, "{path}: {}", a.body);
        assert_eq!(field.as_deref(), Some("code"), "{path}: {}", a.body);
    }
}

#[test]
fn a_batch_answers_rows_rejections_and_counts_in_one_response() {
    // Issue 17, point 7: the rows response drops rejected rows silently; `output=all` gives
    // both, with the counts.
    let csv = b"hts,origin,entry_date,value\n6109.10.00.04,VN,2025-06-01,100\n6109.10.00.04,ZZ,2025-06-01,100\n6109.10.00.04,VN,2025-06-01,200\n";
    let a = post("/api/batch?output=all", "text/csv", csv);
    assert_eq!(a.status, 200, "{}", a.body);
    let j = a.json();
    assert_eq!(
        (
            j["read"].as_u64(),
            j["quoted"].as_u64(),
            j["rejected"].as_u64()
        ),
        (Some(3), Some(2), Some(1))
    );
    let rows = j["rows"].as_str().unwrap();
    assert_eq!(rows.lines().count(), 3, "{rows}");
    let rejects = j["rejects"].as_str().unwrap();
    assert!(rejects.starts_with("row,column,reason,raw"), "{rejects}");
    assert!(rejects.contains("\n2,origin,"), "{rejects}");
    assert_eq!(j["total_duty"], "79.50");
}
