//! Shared set-up of the integration tests: the embedded measures, the 2024 basket (from the
//! committed trade dataset, or built from `../shared/sources` while that dataset is empty),
//! and a runner.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tariff_measures::Measures;
use tariff_scenario::{
    Basket, Bilateral, Elasticities, GroupBy, Inputs, Loaded, Options, Outcome, Scenario,
};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn shared() -> Option<PathBuf> {
    let p = root().join("../shared/sources");
    p.is_dir().then_some(p)
}

pub struct World {
    pub measures: Measures,
    pub basket: Basket,
    pub bilateral: BTreeMap<String, Bilateral>,
    pub elasticities: Elasticities,
    pub engine: tariff_engine::Engine,
}

/// The world, or `None` (with the reason printed) when neither the committed trade dataset nor
/// `../shared/sources` is there.
pub fn world() -> Option<&'static World> {
    static W: OnceLock<Option<World>> = OnceLock::new();
    W.get_or_init(|| {
        let trade = match tariff_analytics::trade::embedded() {
            Ok(t) => t,
            Err(e) => match shared() {
                Some(src) => {
                    tariff_analytics::trade::build(&src).expect("building the trade dataset")
                }
                None => {
                    tariff_testkit::skip(
                        module_path!(),
                        &format!("no trade dataset ({e}) and no ../shared/sources"),
                    );
                    return None;
                }
            },
        };
        let measures = Measures::embedded().unwrap();
        let engine = tariff_engine::Engine::embedded().unwrap();
        let (basket, bilateral, _) = tariff_scenario::basket::from_trade(&trade, &engine).unwrap();
        Some(World {
            measures,
            basket,
            bilateral,
            elasticities: Elasticities::embedded().unwrap(),
            engine,
        })
    })
    .as_ref()
}

pub fn load(w: &World, name: &str) -> Loaded {
    Scenario::load(&root().join("scenarios").join(name), &w.measures)
        .unwrap_or_else(|e| panic!("{e}"))
}

pub fn run(
    w: &World,
    s: &Loaded,
    against: Option<&Loaded>,
    by: GroupBy,
    sensitivity: bool,
) -> Outcome {
    tariff_scenario::simulate(
        s,
        against,
        &Inputs {
            basket: &w.basket,
            bilateral: &w.bilateral,
            formula: tariff_analytics::reciprocal::Params::default(),
            elasticities: &w.elasticities,
            engine: Some(&w.engine),
        },
        Options { by, sensitivity },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}
