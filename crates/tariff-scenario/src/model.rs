//! The partial-equilibrium model, in the WITS SMART tradition (Jammes & Olarreaga 2005;
//! Laird & Yeats 1986): one market per product, the sources of that product as imperfect
//! substitutes (Armington), a constant import demand elasticity for the composite, and
//! export supply infinitely elastic unless told otherwise. `docs/simulation.md` states the
//! equations and their references; this module is them, in exact decimals.
//!
//! Units: a source's `value` is its baseline customs value (USD), which is also its baseline
//! quantity when the world price is normalized to one. Tariffs are ad valorem fractions
//! (`0.25` for 25%), the effective rate of the whole duty stack. For source *c*:
//!
//! ```text
//! τ̂_c = (t1_c − t0_c) / (1 + t0_c)                    tariff factor change
//! p̂_c = τ̂_c · e/(e + ε)   (= τ̂_c when e = ∞)           domestic price change
//! ŵ_c = p̂_c − τ̂_c                                      world (exporter) price change
//! P̂   = Σ_k M_k p̂_k / Σ_k M_k                            composite price change
//! q̂ᶜ_c = −ε · p̂_c                                      trade creation
//! q̂ᵈ_c = −σ · (p̂_c − P̂)                               trade diversion (Σ_c M_c q̂ᵈ_c = 0)
//! q̂_c  = max(−1, q̂ᶜ_c + q̂ᵈ_c)                          (imports cannot fall below zero)
//! M1_c = M_c (1 + q̂_c)(1 + ŵ_c)                         new customs value
//! ΔCS_c = −(1 + t0_c) p̂_c · M_c (2 + q̂_c) / 2          consumer surplus (trapezoid)
//! ΔR_c  = t1_c M1_c − t0_c M_c                          duties collected
//! ΔW_c  = ΔCS_c + ΔR_c                                  welfare (no domestic supply)
//! ```

use rust_decimal::Decimal;
use serde::Serialize;

/// The elasticities of one run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Params {
    /// Import demand elasticity ε, as a positive magnitude (1.0: a 1% rise in the composite
    /// price lowers imports of the product by 1%).
    pub import_demand: Decimal,
    /// Elasticity of substitution between sources σ (Armington).
    pub substitution: Decimal,
    /// Export supply elasticity e; `None` is infinitely elastic (world prices fixed).
    pub export_supply: Option<Decimal>,
}

/// One source of a product in the baseline and the scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Baseline customs value, USD.
    pub value: Decimal,
    /// Baseline effective tariff, a fraction.
    pub t0: Decimal,
    /// Scenario effective tariff, a fraction.
    pub t1: Decimal,
}

/// What the scenario does to one source of one product. Money in USD, unrounded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Effect {
    /// Baseline customs value.
    pub value0: Decimal,
    /// Scenario customs value.
    pub value1: Decimal,
    /// Trade creation: the change in imports from the change in the composite's demand.
    pub creation: Decimal,
    /// Trade diversion: the change in imports from substitution between sources.
    pub diversion: Decimal,
    /// The change in the value of imports from the change in the world price (zero with
    /// infinitely elastic export supply).
    pub valuation: Decimal,
    /// Duties collected in the baseline (`t0 × value0`).
    pub duty0: Decimal,
    /// Duties collected in the scenario (`t1 × value1`).
    pub duty1: Decimal,
    /// Change in consumer surplus.
    pub consumer_surplus: Decimal,
    /// Change in welfare: consumer surplus plus duties.
    pub welfare: Decimal,
    /// The fall in imports was capped at the whole baseline value.
    pub clamped: bool,
}

impl Effect {
    /// `value1 − value0`.
    pub fn change(&self) -> Decimal {
        self.value1 - self.value0
    }

