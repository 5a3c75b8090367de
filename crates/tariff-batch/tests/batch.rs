//! End-to-end tests on real files: rejections, round trips, carry-through, order, detail.

use std::path::{Path, PathBuf};
use tariff_batch::{Options, Summary};
use tariff_engine::Engine;

fn engine() -> &'static Engine {
    static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    E.get_or_init(|| Engine::embedded().unwrap())
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tariff-batch-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs a batch; the summary's memo counters (which depend on thread timing) are zeroed.
fn run(input: &Path, output: &Path, rejects: Option<&Path>, opts: &Options) -> Summary {
    let (job, _) = tariff_batch::open(input, output, rejects, opts).unwrap();
    let mut s = tariff_batch::run(engine(), job, opts, &|_| {}).unwrap();
    assert!(s.memo.direct + s.memo.derived >= s.quoted);
    s.memo = Default::default();
    s
}

fn read_csv(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(p).unwrap();
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

fn col(h: &[String], name: &str) -> usize {
    h.iter()
        .position(|x| x == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn bad_rows_are_rejected_with_row_column_reason() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad_rows.csv");
    let (out, rej) = (tmp("bad_out.csv"), tmp("bad_rej.csv"));
    let s = run(&input, &out, Some(&rej), &Options::default());
    assert_eq!(s.read, 10);
    assert_eq!(s.read, s.quoted + s.rejected);
    let (h, rows) = read_csv(&out);
    assert_eq!(rows.len() as u64, s.quoted);
    assert_eq!(s.quoted, 2);
    // Extra columns carried through, in order, before the computed ones.
    assert_eq!(
        &h[..7],
        [
            "entry_ref",
            "hts",
            "origin",
            "entry_date",
            "value",
            "mode",
            "note"
        ]
    );
    let t = col(&h, "total_duty");
    assert_eq!(
        (rows[0][0].as_str(), rows[0][t].as_str()),
        ("R1", "1650.00")
    );
    assert_eq!(rows[0][6], "first");
    assert_eq!(
        (rows[1][0].as_str(), rows[1][t].as_str()),
        ("R9", "4400.00")
    );
    // Chinese T-shirts on 2025-03-10: Section 301 list 4A 7.5% (750.00), fentanyl 20%
    // (2,000.00), base 16.5% (1,650.00).
    assert_eq!(rows[1][col(&h, "ieepa_duty")], "2000.00");
    assert_eq!(rows[1][col(&h, "duty_ieepa_fentanyl")], "2000.00");
    assert_eq!(rows[1][col(&h, "duty_section_301")], "750.00");
    assert_eq!(rows[1][col(&h, "headings")], "9903.88.15;9903.01.24");
    assert_eq!(rows[1][col(&h, "row")], "9");
    let (rh, rj) = read_csv(&rej);
    assert_eq!(rh, ["row", "column", "reason", "raw"]);
    assert_eq!(rj.len() as u64, s.rejected);
    let expect = [
        ("2", "hts", "not in the schedule"),
        ("3", "origin", "not an ISO 3166"),
        ("4", "entry_date", "outside the dataset"),
        ("5", "value", "empty"),
        ("6", "value", "is not a number"),
        ("7", "value", "short row"),
        ("8", "note", "not valid UTF-8"),
        ("10", "entry_date", "is not a date"),
    ];
    for (r, (row, column, reason)) in rj.iter().zip(expect) {
        assert_eq!((r[0].as_str(), r[1].as_str()), (row, column), "{r:?}");
        assert!(r[2].contains(reason), "{r:?}");
        assert!(r[3].starts_with(&format!("R{row},")), "{r:?}");
    }
}

/// A few thousand real rows (the China/Vietnam/Korea/Mexico T-shirt and car lines over 2025).
fn many_rows(n: usize) -> PathBuf {
    let p = tmp(&format!("many_{n}.csv"));
    let mut s = String::from("hts,origin,entry_date,value,spi,mode,ref\n");
    let lines = [
        ("6109.10.00.04", "CN", ""),
        ("6109.10.00.04", "VN", ""),
        ("8703.23.01.90", "KR", "KR"),
        ("8703.23.01.90", "JP", ""),
        ("6109.10.00.04", "MX", ""),
        ("8471.30.01.00", "CN", ""),
    ];
    for i in 0..n {
        let (h, o, spi) = lines[i % lines.len()];
        let day = 1 + (i * 7) % 28;
        let month = 1 + (i * 5) % 12;
        let mode = ["vessel", "air", ""][i % 3];
        s.push_str(&format!(
            "{h},{o},2025-{month:02}-{day:02},{}.{:02},{spi},{mode},ref-{i}\n",
            100 + (i * 7919) % 90_000,
            i % 100
        ));
    }
    std::fs::write(&p, s).unwrap();
    p
}

#[test]
fn order_is_input_order_with_two_threads_and_memo_matches_direct() {
    let input = many_rows(5000);
    let opts = Options {
        threads: 2,
        chunk_rows: 700,
        memo_periods: 10_000,
        ..Options::default()
    };
    let out = tmp("order_out.csv");
    let s = run(&input, &out, None, &opts);
    assert_eq!((s.read, s.quoted, s.rejected), (5000, 5000, 0));
    let (h, rows) = read_csv(&out);
    let (r, row) = (col(&h, "ref"), col(&h, "row"));
    for (i, x) in rows.iter().enumerate() {
        assert_eq!(x[r], format!("ref-{i}"));
        assert_eq!(x[row], (i + 1).to_string());
    }
    // The same rows quoted directly, one thread: byte-identical output.
    let direct = tmp("order_direct.csv");
    run(
        &input,
        &direct,
        None,
        &Options {
            threads: 1,
            memo_periods: 0,
            ..Options::default()
        },
    );
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&direct).unwrap()
    );
}

