//! One entry line quoted in-process (issue 3 budget: median ≤ 5 µs).
//!
//! `cargo bench -p tariff-engine`.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::date;
use rust_decimal::Decimal;
use std::hint::black_box;
use tariff_engine::{Engine, Entry};
use tariff_hts::HtsCode;

fn benches(c: &mut Criterion) {
    let engine = Engine::embedded().unwrap();
    let cases = [
        (
            "korea_car_2025_05_20",
            "8703.23.01.90",
            "KR",
            date(2025, 5, 20),
            None,
        ),
        (
            "china_tshirt_2025_04_10",
            "6109.10.00.04",
            "CN",
            date(2025, 4, 10),
            None,
        ),
        (
            "korea_car_korus_2025_12_01",
            "8703.23.01.90",
            "KR",
            date(2025, 12, 1),
            Some("KR"),
        ),
    ];
    let mut group = c.benchmark_group("quote");
    for (name, hts, origin, d, spi) in cases {
        let mut e = Entry::new(
            HtsCode::parse(hts).unwrap(),
            origin,
            d,
            Decimal::new(30_000, 0),
        );
        e.spi = spi.map(tariff_engine::Spi::from);
        engine.quote(&e).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| black_box(engine.quote(black_box(&e)).unwrap()))
        });
    }
    group.finish();
}

criterion_group!(quote, benches);
criterion_main!(quote);
