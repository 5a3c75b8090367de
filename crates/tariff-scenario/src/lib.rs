//! Negotiation packages as data, and what they do.
//!
//! A [`scenario::Scenario`] file (YAML) describes a package: dated changes to the US
//! measures by id (override a rate, scope or dates; remove; add), a partner's cuts on US
//! goods as ad valorem equivalents, and purchase and investment commitments, each tagged with
//! one of the six negotiation [`scenario::Area`]s of the 2025 Korea–US talks.
//! [`scenario::Scenario::load`] checks it against the embedded measures and reports problems
//! as `file:line: message`.
//!
//! [`simulate::simulate`] prices a basket of 2024 import flows under the baseline and the
//! scenario with the duty engine (`tariff-engine`), runs the partial-equilibrium model of
//! [`model`] (WITS SMART: import demand, Armington substitution between sources, export
//! supply infinite by default) product by product, and reports trade creation and diversion,
//! duties, consumer surplus and welfare, US exports from the partner's cuts and the
//! purchases, the bilateral balance and the reciprocal-formula rate it implies — grouped by
//! area, sector or partner, with an optional sensitivity run over the elasticity ranges of
//! `data/elasticities.yaml` ([`elasticity`]).
//!
//! Money is `rust_decimal` throughout; results are rounded to the cent at the end. The
//! equations, their references and the assumptions are in `docs/simulation.md`.

pub mod basket;
pub mod elasticity;
pub mod error;
pub mod model;
pub mod plot;
pub mod scenario;
pub mod simulate;

pub use elasticity::Elasticities;
pub use error::ScenarioError;
pub use model::{Effect, Params, Source};
pub use scenario::{Area, Loaded, Scenario};
pub use simulate::{Basket, Bilateral, Flow, GroupBy, Inputs, Options, Outcome, Row, simulate};