    /// Adds another effect into this one.
    pub fn add(&mut self, o: &Effect) {
        self.value0 += o.value0;
        self.value1 += o.value1;
        self.creation += o.creation;
        self.diversion += o.diversion;
        self.valuation += o.valuation;
        self.duty0 += o.duty0;
        self.duty1 += o.duty1;
        self.consumer_surplus += o.consumer_surplus;
        self.welfare += o.welfare;
        self.clamped |= o.clamped;
    }
}

const TWO: Decimal = Decimal::TWO;

/// Runs the model on one product market: one effect per source, in the order given.
///
/// Sources with a zero or negative value contribute nothing and get a zero effect; so does
/// a market whose total value is zero.
pub fn market(sources: &[Source], p: &Params) -> Vec<Effect> {
    let total: Decimal = sources
        .iter()
        .filter(|s| s.value > Decimal::ZERO)
        .map(|s| s.value)
        .sum();
    if total <= Decimal::ZERO {
        return vec![Effect::default(); sources.len()];
    }
    // Price changes: tariff factor, domestic, world.
    let prices: Vec<(Decimal, Decimal)> = sources
        .iter()
        .map(|s| {
            let tau = (s.t1 - s.t0) / (Decimal::ONE + s.t0);
            let p_hat = match p.export_supply {
                Some(e) if e + p.import_demand > Decimal::ZERO => tau * e / (e + p.import_demand),
                _ => tau,
            };
            (p_hat, p_hat - tau)
        })
        .collect();
    let composite: Decimal = sources
        .iter()
        .zip(&prices)
        .filter(|(s, _)| s.value > Decimal::ZERO)
        .map(|(s, (ph, _))| s.value * ph)
        .sum::<Decimal>()
        / total;
    sources
        .iter()
        .zip(&prices)
        .map(|(s, &(p_hat, w_hat))| {
            if s.value <= Decimal::ZERO {
                return Effect::default();
            }
            let mut qc = -p.import_demand * p_hat;
            let mut qd = -p.substitution * (p_hat - composite);
            let mut clamped = false;
            if qc + qd < -Decimal::ONE {
                // Scale both parts so that imports fall to zero, not below.
                let k = -Decimal::ONE / (qc + qd);
                qc *= k;
                qd *= k;
                clamped = true;
            }
            let q = qc + qd;
            let m = s.value;
            let value1 = m * (Decimal::ONE + q) * (Decimal::ONE + w_hat);
            let creation = m * qc * (Decimal::ONE + w_hat);
            let diversion = m * qd * (Decimal::ONE + w_hat);
            let valuation = m * w_hat;
            let duty0 = s.t0 * m;
            let duty1 = s.t1 * value1;
            let consumer_surplus = -(Decimal::ONE + s.t0) * p_hat * m * (TWO + q) / TWO;
            Effect {
                value0: m,
                value1,
                creation,
                diversion,
                valuation,
                duty0,
                duty1,
                consumer_surplus,
                welfare: consumer_surplus + duty1 - duty0,
                clamped,
            }
        })
        .collect()
}

