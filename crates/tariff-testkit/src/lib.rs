//! Test support for the tariff workspace. A test that cannot run here (no `../shared`, no
//! browser, no pandas) calls [`skip`]: the reason goes to stderr, and — when the environment
//! variable `TARIFF_TEST_SKIPS` names a file, as `.ci/run` sets it — a line is appended to that
//! file, which `.ci/run` prints after the tests, so a skip is never a silent "ok".

use std::io::Write;

/// Records that the calling test skips, and why. `test` names it (`module_path!()` and the
/// function are a good choice).
pub fn skip(test: &str, reason: &str) {
    eprintln!("skipped {test}: {reason}");
    if let Some(path) = std::env::var_os("TARIFF_TEST_SKIPS") {
        let line = format!("{test}: {reason}\n");
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line.as_bytes()));
        if let Err(e) = appended {
            eprintln!("cannot record the skip in {}: {e}", path.to_string_lossy());
        }
    }
}
