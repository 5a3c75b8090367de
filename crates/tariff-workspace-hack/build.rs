//! Empty: Cargo builds a package's build-dependencies only when it has a build script, and
//! this crate's build-dependencies exist to unify their features (see Cargo.toml).
fn main() {}
