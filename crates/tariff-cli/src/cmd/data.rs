//! `tariff data build` and `tariff data info`.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

pub fn build(sources: &Path, out: &Path, lists: Option<&Path>) -> Result<()> {
    if let Some(dir) = lists {
        let names = tariff_import::build_lists(sources, dir).context("writing product lists")?;
        eprintln!(
            "wrote {} product list(s) to {}: {}",
            names.len(),
            dir.display(),
            names.join(", ")
        );
    }
    let started = std::time::Instant::now();
    let built = tariff_import::build(sources)
        .with_context(|| format!("building from {}", sources.display()))?;
    let bytes = tariff_schedule::codec::encode(&built.dataset)?;
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    let prov = out.with_extension("provenance.json");
    std::fs::write(&prov, tariff_import::provenance_json(&built.dataset))
        .with_context(|| format!("writing {}", prov.display()))?;
    let st = &built.stats;
    eprintln!(
        "wrote {} ({} bytes) and {} in {:.1} s\n  {} revisions, {} rows read, {} lines, {} versions, {} strings, {} rate texts ({} parsed)",
        out.display(),
        bytes.len(),
        prov.display(),
        started.elapsed().as_secs_f64(),
        st.revisions,
        st.rows_read,
        st.lines,
        st.versions,
        st.strings,
        st.rate_texts,
        st.rate_texts_parsed
    );
    Ok(())
}

pub fn info(json: bool) -> Result<()> {
    let s = super::schedule()?;
    let f = s.file();
    let versions: usize = f.lines.iter().map(|l| l.versions.len()).sum();
    if json {
        return super::print_json(&serde_json::json!({
            "builder": f.provenance.builder,
            "format": f.provenance.format,
            "bytes": tariff_data::SCHEDULE.len(),
            "first_date": s.first_date().to_string(),
            "covered_through": s.covered_through().to_string(),
            "covered_through_reason": f.covered_through_reason,
            "law_known_through": s.law_known_through().to_string(),
            "law_known_through_reason": f.law_known_through_reason,
            "last_revision": s.last_revision().name,
            "revisions": f.revisions.len(),
            "lines": f.lines.len(),
            "versions": versions,
            "rate_texts": f.rates.len(),
            "rate_texts_parsed": f.rates.iter().filter(|r| r.parsed.is_ok()).count(),
            "inputs": f.provenance.inputs,
            "excluded": f.excluded,
        }));
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "dataset: {} bytes, format {}, built by {}",
        tariff_data::SCHEDULE.len(),
        f.provenance.format,
        f.provenance.builder
    )?;
    writeln!(
        out,
        "schedule: {} revisions from {}; the newest, HTS {} (in force from {}), is known in force through {} (the schedule's horizon)",
        f.revisions.len(),
        s.first_date(),
        s.last_revision().name,
        s.last_revision().effective_from,
        s.covered_through(),
    )?;
    writeln!(out, "        {}", f.covered_through_reason)?;
    writeln!(
        out,
        "law: known through {} (the law's horizon)",
        s.law_known_through()
    )?;
    writeln!(out, "        {}", f.law_known_through_reason)?;
    writeln!(
        out,
        "later dates are answered from HTS {} with a warning naming each horizon passed; --strict-dates refuses dates after {}",
        s.last_revision().name,
        s.covered_through()
    )?;
    writeln!(
        out,
        "lines: {} ({} versions); rate texts: {} ({} parsed)",
        f.lines.len(),
        versions,
        f.rates.len(),
        f.rates.iter().filter(|r| r.parsed.is_ok()).count()
    )?;
    writeln!(out, "inputs ({}):", f.provenance.inputs.len())?;
    for i in &f.provenance.inputs {
        writeln!(out, "  {}  {:>9}  {}", i.sha256, i.bytes, i.path)?;
    }
    for x in &f.excluded {
        writeln!(out, "excluded {}: {}", x.id, x.reason)?;
    }
    Ok(())
}
