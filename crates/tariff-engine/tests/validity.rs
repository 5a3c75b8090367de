//! [`Engine::quote_valid`]'s validity is exact: over every entry of the legal cases
//! (`tests/cases/*.yaml`, chosen to reach every kind of rule) and every day the dataset
//! covers, the quote on each day of a validity equals the quote it was found with, but for
//! the date and the revision's name; and consecutive validities tile the days.

use serde::Deserialize;
use tariff_engine::{Engine, Entry, Quote};

#[derive(Deserialize)]
struct CaseFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    entry: Entry,
}

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
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    let first = engine.schedule().first_date();
    let last = engine.schedule().covered_through();
    let (mut entries, mut quotes, mut periods, mut failures) = (0, 0, 0, Vec::new());
    for path in &files {
        let file: CaseFile =
            serde_yaml_ng::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for case in file.cases {
            entries += 1;
            let mut e = case.entry.clone();
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
                                case.name, cv.from, cv.until
                            ));
                        }
                        if v != *cv {
                            failures.push(format!(
                                "{}: {d}: validity {}..{} differs from {}..{} of the same period",
                                case.name, v.from, v.until, cv.from, cv.until
                            ));
                        }
                    }
                    (Ok((q, v)), _) => {
                        if !v.contains(d) {
                            failures.push(format!("{}: {d} outside its own validity", case.name));
                        }
                        if let Some((cv, _)) = &current
                            && cv.until != d
                        {
                            failures.push(format!(
                                "{}: validity ended {} but the next starts on {d}",
                                case.name, cv.until
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