/// Writes the CSV of [`many_rows`] as typed Parquet: Date32 dates, Decimal128 values.
fn to_parquet(csv_path: &Path, out: &Path) {
    use arrow_array::builder::{Date32Builder, Decimal128Builder, StringBuilder};
    use arrow_array::{ArrayRef, RecordBatch};
    use arrow_schema::{DataType, Field, Schema};
    use std::sync::Arc;
    let (_, rows) = read_csv(csv_path);
    let epoch = jiff::civil::date(1970, 1, 1);
    let mut strs: Vec<StringBuilder> = (0..4).map(|_| StringBuilder::new()).collect();
    let mut dates = Date32Builder::new();
    let mut values = Decimal128Builder::new()
        .with_precision_and_scale(18, 2)
        .unwrap();
    for r in &rows {
        for (b, i) in strs.iter_mut().zip([0, 1, 4, 5]) {
            b.append_option((!r[i].is_empty()).then(|| r[i].clone()));
        }
        dates.append_value((r[2].parse::<jiff::civil::Date>().unwrap() - epoch).get_days());
        let v: rust_decimal::Decimal = r[3].parse().unwrap();
        values.append_value({
            let mut v = v;
            v.rescale(2);
            v.mantissa()
        });
    }
    let mut refs = StringBuilder::new();
    for r in &rows {
        refs.append_value(&r[6]);
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("hts", DataType::Utf8, true),
        Field::new("origin", DataType::Utf8, true),
        Field::new("entry_date", DataType::Date32, false),
        Field::new("value", DataType::Decimal128(18, 2), false),
        Field::new("spi", DataType::Utf8, true),
        Field::new("mode", DataType::Utf8, true),
        Field::new("ref", DataType::Utf8, false),
    ]));
    let mut s = strs
        .into_iter()
        .map(|mut b| Arc::new(b.finish()) as ArrayRef);
    let (hts, origin, spi, mode) = (
        s.next().unwrap(),
        s.next().unwrap(),
        s.next().unwrap(),
        s.next().unwrap(),
    );
    let cols: Vec<ArrayRef> = vec![
        hts,
        origin,
        Arc::new(dates.finish()),
        Arc::new(values.finish()),
        spi,
        mode,
        Arc::new(refs.finish()),
    ];
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(out).unwrap(),
        schema.clone(),
        None,
    )
    .unwrap();
    w.write(&RecordBatch::try_new(schema, cols).unwrap())
        .unwrap();
    w.close().unwrap();
}

/// Every record of a file, as text, through the crate's own reader (Parquet decimals keep
/// their scale, so text equality is value-and-scale equality).
fn records(p: &Path) -> Vec<Vec<String>> {
    let mut src: Box<dyn tariff_batch::Source> = if p.extension().unwrap() == "parquet" {
        Box::new(tariff_batch::ParquetSource::new(std::fs::File::open(p).unwrap(), 1000).unwrap())
    } else {
        Box::new(tariff_batch::CsvSource::new(std::fs::File::open(p).unwrap(), None).unwrap())
    };
    let mut out = Vec::new();
    while let Some(c) = src.next_chunk(1000).unwrap() {
        out.extend(c.iter().map(|r| {
            r.iter()
                .map(|f| String::from_utf8(f.to_vec()).unwrap())
                .collect()
        }));
    }
    out
}

