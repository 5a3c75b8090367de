//! Parquet files as pandas writes them (issue 17, point 5): a categorical origin (a dictionary
//! column), `datetime64` entry dates (timestamps), float values, large strings, Date64 and
//! Decimal128 values out of the decimal's range. Written by pandas and pyarrow themselves
//! (`.ci/run` installs them; without them the test says so and skips). Each is read exactly,
//! and the same input gives the same rejections whatever the output format.

use std::path::{Path, PathBuf};
use std::process::Command;
use tariff_batch::{Options, Summary};
use tariff_engine::Engine;

fn engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::embedded().unwrap())
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tariff-pandas-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

const WRITER: &str = r#"
import sys, datetime, decimal
import pandas as pd, pyarrow as pa, pyarrow.parquet as pq
out = sys.argv[1]
df = pd.DataFrame({
    "hts": ["6109.10.00.04", "6109.10.00.04", "6109.10.00.04", "6109.10.00.04"],
    "origin": pd.Categorical(["VN", "CN", "VN", "VN"]),
    "entry_date": pd.to_datetime(["2025-06-01", "2025-06-01", "2025-06-02 10:30", "2025-06-01"], format="mixed"),
    "value": [1000.0, 0.1, 1000.0, float("nan")],
})
df.to_parquet(out + "/pandas.parquet")
t = pa.table({
    "hts": pa.array(["6109.10.00.04", "6109.10.00.04"], pa.large_string()),
    "origin": pa.array(["VN", "VN"], pa.large_string()),
    "entry_date": pa.array([datetime.date(2025, 6, 1)] * 2, pa.date64()),
    "value": pa.array([decimal.Decimal("1000.50"), decimal.Decimal("1" + "0" * 35)], pa.decimal128(38, 2)),
})
pq.write_table(t, out + "/arrow.parquet")
"#;

/// Writes the two files with pandas and pyarrow; `None` (and why) when they are not there.
fn written() -> Option<PathBuf> {
    let dir = tmp("in");
    let run = Command::new("python3")
        .arg("-c")
        .arg(WRITER)
        .arg(&dir)
        .output();
    match run {
        Ok(o) if o.status.success() => Some(dir),
        Ok(o) => {
            eprintln!(
                "skipping: pandas/pyarrow could not write the files: {}",
                String::from_utf8_lossy(&o.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            None
        }
        Err(e) => {
            tariff_testkit::skip(module_path!(), &format!("python3 not available: {e}"));
            None
        }
    }
}

fn run(input: &Path, output: &Path, rejects: &Path) -> Summary {
    let opts = Options {
        threads: 1,
        ..Options::default()
    };
    let (job, _) = tariff_batch::open(input, output, Some(rejects), &opts).unwrap();
    tariff_batch::run(engine(), job, &opts, &|_| {}).unwrap()
}

fn csv_rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(p).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn parquet_written_by_pandas_is_read_exactly() {
    let Some(dir) = written() else { return };
    let input = dir.join("pandas.parquet");
    let (out, rej) = (tmp("pandas-out.csv"), tmp("pandas-rejects.csv"));
    let s = run(&input, &out, &rej);
    assert_eq!((s.read, s.quoted, s.rejected), (4, 2, 2));
    let rows = csv_rows(&out);
    // Row 1: VN, 2025-06-01 (a timestamp at midnight is that date), 1000: reciprocal 10% +
    // base 16.5% = 265.00. Row 2: CN, the float 0.1 read as 0.1 (the shortest decimal that
    // reads back as the same float), Section 301 + fentanyl + reciprocal + base.
    assert_eq!(&rows[0][..4], ["6109.10.00.04", "VN", "2025-06-01", "1000"]);
    assert_eq!(rows[0][5], "265.00");
    assert_eq!(&rows[1][..4], ["6109.10.00.04", "CN", "2025-06-01", "0.1"]);
    // Row 3: a timestamp with a time of day is not a date (not truncated); row 4: NaN/null.
    let rejects = csv_rows(&rej);
    assert_eq!(
        (rejects[0][0].as_str(), rejects[0][1].as_str()),
        ("3", "entry_date")
    );
    assert!(
        rejects[0][2].contains("2025-06-02T10:30:00"),
        "{:?}",
        rejects[0]
    );
    assert_eq!(
        (rejects[1][0].as_str(), rejects[1][1].as_str()),
        ("4", "value")
    );
    // The same rejections to a Parquet output.
    let rej2 = tmp("pandas-rejects-2.csv");
    let s2 = run(&input, &tmp("pandas-out.parquet"), &rej2);
    assert_eq!((s2.read, s2.quoted, s2.rejected), (4, 2, 2));
    assert_eq!(csv_rows(&rej2), rejects);
}

#[test]
fn date64_large_strings_and_out_of_range_decimals() {
    let Some(dir) = written() else { return };
    let input = dir.join("arrow.parquet");
    let (out, rej) = (tmp("arrow-out.csv"), tmp("arrow-rejects.csv"));
    let s = run(&input, &out, &rej);
    // 10^35 does not fit a decimal: that row is rejected, the file goes on.
    assert_eq!((s.read, s.quoted, s.rejected), (2, 1, 1));
    let rows = csv_rows(&out);
    assert_eq!(
        &rows[0][..4],
        ["6109.10.00.04", "VN", "2025-06-01", "1000.50"]
    );
    let rejects = csv_rows(&rej);
    assert_eq!(
        (rejects[0][0].as_str(), rejects[0][1].as_str()),
        ("2", "value")
    );
    let rej2 = tmp("arrow-rejects-2.csv");
    let s2 = run(&input, &tmp("arrow-out.parquet"), &rej2);
    assert_eq!((s2.read, s2.quoted, s2.rejected), (2, 1, 1));
    assert_eq!(csv_rows(&rej2), rejects);
}
