//! The effective-rate series as an SVG line chart, with the legal events marked.
//!
//! Events are found in the data, not typed: a date where the series moves by at least a
//! threshold is labeled with the instruments of the measures that start or end on it
//! ([`events`]). The chart is plain SVG 1.1 (no scripts, no external resources); coordinates
//! are the only floating-point numbers in the crate.

use crate::etr::Point;
use jiff::civil::Date;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeSet;
use std::fmt::Write;
use tariff_engine::Engine;

/// A dated, labeled event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Date.
    pub date: Date,
    /// Change of the rate on that date, percentage points.
    pub jump: Decimal,
    /// What happened: the instruments of the measures starting or ending that day.
    pub label: String,
}

/// The dates where the rate moves by at least `min_jump` points (the `max` largest moves), each
/// labeled with the instruments of the measures that start or end that day.
pub fn events(engine: &Engine, points: &[Point], min_jump: Decimal, max: usize) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    for w in points.windows(2) {
        let jump = w[1].rate - w[0].rate;
        if jump.abs() < min_jump {
            continue;
        }
        let date = w[1].date;
        let (mut starts, mut ends): (BTreeSet<&str>, BTreeSet<&str>) = Default::default();
        for m in engine.measures().all() {
            // Between the two points (a weekly series can skip the exact day).
            let within = |d: Date| w[0].date < d && d <= date;
            if within(m.effective.from) {
                starts.insert(m.instrument.as_str());
            }
            if m.effective.until.is_some_and(within) {
                ends.insert(m.instrument.as_str());
            }
        }
        let mut parts = Vec::new();
        if !starts.is_empty() {
            parts.push(few(starts));
        }
        if !ends.is_empty() {
            parts.push(format!("end of {}", few(ends)));
        }
        if parts.is_empty() {
            parts.push("schedule revision".into());
        }
        out.push(Event {
            date,
            jump,
            label: parts.join("; "),
        });
    }
    out.sort_by(|a, b| b.jump.abs().cmp(&a.jump.abs()).then(a.date.cmp(&b.date)));
    out.truncate(max);
    out.sort_by_key(|e| e.date);
    out
}

/// The first three names, and how many more.
fn few(names: BTreeSet<&str>) -> String {
    let n = names.len();
    let mut out: Vec<&str> = names.into_iter().take(3).collect();
    let more;
    if n > 3 {
        more = format!("and {} more", n - 3);
        out.push(&more);
    }
    out.join(", ")
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The chart: `title`, the rate series, and numbered event markers with a legend below.
pub fn svg(title: &str, points: &[Point], events: &[Event]) -> String {
    let (w, h) = (1000.0_f64, 460.0_f64);
    let (left, right, top, bottom) = (60.0, 20.0, 40.0, 50.0);
    let legend_h = 18.0 * events.len() as f64 + 10.0;
    let total_h = h + legend_h;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{total_h}" viewBox="0 0 {w} {total_h}" font-family="sans-serif" font-size="12">
<title>{}</title>
<rect x="0" y="0" width="{w}" height="{total_h}" fill="white"/>
<text x="{left}" y="24" font-size="15">{}</text>"#,
        esc(title),
        esc(title)
    );
    if points.is_empty() {
        s.push_str("<text x=\"60\" y=\"80\">no data</text>\n</svg>\n");
        return s;
    }
    let first = points[0].date;
    let last = points[points.len() - 1].date;
    let span_days = ((last - first).get_days()).max(1) as f64;
    let max_rate = points.iter().map(|p| f(p.rate)).fold(0.0_f64, f64::max);
    let step = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
        .into_iter()
        .find(|s| max_rate / s <= 8.0)
        .unwrap_or(100.0);
    let y_max = ((max_rate / step).ceil().max(1.0)) * step;
    let x_of = |d: Date| left + (w - left - right) * ((d - first).get_days() as f64) / span_days;
    let y_of = |r: f64| top + (h - top - bottom) * (1.0 - r / y_max);
    // Axes and grid.
    let mut y = 0.0;
    while y <= y_max + 1e-9 {
        let yy = y_of(y);
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{y}%</text>"##,
            w - right,
            left - 6.0,
            yy + 4.0
        );
        y += step;
    }
    let mut d = jiff::civil::date(first.year(), first.month(), 1);
    while d <= last {
        if d >= first {
            let xx = x_of(d);
            let _ = writeln!(
                s,
                r##"<line x1="{xx:.1}" y1="{:.1}" x2="{xx:.1}" y2="{:.1}" stroke="#999"/>"##,
                h - bottom,
                h - bottom + 5.0
            );
            if d.month() == 1 || d.month() % 3 == 1 {
                let _ = writeln!(
                    s,
                    r#"<text x="{xx:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    h - bottom + 18.0,
                    d.strftime("%Y-%m")
                );
            }
        }
        d = match d.checked_add(jiff::Span::new().months(1)) {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    let _ = writeln!(
        s,
        r##"<line x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333"/>"##,
        h - bottom,
        w - right,
        h - bottom
    );
    // Events.
    for (i, e) in events.iter().enumerate() {
        let xx = x_of(e.date);
        let _ = writeln!(
            s,
            r##"<line x1="{xx:.1}" y1="{top}" x2="{xx:.1}" y2="{:.1}" stroke="#c33" stroke-dasharray="4 3"/><text x="{:.1}" y="{:.1}" fill="#c33" text-anchor="middle">{}</text>"##,
            h - bottom,
            xx,
            top - 4.0,
            i + 1
        );
    }
    // The series, as steps (the rate holds until the next point).
    let mut path = String::new();
    let mut prev_y: Option<f64> = None;
    for p in points {
        let (xx, yy) = (x_of(p.date), y_of(f(p.rate)));
        match prev_y {
            None => {
                let _ = write!(path, "M{xx:.1},{yy:.1}");
            }
            Some(py) => {
                let _ = write!(path, " L{xx:.1},{py:.1} L{xx:.1},{yy:.1}");
            }
        }
        prev_y = Some(yy);
    }
    let _ = writeln!(
        s,
        r##"<path d="{path}" fill="none" stroke="#1f5fa8" stroke-width="2"/>"##
    );
    // Legend.
    for (i, e) in events.iter().enumerate() {
        let _ = writeln!(
            s,
            r##"<text x="{left}" y="{:.1}"><tspan fill="#c33">{}</tspan> {} ({:+} pt): {}</text>"##,
            h + 4.0 + 18.0 * i as f64,
            i + 1,
            e.date,
            e.jump.round_dp(2),
            esc(&e.label)
        );
    }
    s.push_str("</svg>\n");
    s
}