#[test]
fn csv_parquet_csv_round_trip_gives_identical_duties() {
    let input = many_rows(3000);
    let opts = Options::default();
    // CSV in: CSV out and Parquet out agree field for field.
    let (csv_out, pq_out) = (tmp("rt_out.csv"), tmp("rt_out.parquet"));
    let a = run(&input, &csv_out, None, &opts);
    let b = run(&input, &pq_out, None, &opts);
    assert_eq!(a, b);
    let (x, y) = (records(&csv_out), records(&pq_out));
    assert_eq!(x.len(), 3000);
    assert_eq!(x, y);
    // Parquet in (typed dates and decimals) back to CSV: byte-identical to CSV in.
    let (pq_in, csv_again) = (tmp("rt_in.parquet"), tmp("rt_again.csv"));
    to_parquet(&input, &pq_in);
    let c = run(&pq_in, &csv_again, None, &opts);
    assert_eq!(a, c);
    assert_eq!(
        std::fs::read(&csv_out).unwrap(),
        std::fs::read(&csv_again).unwrap()
    );
}

/// Parquet to Parquet: the carried-through columns keep the input's types and values (dates
/// stay `Date32`, values `Decimal128`), rejected rows leave them as they leave the duty
/// columns, and every row and rejection matches the same input written to CSV (read as text).
#[test]
fn parquet_to_parquet_carries_typed_columns_and_drops_rejected_rows() {
    // Every 97th row has an HTS number that is not in the schedule.
    let good = many_rows(4000);
    let text = std::fs::read_to_string(&good).unwrap();
    let mut bad = String::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 && i % 97 == 0 {
            bad.push_str(
                &line.replacen("6109.10.00.04", "6109.99.99.99", 1).replacen(
                    "8703.23.01.90",
                    "8703.99.99.99",
                    1,
                ),
            );
        } else {
            bad.push_str(line);
        }
        bad.push('\n');
    }
    let csv_in = tmp("typed_in.csv");
    std::fs::write(&csv_in, bad).unwrap();
    let pq_in = tmp("typed_in.parquet");
    to_parquet(&csv_in, &pq_in);
    let opts = Options {
        chunk_rows: 700,
        threads: 2,
        ..Options::default()
    };
    let (pq_out, csv_out) = (tmp("typed_out.parquet"), tmp("typed_out.csv"));
    let a = run(&pq_in, &pq_out, Some(&tmp("typed_rej.csv")), &opts);
    let b = run(&pq_in, &csv_out, Some(&tmp("typed_rej2.csv")), &opts);
    assert_eq!(a, b);
    assert!(a.rejected >= 20, "{a:?}");
    assert_eq!(a.read, 4000);
    let file = std::fs::File::open(&pq_out).unwrap();
    let schema = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .schema()
        .clone();
    let ty = |n: &str| schema.field_with_name(n).unwrap().data_type().clone();
    assert_eq!(ty("entry_date"), arrow_schema::DataType::Date32);
    assert_eq!(ty("value"), arrow_schema::DataType::Decimal128(18, 2));
    assert_eq!(ty("ref"), arrow_schema::DataType::Utf8);
    let (x, y) = (records(&pq_out), records(&csv_out));
    assert_eq!(x.len() as u64, a.quoted);
    assert_eq!(x, y);
    // Parquet to Parquet reads the arrays as they are, Parquet to CSV reads them as text:
    // the same rejections, raw rows included.
    assert_eq!(
        std::fs::read_to_string(tmp("typed_rej.csv")).unwrap(),
        std::fs::read_to_string(tmp("typed_rej2.csv")).unwrap()
    );
}

