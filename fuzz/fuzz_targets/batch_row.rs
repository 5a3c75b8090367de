//! Fuzzes the batch row parser: any bytes as a CSV file whose header names every entry column
//! (or, when the input starts with a newline-terminated line of its own, that line as the
//! header) must parse row by row into entries or rejections naming a column, never panic; the
//! file's rows are all accounted for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tariff_batch::{KNOWN, Layout};

fuzz_target!(|data: &[u8]| {
    let header = KNOWN.join(",");
    let mut file = Vec::with_capacity(header.len() + 1 + data.len());
    if data.first() != Some(&b'#') {
        file.extend_from_slice(header.as_bytes());
        file.push(b'\n');
        file.extend_from_slice(data);
    } else {
        file.extend_from_slice(&data[1..]);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(file.as_slice());
    let Ok(names) = reader.byte_headers() else {
        return;
    };
    let names: Vec<String> = names
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    let Ok(layout) = Layout::new(names) else {
        return;
    };
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = reader.read_byte_record(&mut record) {
        if let Err(tariff_batch::Refusal { column, reason }) = layout.entry(&record) {
            assert!(!reason.is_empty(), "a rejection without a reason ({column})");
        }
    }
});
