//! [`Engine::quote_valid`]'s validity is exact: over every entry of the legal cases
//! (`tests/cases/*.yaml`, chosen to reach every kind of rule) and every day the dataset
//! covers, the quote on each day of a validity equals the quote it was found with, but for
//! the date and the revision's name; and consecutive validities tile the days.

/// The one reader of the legal cases.
#[path = "support/cases.rs"]
mod cases;

use cases::read_cases;
use tariff_engine::{Engine, Entry, Quote};

/// The quote as JSON without its date and with the revision's name blanked.
fn comparable(q: &Quote) -> String {
    let mut q = q.clone();
    let rev = std::mem::take(&mut q.revision);
    q.entry_date = jiff::civil::date(2000, 1, 1);
    serde_json::to_string(&q).unwrap().replace(&rev, "REV")
}

#[test]
fn validity_is_exact_on_every_covered_day() {
    let engine = Engine::embedded().expect("embedded data loads");
    let first = engine.schedule().first_date();
    // Past both horizons, through the later dates the measures carry (2026-11-10, 2026-12-04,
    // 2027-01-01): the validities stop at each horizon.
    let last = jiff::civil::date(2027, 1, 31);
    let (mut entries, mut quotes, mut periods, mut failures) = (0, 0, 0, Vec::new());
    for (name, entry) in case_entries() {
        entries += 1;
        let mut e = entry;
        let mut d = first;
        // The validity in force and the quote it was found with.
        let mut current: Option<(tariff_engine::Validity, String)> = None;
        while d <= last {
            e.entry_date = d;
            let result = engine.quote_valid(&e);
            quotes += 1;
            match (result, &current) {
                (Ok((q, v)), Some((cv, cq))) if cv.contains(d) => {
                    if comparable(&q) != *cq {
                        failures.push(format!(
                                "{}: {d} lies in the validity {}..{} found on an earlier day but quotes differently",
                                name, cv.from(), cv.until()
                            ));
                    }
                    if v != *cv {
                        failures.push(format!(
                            "{}: {d}: validity {}..{} differs from {}..{} of the same period",
                            name,
                            v.from(),
                            v.until(),
                            cv.from(),
                            cv.until()
                        ));
                    }
                }
                (Ok((q, v)), _) => {
                    if !v.contains(d) {
                        failures.push(format!("{}: {d} outside its own validity", name));
                    }
                    if let Some((cv, _)) = &current
                        && cv.until() != d
                    {
                        failures.push(format!(
                            "{}: validity ended {} but the next starts on {d}",
                            name,
                            cv.until()
                        ));
                    }
                    periods += 1;
                    current = Some((v, comparable(&q)));
                }
                (Err(_), _) => current = None,
            }
            d = d.tomorrow().unwrap();
        }
    }
    eprintln!("{entries} entries, {quotes} quotes, {periods} validity periods");
    assert!(entries > 200, "the legal cases were not found");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}

/// The legal cases' entries, by their test names.
fn case_entries() -> Vec<(String, Entry)> {
    read_cases()
        .into_iter()
        .map(|c| (c.id(), c.entry))
        .collect()
}

/// [`Engine::periods`] (walked by validity) equals a day-by-day walk that starts a period
/// wherever the duty lines or the fees change (issue 24: a new MPF minimum on 2025-10-01 was
/// merged into the period before it).
#[test]
fn periods_follow_the_charges_day_by_day() {
    let engine = Engine::embedded().expect("embedded data loads");
    let (from, to) = (
        jiff::civil::date(2025, 1, 1),
        jiff::civil::date(2027, 1, 31),
    );
    let mut checked = 0;
    for (name, e) in case_entries().into_iter().step_by(7) {
        let Ok(periods) = engine.periods(&e, from, to) else {
            continue;
        };
        let mut daily: Vec<(jiff::civil::Date, jiff::civil::Date, Quote)> = Vec::new();
        let mut entry = e.clone();
        let mut d = from;
        while d <= to {
            entry.entry_date = d;
            let q = engine.quote(&entry).unwrap();
            match daily.last_mut() {
                Some(p) if p.2.same_charges(&q) => p.1 = d,
                _ => daily.push((d, d, q)),
            }
            d = d.tomorrow().unwrap();
        }
        let got: Vec<_> = periods.iter().map(|p| (p.from, p.to)).collect();
        let want: Vec<_> = daily.iter().map(|p| (p.0, p.1)).collect();
        assert_eq!(got, want, "{name}");
        checked += 1;
    }
    assert!(checked > 30, "{checked} entries checked");
    // The example: the MPF minimum changes on 2025-10-01.
    let mut e = Entry::new(
        tariff_hts::HtsCode::parse("6109.10.00.04").unwrap(),
        "KR",
        jiff::civil::date(2025, 9, 20),
        "100".parse().unwrap(),
    );
    e.spi = None;
    let p = engine
        .periods(
            &e,
            jiff::civil::date(2025, 9, 20),
            jiff::civil::date(2025, 10, 10),
        )
        .unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(p[1].from, jiff::civil::date(2025, 10, 1));
    assert_ne!(p[0].quote.fees.total, p[1].quote.fees.total);
}

/// [`Engine::change_dates`] bound every quote: for every legal case's entry, the quotes on the
/// first and the last day between two consecutive change dates charge the same (the
/// simulator and the series price once per such period).
#[test]
fn change_dates_bound_every_quote() {
    let engine = Engine::embedded().expect("embedded data loads");
    let first = engine.schedule().first_date();
    let until = jiff::civil::date(2027, 2, 1);
    let mut cuts = vec![first];
    cuts.extend(engine.change_dates(first, until));
    cuts.push(until);
    assert!(cuts.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
    let (mut checked, mut failures) = (0, Vec::new());
    for (name, entry) in case_entries() {
        for w in cuts.windows(2) {
            let last = w[1].yesterday().unwrap();
            let mut a = entry.clone();
            a.entry_date = w[0];
            let mut b = entry.clone();
            b.entry_date = last;
            match (engine.quote(&a), engine.quote(&b)) {
                (Ok(qa), Ok(qb)) => {
                    checked += 1;
                    if !qa.same_charges(&qb) {
                        failures.push(format!(
                            "{name}: {} and {last} charge differently with no change date between",
                            w[0]
                        ));
                    }
                }
                (Err(_), Err(_)) => {}
                (ra, rb) => failures.push(format!(
                    "{name}: {} {} but {last} {}",
                    w[0],
                    if ra.is_ok() { "quotes" } else { "is refused" },
                    if rb.is_ok() { "quotes" } else { "is refused" }
                )),
            }
        }
    }
    eprintln!("{} change dates, {checked} periods checked", cuts.len() - 2);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}
