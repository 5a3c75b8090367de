//! `tariff revisions`.

use anyhow::Result;
use std::io::Write;

pub fn run(json: bool) -> Result<()> {
    let s = super::schedule()?;
    if json {
        return super::print_json(&s.revisions());
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<13} {:<10} {:<10} {:<11} event",
        "revision", "from", "policy", "same as"
    )?;
    for r in s.revisions() {
        writeln!(
            out,
            "{:<13} {:<10} {:<10} {:<11} {}",
            r.id,
            r.effective_from.to_string(),
            r.policy_effective
                .map(|d| d.to_string())
                .unwrap_or_default(),
            r.identical_to.clone().unwrap_or_default(),
            r.event.clone().unwrap_or_default()
        )?;
    }
    writeln!(
        out,
        "schedule known through {} ({})",
        s.covered_through(),
        s.file().covered_through_reason
    )?;
    writeln!(
        out,
        "law known through {} ({})",
        s.law_known_through(),
        s.file().law_known_through_reason
    )?;
    for x in &s.file().excluded {
        writeln!(
            out,
            "excluded {}: {} ({} lines differ from the revision before)",
            x.id, x.reason, x.changed_fields_vs_previous
        )?;
    }
    Ok(())
}