/// The change in a partner's imports of US goods when its barrier on them (a tariff, or a
/// non-tariff barrier as an ad valorem equivalent) goes from `ave0` to `ave1` (fractions),
/// with the partner's import demand elasticity `elasticity` and US export supply infinitely
/// elastic: `X · ε · (ave0 − ave1) / (1 + ave0)`. Diversion in the partner's market is not
/// modeled (see `docs/simulation.md`).
pub fn export_change(
    exports: Decimal,
    ave0: Decimal,
    ave1: Decimal,
    elasticity: Decimal,
) -> Decimal {
    if exports <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let q = elasticity * (ave0 - ave1) / (Decimal::ONE + ave0);
    // Exports cannot fall below zero if a barrier is raised.
    exports * q.max(-Decimal::ONE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::RoundingStrategy;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn cents(x: Decimal) -> Decimal {
        x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }

    fn params(eps: &str, sigma: &str) -> Params {
        Params {
            import_demand: d(eps),
            substitution: d(sigma),
            export_supply: None,
        }
    }

    /// One product, two sources, worked by hand:
    /// A: $1,000,000 at 0% → 25%; B: $3,000,000 at 0% → 0%; ε = 1.0, σ = 1.5.
    /// τ̂_A = 0.25, τ̂_B = 0; P̂ = 1,000,000·0.25 / 4,000,000 = 0.0625.
    /// A: q̂ᶜ = −0.25, q̂ᵈ = −1.5·(0.25 − 0.0625) = −0.28125, q̂ = −0.53125
    ///    ΔM = −531,250.00 (creation −250,000.00, diversion −281,250.00); M1 = 468,750.00
    ///    duty1 = 0.25 · 468,750 = 117,187.50
    ///    ΔCS = −1 · 0.25 · 1,000,000 · (2 − 0.53125)/2 = −183,593.75
    ///    ΔW = −183,593.75 + 117,187.50 = −66,406.25
    /// B: q̂ᶜ = 0, q̂ᵈ = −1.5·(0 − 0.0625) = 0.09375 → ΔM = +281,250.00 (diversion only)
    #[test]
    fn two_sources_by_hand() {
        let e = market(
            &[
                Source {
                    value: d("1000000"),
                    t0: d("0"),
                    t1: d("0.25"),
                },
                Source {
                    value: d("3000000"),
                    t0: d("0"),
                    t1: d("0"),
                },
            ],
            &params("1.0", "1.5"),
        );
        let a = &e[0];
        assert_eq!(cents(a.creation), d("-250000.00"));
        assert_eq!(cents(a.diversion), d("-281250.00"));
        assert_eq!(cents(a.value1), d("468750.00"));
        assert_eq!(cents(a.duty1), d("117187.50"));
        assert_eq!(cents(a.consumer_surplus), d("-183593.75"));
        assert_eq!(cents(a.welfare), d("-66406.25"));
        let b = &e[1];
        assert_eq!(cents(b.creation), d("0.00"));
        assert_eq!(cents(b.diversion), d("281250.00"));
        assert_eq!(cents(b.value1), d("3281250.00"));
        assert_eq!(cents(b.consumer_surplus), d("0.00"));
        assert_eq!(cents(b.duty1), d("0.00"));
        // Diversion moves imports between sources and creates none.
        assert_eq!(cents(a.diversion + b.diversion), d("0.00"));
        // Total imports change by creation only: −ε · P̂ · M = −250,000.
        assert_eq!(cents(a.change() + b.change()), d("-250000.00"));
    }

    /// Both sources start at 10% (A) and 2.5% (B): A → 15%, B → 2.5%; ε = 2, σ = 1.5.
    /// τ̂_A = 0.05/1.10 = 0.0454545…; P̂ = 2,000,000·τ̂_A / 2,500,000 = 0.8·τ̂_A.
    /// A: q̂ = −2τ̂_A − 1.5·0.2·τ̂_A = −2.3·τ̂_A = −0.1045454545…
    ///    M1 = 2,000,000·(1 − 0.104545…) = 1,790,909.09; duty0 = 200,000.00;
    ///    duty1 = 0.15·1,790,909.0909… = 268,636.36
    ///    ΔCS = −1.10·τ̂_A·2,000,000·(2 − 0.104545…)/2 = −0.05·2,000,000·0.947727… = −94,772.73
    /// B: q̂ = 1.5·0.8·τ̂_A = 0.0545454…; ΔM = 500,000·0.054545… = 27,272.73;
    ///    duty1 = 0.025·527,272.7272… = 13,181.82
    #[test]
    fn nonzero_baseline_by_hand() {
        let e = market(
            &[
                Source {
                    value: d("2000000"),
                    t0: d("0.10"),
                    t1: d("0.15"),
                },
                Source {
                    value: d("500000"),
                    t0: d("0.025"),
                    t1: d("0.025"),
                },
            ],
            &params("2", "1.5"),
        );
        assert_eq!(cents(e[0].value1), d("1790909.09"));
        assert_eq!(cents(e[0].duty0), d("200000.00"));
        assert_eq!(cents(e[0].duty1), d("268636.36"));
        assert_eq!(cents(e[0].consumer_surplus), d("-94772.73"));
        assert_eq!(cents(e[1].change()), d("27272.73"));
        assert_eq!(cents(e[1].duty1), d("13181.82"));
        assert_eq!(cents(e[0].diversion + e[1].diversion), d("0.00"));
    }

    /// Finite export supply e = 3, ε = 1, one source, 0% → 20%:
    /// p̂ = 0.2·3/4 = 0.15, ŵ = −0.05, q̂ = −0.15, M1 = 100·0.85·0.95 = 80.75;
    /// duty1 = 16.15; ΔCS = −0.15·100·1.85/2 = −13.875; ΔW = −13.875 + 16.15 = 2.275 (the
    /// terms-of-trade gain exceeds the deadweight loss for this small tariff).
    #[test]
    fn finite_export_supply_by_hand() {
        let e = market(
            &[Source {
                value: d("100"),
                t0: d("0"),
                t1: d("0.2"),
            }],
            &Params {
                import_demand: d("1"),
                substitution: d("1.5"),
                export_supply: Some(d("3")),
            },
        );
        assert_eq!(e[0].value1, d("80.75"));
        assert_eq!(e[0].duty1, d("16.150"));
        assert_eq!(cents(e[0].consumer_surplus), d("-13.88"));
        assert_eq!(cents(e[0].welfare), d("2.28"));
        assert_eq!(e[0].valuation, d("-5.00"));
    }

    /// With infinite supply and one source, welfare is the Harberger triangle −½ε t² M.
    #[test]
    fn single_source_welfare_is_the_triangle() {
        let e = market(
            &[Source {
                value: d("1000"),
                t0: d("0"),
                t1: d("0.3"),
            }],
            &params("1.2", "1.5"),
        );
        // −0.5 · 1.2 · 0.09 · 1000 = −54
        assert_eq!(e[0].welfare, d("-54.000"));
    }

    #[test]
    fn identical_tariffs_change_nothing() {
        let src = [
            Source {
                value: d("123.45"),
                t0: d("0.1"),
                t1: d("0.1"),
            },
            Source {
                value: d("678.90"),
                t0: d("0.25"),
                t1: d("0.25"),
            },
        ];
        for e in market(&src, &params("3", "5")) {
            assert_eq!(e.change(), Decimal::ZERO);
            assert_eq!(e.duty1 - e.duty0, Decimal::ZERO);
            assert_eq!(e.welfare, Decimal::ZERO);
        }
    }

    #[test]
    fn imports_never_fall_below_zero() {
        let e = market(
            &[
                Source {
                    value: d("100"),
                    t0: d("0"),
                    t1: d("1.25"),
                },
                Source {
                    value: d("100"),
                    t0: d("0"),
                    t1: d("0"),
                },
            ],
            &params("1", "3"),
        );
        assert!(e[0].clamped);
        assert_eq!(e[0].value1, Decimal::ZERO);
        assert!(!e[1].clamped);
    }

    #[test]
    fn zero_market_is_quiet() {
        let e = market(
            &[Source {
                value: d("0"),
                t0: d("0"),
                t1: d("0.5"),
            }],
            &params("1", "1"),
        );
        assert_eq!(e, vec![Effect::default()]);
    }

    /// A partner that cuts an 8% tariff to 0 with ε = 1.5: 1,000 · 1.5 · 0.08/1.08 = 111.11.
    #[test]
    fn partner_cut_by_hand() {
        let x = export_change(d("1000"), d("0.08"), d("0"), d("1.5"));
        assert_eq!(cents(x), d("111.11"));
        assert_eq!(
            export_change(d("1000"), d("0.08"), d("0.08"), d("1.5")),
            Decimal::ZERO
        );
    }
}
