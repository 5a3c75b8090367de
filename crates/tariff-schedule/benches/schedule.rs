//! Benchmarks of the schedule dataset: load time, one lookup, one search.
//!
//! `cargo bench -p tariff-schedule`. Budgets (issue 2): loading ≤ 50 ms, median search
//! query ≤ 20 ms. The dataset size is printed at the start.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::date;
use std::hint::black_box;
use tariff_hts::HtsCode;
use tariff_schedule::Schedule;

fn benches(c: &mut Criterion) {
    eprintln!("embedded dataset: {} bytes", tariff_data::SCHEDULE.len());
    c.bench_function("load_embedded_dataset", |b| {
        b.iter(|| black_box(Schedule::embedded().unwrap()))
    });

    let s = Schedule::embedded().unwrap();
    let code = HtsCode::parse("8703.23.01").unwrap();
    let d = date(2025, 5, 20);
    c.bench_function("line_at_8703_23_01", |b| {
        b.iter(|| black_box(s.line_at(&code, d).unwrap()))
    });

    c.bench_function("search_index_build", |b| {
        b.iter_batched(
            || Schedule::embedded().unwrap(),
            |s| {
                s.warm_search();
                s
            },
            criterion::BatchSize::LargeInput,
        )
    });

    s.warm_search();
    let queries = [
        "passenger motor vehicles spark ignition",
        "cotton t-shirts",
        "steel screws",
        "frozen shrimp",
        "lithium ion batteries",
    ];
    let mut group = c.benchmark_group("search_query");
    for q in queries {
        group.bench_function(q, |b| b.iter(|| black_box(s.search(q, d, 10).unwrap())));
    }
    group.finish();

    let hcode = HtsCode::parse("9903.01.25").unwrap();
    c.bench_function("history_9903_01_25", |b| {
        b.iter(|| black_box(s.history(&hcode).unwrap()))
    });
}

criterion_group!(schedule, benches);
criterion_main!(schedule);