#[test]
fn detail_writes_one_row_per_duty_line() {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad_rows.csv");
    let out = tmp("detail.csv");
    let s = run(
        &input,
        &out,
        Some(&tmp("detail_rej.csv")),
        &Options {
            detail: true,
            ..Options::default()
        },
    );
    assert_eq!(s.quoted, 2);
    let (h, rows) = read_csv(&out);
    assert_eq!(h[..4], ["row", "hts", "origin", "entry_date"]);
    let (heading, amount, authority) =
        (col(&h, "heading"), col(&h, "amount"), col(&h, "authority"));
    let cn: Vec<_> = rows.iter().filter(|r| r[0] == "9").collect();
    assert!(cn.iter().any(|r| r[heading] == "9903.01.24"
        && r[amount] == "2000.00"
        && r[authority] == "ieepa_fentanyl"));
    assert!(
        cn.iter()
            .any(|r| r[authority] == "base_general" && r[amount] == "1650.00")
    );
    assert!(cn.iter().all(|r| !r[col(&h, "citation")].is_empty()));
    let vn: Vec<_> = rows.iter().filter(|r| r[0] == "1").collect();
    let total: rust_decimal::Decimal = vn
        .iter()
        .map(|r| r[amount].parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    assert_eq!(total.to_string(), "1650.00");
}

/// A Parquet input with a column of a type batch does not read is refused when opened,
/// naming the column, before any row is read.
#[test]
fn parquet_column_of_an_unread_type_is_refused_when_opened() {
    use arrow_array::{ArrayRef, ListArray, RecordBatch, StringArray, types::Int32Type};
    use std::sync::Arc;
    let path = tmp("unread_type.parquet");
    let hts: ArrayRef = Arc::new(StringArray::from(vec!["8471.30.01.00"]));
    let tags: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![
        Some(vec![Some(1)]),
    ]));
    let batch = RecordBatch::try_from_iter([("hts", hts), ("tags", tags)]).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        batch.schema(),
        None,
    )
    .unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let err = tariff_batch::open(
        &path,
        &tmp("unread_type_out.csv"),
        None,
        &Options::default(),
    )
    .err()
    .expect("refused");
    let text = err.to_string();
    assert!(
        text.contains("\"tags\"") && text.contains("does not read"),
        "{text}"
    );
}

#[test]
fn chapter98_columns_are_read_and_priced_as_by_quote() {
    let input = tmp("ch98_in.csv");
    std::fs::write(
        &input,
        "hts,origin,entry_date,value,chapter98,processing_value,us_components\n\
         6109.10.00.04,VN,2025-12-01,1000,9802.00.50,100,\n\
         8703.23.01.90,MX,2025-12-01,30000,9802.00.80,,12000\n\
         6109.10.00.04,CN,2025-12-01,1000,9801.00.10,,\n\
         6109.10.00.04,VN,2025-12-01,1000,9802.00.50,,\n\
         6109.10.00.04,VN,2025-12-01,1000,98X,,\n",
    )
    .unwrap();
    let (out, rej) = (tmp("ch98_out.csv"), tmp("ch98_rej.csv"));
    let s = run(&input, &out, Some(&rej), &Options::default());
    assert_eq!((s.read, s.quoted, s.rejected), (5, 3, 2));
    let (h, rows) = read_csv(&out);
    let t = col(&h, "total_duty");
    // The cases of chapter-98.yaml: 36.50 on the repair value, 4,950.00 less the US
    // components, nothing on US goods returned.
    let totals: Vec<&str> = rows.iter().map(|r| r[t].as_str()).collect();
    assert_eq!(totals, ["36.50", "4950.00", "0.00"]);
    let (_, rj) = read_csv(&rej);
    assert_eq!(
        (rj[0][0].as_str(), rj[0][1].as_str()),
        ("4", "processing_value")
    );
    assert_eq!((rj[1][0].as_str(), rj[1][1].as_str()), ("5", "chapter98"));
}

