//! No code. Depending on this crate switches on, for every build of the workspace, the
//! features that its tests' dev-dependencies switch on in shared dependencies, so that a
//! `cargo test --workspace` after `cargo run -p tariff-cli` reuses every compiled dependency
//! instead of rebuilding 65 of them (issue 17: the README's two commands on a fresh 2-core
//! machine). The list is in Cargo.toml; `bench/feature-diff.sh` shows what differs.
