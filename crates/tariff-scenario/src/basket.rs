//! The 2024 import basket and bilateral trade, from `tariff-analytics`: its committed trade
//! dataset (Census 2024 imports for consumption by HTS-10 × partner for 50 partners and the
//! EU aggregate, and by HS-2 × partner for the others) and its basket
//! ([`tariff_analytics::etr::Basket::build`]): the EU aggregate priced as Germany, HS-2 rows
//! split over their chapter's main HTS-10 lines, quantities imputed for specific rates from
//! the Census calculated duty, special programs claimed where the origin is eligible.
//!
//! Every basket row is a source in the market of its HTS-10 line, so partners known only at
//! HS-2 compete with the others line by line.

use crate::error::ScenarioError;
use crate::simulate::{Basket, Bilateral};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use tariff_analytics::etr::{self, BasketNotes};
use tariff_analytics::partners::{PartnerKind, Partners};
use tariff_analytics::trade::TradeFile;
use tariff_engine::Engine;

/// The basket of 2024 flows, the 2024 bilateral trade by partner (ISO or `EU`), and how the
/// basket was made.
pub fn from_trade(
    trade: &TradeFile,
    engine: &Engine,
) -> Result<(Basket, BTreeMap<String, Bilateral>, BasketNotes), ScenarioError> {
    let options = etr::Options::default();
    let b = etr::Basket::build(trade, engine, &options)
        .map_err(|e| ScenarioError::Flows(e.to_string()))?;
    let partners = Partners::embedded().map_err(|e| ScenarioError::Flows(e.to_string()))?;
    let million = Decimal::from(1_000_000);
    let mut bilateral = BTreeMap::new();
    for x in trade.bilateral.iter().filter(|x| x.year == 2024) {
        let Some(p) = partners.get(&x.cty_code) else {
            continue;
        };
        let key = match p.kind {
            PartnerKind::Country => p.iso.clone(),
            PartnerKind::Eu => "EU".to_string(),
            PartnerKind::Aggregate => continue,
        };
        bilateral.insert(
            key,
            Bilateral {
                exports: x.exports_musd * million,
                imports: x.imports_musd * million,
            },
        );
    }
    Ok((
        Basket::new(
            "2024 US imports for consumption (Census): HTS-10 × partner, HS-2 × partner split over main lines",
            b.rows,
            options,
        ),
        bilateral,
        b.notes,
    ))
}
