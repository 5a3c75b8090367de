//! `tariff measures [--date D] [--json]`: the measures in force on a date.

use anyhow::{Context, Result};
use std::io::Write;
use tariff_measures::{Measures, Target};

pub fn run(date: Option<&str>, json: bool) -> Result<()> {
    let m = Measures::embedded().context("loading the measure data")?;
    let date = super::date_or_today(date, json)?;
    let rows: Vec<_> = m
        .all()
        .iter()
        .filter(|x| x.effective.contains(date))
        .map(|x| x.row())
        .collect();
    if json {
        return super::print_json(
            &serde_json::json!({ "date": date.to_string(), "measures": rows }),
        );
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} measures in force on {date}", rows.len())?;
    for r in &rows {
        writeln!(
            out,
            "{:<12} {:<17} {:<28} {}",
            r.heading.as_deref().unwrap_or("-"),
            r.authority,
            r.rate,
            r.countries
        )?;
        writeln!(out, "{:<12} {}", "", r.scope)?;
        writeln!(out, "{:<12} {}", "", r.citation)?;
    }
    Ok(())
}

/// `tariff measures --coverage`: every 9903 heading of any revision in the dataset, with the
/// measures that declare it, or the reason it is not modeled.
pub fn coverage(json: bool) -> Result<()> {
    use tariff_measures::coverage::{Coverage, HeadingStatus};
    let m = Measures::embedded().context("loading the measure data")?;
    let cov = Coverage::embedded(&m).context("loading coverage.yaml")?;
    let s = super::schedule()?;
    let mut rows: Vec<serde_json::Value> = Vec::new();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for (id, code) in s.numbered_lines("9903", 8) {
        let spans: Vec<String> = s
            .spans(id)
            .iter()
            .map(|(from, until)| match until {
                Some(u) => format!("{from}..{u}"),
                None => format!("{from}.."),
            })
            .collect();
        let description = s.latest_description(id);
        let heading = code.to_string();
        let (status, detail, kind) = match cov.status(&heading) {
            HeadingStatus::Modeled(ids) => ("modeled", ids.join(", "), None),
            HeadingStatus::NotModeled(rule) => {
                ("not_modeled", rule.reason.clone(), Some(rule.kind.name()))
            }
            HeadingStatus::Gap => ("gap", String::new(), None),
        };
        *counts
            .entry(kind.map_or(status.to_string(), |k| format!("{status}: {k}")))
            .or_default() += 1;
        rows.push(serde_json::json!({
            "heading": heading,
            "in_dataset": spans,
            "description": description,
            "status": status,
            "kind": kind,
            "measures_or_reason": detail,
        }));
    }
    if json {
        return super::print_json(&serde_json::json!({ "counts": counts, "headings": rows }));
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} Chapter 99 headings in the dataset's revisions",
        rows.len()
    )?;
    for (k, n) in &counts {
        writeln!(out, "  {n:>4} {k}")?;
    }
    for r in &rows {
        let kind = r["kind"]
            .as_str()
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{} {}{kind}  [{}]",
            r["heading"].as_str().unwrap_or(""),
            r["status"].as_str().unwrap_or(""),
            r["in_dataset"]
                .as_array()
                .map(|a| a
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()
        )?;
        writeln!(
            out,
            "    {}",
            r["measures_or_reason"].as_str().unwrap_or("")
        )?;
    }
    Ok(())
}

/// `tariff measures --stacking`: the stacking rule table, read from the data — for every
/// group of measures, what its measures switch off (`excludes`), what they carve their basis
/// (or the whole value) out of (`carve_out`) and the headings they declare at $0, with the
/// instruments that say so. Rules between members of one group (a country rate over the
/// baseline) are counted but not listed.
pub fn stacking(json: bool) -> Result<()> {
    use std::collections::{BTreeMap, BTreeSet};
    use tariff_measures::CarvePortion;
    let m = Measures::embedded().context("loading the measure data")?;
    let group_of: BTreeMap<&str, &str> = m
        .all()
        .iter()
        .map(|x| (x.id.as_str(), x.group.as_str()))
        .collect();
    let target = |t: &Target| -> String {
        match t {
            Target::Group(g) => g.clone(),
            Target::Id(id) => group_of
                .get(id.as_str())
                .map_or(id.as_str(), |g| *g)
                .to_string(),
        }
    };
    #[derive(Default)]
    struct Rule {
        measures: BTreeSet<String>,
        headings: BTreeSet<String>,
        instruments: BTreeSet<String>,
        declares: BTreeSet<String>,
    }
    // (group, how, target group) -> rule
    let mut rules: BTreeMap<(String, &'static str, String), Rule> = BTreeMap::new();
    let mut within = 0usize;
    for x in m.all() {
        let mut add = |how: &'static str, t: &Target, declare: Option<&String>| {
            let tg = target(t);
            if tg == x.group {
                within += 1;
                return;
            }
            let r = rules.entry((x.group.clone(), how, tg)).or_default();
            r.measures.insert(x.id.clone());
            if let Some(h) = x.heading {
                r.headings.insert(h.to_string());
            }
            r.instruments.insert(x.instrument.clone());
            if let Some(d) = declare.and_then(|d| m.get(d)).and_then(|d| d.heading) {
                r.declares.insert(d.to_string());
            }
        };
        for t in &x.excludes {
            add("switches off", t, None);
        }
        for c in &x.carve_out {
            let how = match c.portion {
                CarvePortion::Basis => "carves its basis out of",
                CarvePortion::All => "switches off (carve-out)",
            };
            for t in &c.from {
                add(how, t, c.declare.as_ref());
            }
        }
    }
    let rows: Vec<serde_json::Value> = rules
        .iter()
        .map(|((g, how, t), r)| {
            serde_json::json!({
                "group": g,
                "rule": how,
                "target_group": t,
                "measures": r.measures.len(),
                "headings": r.headings,
                "declares": r.declares,
                "instruments": r.instruments,
            })
        })
        .collect();
    if json {
        return super::print_json(&serde_json::json!({
            "rules": rows,
            "within_group_rules": within,
        }));
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "stacking rules between groups of measures ({} rules; {within} more within groups)",
        rows.len()
    )?;
    writeln!(
        out,
        "a measure that applies acts on the measures of the target group; everything not listed stacks"
    )?;
    for ((g, how, t), r) in &rules {
        let declares = if r.declares.is_empty() {
            String::new()
        } else {
            format!(
                ", declaring {}",
                r.declares.iter().cloned().collect::<Vec<_>>().join(", ")
            )
        };
        writeln!(
            out,
            "{g:<22} {how:<26} {t:<18} ({} measures{declares})",
            r.measures.len()
        )?;
        let mut headings: Vec<String> = r.headings.iter().take(6).cloned().collect();
        if r.headings.len() > 6 {
            headings.push(format!("… ({} in all)", r.headings.len()));
        }
        writeln!(
            out,
            "{:<22} headings {}; {}",
            "",
            headings.join(", "),
            r.instruments.iter().cloned().collect::<Vec<_>>().join("; ")
        )?;
    }
    Ok(())
}
