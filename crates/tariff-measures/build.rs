//! Embeds every data file under `data/` (measures, lists, tables) by generating a table of
//! `include_str!`s, so that adding a file needs no code change.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut out = String::new();
    for (dir, ext, name) in [
        ("measures", "yaml", "MEASURE_FILES"),
        ("lists", "csv", "LIST_FILES"),
    ] {
        let d = root.join(dir);
        println!("cargo:rerun-if-changed={}", d.display());
        let mut files: Vec<String> = std::fs::read_dir(&d)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(&format!(".{ext}")))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        writeln!(
            out,
            "/// Embedded `data/{dir}/*.{ext}` files: (file name, contents)."
        )
        .unwrap();
        writeln!(out, "pub const {name}: &[(&str, &str)] = &[").unwrap();
        for f in files {
            let path = d.join(&f);
            println!("cargo:rerun-if-changed={}", path.display());
            writeln!(
                out,
                "    ({f:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(dest, out).unwrap();
}