#[test]
fn rows_after_the_horizon_are_quoted_with_warnings_or_refused_when_strict() {
    // The schedule's horizon is 2026-06-29: a row of August 2026 is quoted from HTS 2026
    // Rev. 10 with a warning; an empty date takes the default; strict dates reject the later
    // rows and keep the others.
    let input = tmp("horizon.csv");
    std::fs::write(
        &input,
        "hts,origin,entry_date,value\n\
         6109.10.00.04,VN,2026-06-29,10000\n\
         6109.10.00.04,VN,2026-08-03,10000\n\
         6109.10.00.04,VN,,10000\n",
    )
    .unwrap();
    let out = tmp("horizon-out.csv");
    let mut opts = Options {
        threads: 1,
        ..Options::default()
    };
    opts.dates.default = Some(jiff::civil::date(2026, 8, 3));
    let s = run(&input, &out, None, &opts);
    assert_eq!((s.read, s.quoted, s.rejected), (3, 3, 0));
    let (h, rows) = read_csv(&out);
    let (t, w) = (col(&h, "total_duty"), col(&h, "warnings"));
    // 2026-06-29: Section 122 10% + base 16.5%; 2026-08-03: Section 301 12.5% + base 16.5%.
    assert_eq!(rows[0][t], "2650.00");
    assert!(!rows[0][w].contains("horizon"), "{}", rows[0][w]);
    for r in &rows[1..] {
        assert_eq!(r[t], "2900.00");
        assert!(
            r[w].contains("after the schedule's horizon: HTS 2026 Revision 10"),
            "{}",
            r[w]
        );
    }
    // Strict: the rows after 2026-06-29 are rejected, each with its row and reason.
    let rej = tmp("horizon-rejects.csv");
    opts.dates.strict_through = Some(engine().schedule().covered_through());
    let s = run(&input, &out, Some(&rej), &opts);
    assert_eq!((s.read, s.quoted, s.rejected), (3, 1, 2));
    let (_, rj) = read_csv(&rej);
    assert_eq!(rj.len(), 2);
    for (r, row) in rj.iter().zip(["2", "3"]) {
        assert_eq!((r[0].as_str(), r[1].as_str()), (row, "entry_date"));
        assert!(r[2].contains("schedule's horizon"), "{}", r[2]);
    }
    // Without a default date, an empty date is still a rejection.
    opts.dates = Default::default();
    let s = run(&input, &out, Some(&rej), &opts);
    assert_eq!((s.read, s.quoted, s.rejected), (3, 2, 1));
}

#[test]
fn a_huge_value_is_a_rejection_and_loses_no_other_row() {
    // Issue 17: this value used to panic the whole file (exit 101, no row written).
    let input = tmp("huge.csv");
    std::fs::write(
        &input,
        "hts,origin,entry_date,value,quantity\n\
         6109.10.00.04,VN,2025-06-01,100,\n\
         6109.10.00.04,VN,2025-06-01,79228162514264337593543950335,\n\
         0201.10.10,AR,2025-06-01,1000000000000000,1000000000000000\n\
         7326.90.86.88,CN,2025-06-01,1000000000000000,\n\
         6109.10.00.04,VN,2025-06-01,100,79228162514264337593543950335\n",
    )
    .unwrap();
    let out = tmp("huge-out.csv");
    let rej = tmp("huge-rejects.csv");
    let opts = Options {
        threads: 2,
        ..Options::default()
    };
    let s = run(&input, &out, Some(&rej), &opts);
    assert_eq!((s.read, s.quoted, s.rejected), (5, 3, 2));
    let (_, rj) = read_csv(&rej);
    let named: Vec<(&str, &str)> = rj.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(named, [("2", "value"), ("5", "quantity")]);
    let (h, rows) = read_csv(&out);
    // 7326.90.86.88 of China on 2025-06-01, at the bound: every line exact to the cent.
    assert_eq!(rows[2][col(&h, "row")], "4");
    assert!(rows[2][col(&h, "total_duty")].ends_with(".00"));
}

