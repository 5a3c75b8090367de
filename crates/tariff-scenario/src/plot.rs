//! A bar chart of a simulation's rows as SVG: for each group that moves (at most
//! [`MAX_BARS`]), the change in imports and the change in duties, in $ billions. Only the drawing coordinates are floating point.

use crate::simulate::{Outcome, Row};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;

fn billions(x: Decimal) -> f64 {
    (x / Decimal::from(1_000_000_000)).to_f64().unwrap_or(0.0)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// At most this many groups are drawn (those with the largest change in imports, which is
/// the order of [`Outcome::rows`]), then the total.
pub const MAX_BARS: usize = 25;

/// The chart.
pub fn svg(o: &Outcome) -> String {
    let moves = |r: &&Row| {
        billions(r.imports_change).abs() >= 5e-4 || billions(r.duties_change()).abs() >= 5e-4
    };
    let rows: Vec<&Row> = o
        .rows
        .iter()
        .filter(moves)
        .take(MAX_BARS)
        .chain(std::iter::once(&o.total))
        .collect();
    let bar = 12.0;
    let gap = 10.0;
    let left = 220.0;
    let width = 560.0;
    let top = 66.0;
    let height = top + rows.len() as f64 * (2.0 * bar + gap) + 40.0;
    let max = rows
        .iter()
        .flat_map(|r| [billions(r.imports_change), billions(r.duties_change())])
        .fold(0.0f64, |m, v| m.max(v.abs()))
        .max(1e-9);
    let zero = left + width / 2.0;
    let scale = (width / 2.0) / max;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" font-family="sans-serif" font-size="11">"#,
        w = left + width + 40.0
    );
    let _ = writeln!(
        s,
        r#"<text x="10" y="18" font-size="12">{}</text><text x="10" y="34">against {}; {} .. {} (until); $ bn per year</text>"#,
        escape(&o.scenario),
        escape(&o.against),
        o.days.from,
        o.days.until
    );
    let _ = writeln!(
        s,
        r##"<rect x="{left}" y="42" width="10" height="10" fill="#4477aa"/><text x="{}" y="51">change in imports</text><rect x="{}" y="42" width="10" height="10" fill="#cc6677"/><text x="{}" y="51">change in duties</text>"##,
        left + 14.0,
        left + 140.0,
        left + 154.0
    );
    let _ = writeln!(
        s,
        r##"<line x1="{zero}" y1="{top}" x2="{zero}" y2="{}" stroke="#333"/>"##,
        height - 30.0
    );
    for (i, r) in rows.iter().enumerate() {
        let y = top + i as f64 * (2.0 * bar + gap);
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
            left - 6.0,
            y + bar + 4.0,
            escape(&r.key)
        );
        for (k, (v, colour)) in [
            (billions(r.imports_change), "#4477aa"),
            (billions(r.duties_change()), "#cc6677"),
        ]
        .into_iter()
        .enumerate()
        {
            let x = if v < 0.0 { zero + v * scale } else { zero };
            let yy = y + k as f64 * bar;
            let _ = writeln!(
                s,
                r#"<rect x="{x:.1}" y="{yy:.1}" width="{:.1}" height="{bar}" fill="{colour}"><title>{v:.3}</title></rect>"#,
                (v * scale).abs()
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" font-size="9">{v:.2}</text>"#,
                if v < 0.0 {
                    (x - 40.0).max(left + 2.0)
                } else {
                    x + (v * scale).abs() + 3.0
                },
                yy + bar - 2.0
            );
        }
    }
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="{}">scale: ±{max:.2} $ bn</text>"#,
        height - 12.0
    );
    s.push_str("</svg>\n");
    s
}