#[test]
fn the_input_is_never_the_output() {
    // Issue 17: `--input f.csv --output f.csv` destroyed the input. Refused before anything
    // is written, also through a symbolic link, a hard link or another spelling of the path.
    let input = tmp("same.csv");
    let text = "hts,origin,entry_date,value\n6109.10.00.04,VN,2025-06-01,100\n";
    std::fs::write(&input, text).unwrap();
    let sym = tmp("same-sym.csv");
    let hard = tmp("same-hard.csv");
    let _ = std::fs::remove_file(&sym);
    let _ = std::fs::remove_file(&hard);
    std::os::unix::fs::symlink(&input, &sym).unwrap();
    std::fs::hard_link(&input, &hard).unwrap();
    let dotted = input.parent().unwrap().join(".").join("same.csv");
    let opts = Options::default();
    for out in [&input, &sym, &hard, &dotted] {
        let err = tariff_batch::open(&input, out, None, &opts)
            .err()
            .expect("refused");
        assert!(err.to_string().contains("same file"), "{err}");
        // As rejects file too.
        let other = tmp("same-other.csv");
        let err = tariff_batch::open(&input, &other, Some(out), &opts)
            .err()
            .expect("refused");
        assert!(err.to_string().contains("same file"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
}

#[test]
fn a_tiny_value_with_a_huge_quantity_is_quoted() {
    // The ad valorem equivalent of a specific duty on 10^15 kg over a value of 10^-28 does not
    // fit a decimal: the row is quoted (its effective rate capped), directly and from the memo.
    let input = tmp("tiny.csv");
    std::fs::write(
        &input,
        "hts,origin,entry_date,value,quantity\n\
         0201.10.10,CN,2025-01-01,0.0000000000000000000000000001,1000000000000000\n\
         0201.10.10,CN,2025-01-01,0.0000000000000000000000000001,1000000000000000\n\
         0201.10.10,CN,2025-01-02,0.000000000000000000000000001,1000000000000000\n",
    )
    .unwrap();
    let out = tmp("tiny-out.csv");
    let opts = Options {
        threads: 2,
        ..Options::default()
    };
    let s = run(&input, &out, None, &opts);
    assert_eq!((s.read, s.quoted, s.rejected), (3, 3, 0));
    let (h, rows) = read_csv(&out);
    for r in &rows {
        assert_eq!(r[col(&h, "total_duty")], "44000000000000.00");
        assert_eq!(r[col(&h, "effective_rate")], "99999999.9999");
    }
    // The Parquet output states the same (its Decimal128(12, 4) holds the capped rate; an
    // uncapped one was written wrapped, as 200376420520689.6640).
    let pq = tmp("tiny-out.parquet");
    run(&input, &pq, None, &opts);
    assert_eq!(records(&pq), records(&out));
}

#[test]
fn a_stray_quote_costs_one_row_not_the_rest_of_the_file() {
    // Issue 17: an unclosed `"` on line 12 of a 2-million-row file left 11 rows read. Here
    // 50,000 rows with the stray quote on line 12 (data row 11): one rejection naming the
    // line, every other row quoted.
    let input = tmp("stray.csv");
    let mut text = String::from("hts,origin,entry_date,value,note\n");
    for i in 1..=50_000 {
        let note = if i == 11 { "\"unclosed" } else { "ok" };
        text.push_str(&format!("6109.10.00.04,VN,2025-06-01,{i},{note}\n"));
    }
    std::fs::write(&input, text).unwrap();
    let out = tmp("stray-out.csv");
    let rej = tmp("stray-rejects.csv");
    let opts = Options {
        threads: 2,
        ..Options::default()
    };
    let s = run(&input, &out, Some(&rej), &opts);
    assert_eq!((s.read, s.quoted, s.rejected), (50_000, 49_999, 1));
    let (_, rj) = read_csv(&rej);
    assert_eq!(rj[0][0], "11");
    assert!(rj[0][2].contains("line 12"), "{}", rj[0][2]);
    assert!(rj[0][2].contains("resumes at line 13"), "{}", rj[0][2]);
    let (h, rows) = read_csv(&out);
    assert_eq!(rows.len(), 49_999);
    assert_eq!(rows[10][col(&h, "row")], "12");
}

#[test]
fn batch_reads_the_grammar_of_the_api() {
    // Issue 17, point 7: batch took `1_000` and `20250520` where the API refused them. One
    // grammar (tariff_engine::parse_amount, parse_date): `$` and `,` separators, exponents, and
    // YYYY-MM-DD dates; not `_` nor compact dates.
    let input = tmp("grammar.csv");
    std::fs::write(
        &input,
        "hts,origin,entry_date,value\n\
         6109.10.00.04,VN,2025-06-01,\"$1,000.50\"\n\
         6109.10.00.04,VN,2025-06-01,1e3\n\
         6109.10.00.04,VN,2025-06-01,1_000\n\
         6109.10.00.04,VN,20250601,1000\n",
    )
    .unwrap();
    let (out, rej) = (tmp("grammar-out.csv"), tmp("grammar-rejects.csv"));
    let s = run(&input, &out, Some(&rej), &Options::default());
    assert_eq!((s.read, s.quoted, s.rejected), (4, 2, 2));
    let (_, rj) = read_csv(&rej);
    let named: Vec<(&str, &str)> = rj.iter().map(|r| (r[0].as_str(), r[1].as_str())).collect();
    assert_eq!(named, [("3", "value"), ("4", "entry_date")]);
    let (h, rows) = read_csv(&out);
    assert_eq!(rows[0][col(&h, "total_duty")], "265.13");
    assert_eq!(rows[1][col(&h, "total_duty")], "265.00");
}
