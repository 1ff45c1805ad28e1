//! Inference texts of difference in differences (effekt-did): TWFE, event study,
//! Callaway–Sant'Anna, the wild cluster bootstrap, the Goodman-Bacon decomposition.

use super::pick;
use crate::i18n::Language;

/// Name of a DiD method.
pub fn did_method_name(m: crate::study::DidMethod, lang: Language) -> String {
    use crate::study::DidMethod as M;
    let (en, sv) = match m {
        M::TwoByTwo => (
            "difference in differences (2×2)",
            "skillnad i skillnader (2×2)",
        ),
        M::Twfe => (
            "two-way fixed effects (unit and period)",
            "tvåvägs fixa effekter (enhet och period)",
        ),
        M::EventStudy => (
            "event study (average of the post-treatment coefficients)",
            "händelsestudie (medelvärde av koefficienterna efter start)",
        ),
        M::CallawaySantanna => (
            "Callaway & Sant'Anna (simple aggregation)",
            "Callaway & Sant'Anna (enkel sammanvägning)",
        ),
    };
    pick(lang, en.into(), sv.into())
}

/// The regression's standard error.
pub fn did_se(
    v: effekt_models::VarianceEstimator,
    g: usize,
    cluster: &str,
    lang: Language,
) -> String {
    use effekt_models::VarianceEstimator as V;
    match (v, lang) {
        (V::Cr2, Language::En) => format!(
            "t test with CR2 standard errors clustered by {cluster} ({g} clusters) and Satterthwaite df"
        ),
        (V::Cr2, Language::Sv) => format!(
            "t-test med CR2-medelfel klustrade på {cluster} ({g} kluster) och Satterthwaites frihetsgrader"
        ),
        (_, Language::En) => format!(
            "t test with {v} standard errors clustered by {cluster} ({g} clusters), G − 1 df"
        ),
        (_, Language::Sv) => format!(
            "t-test med {v}-medelfel klustrade på {cluster} ({g} kluster), G − 1 frihetsgrader"
        ),
    }
}

/// Callaway–Sant'Anna estimate name by aggregation.
pub fn cs_name(
    fit: &effekt_did::cs::CsFit,
    agg: crate::study::DidAggregate,
    lang: Language,
) -> String {
    use crate::study::DidAggregate as A;
    let est = match (fit.estimator, lang) {
        (effekt_did::cs::CsEstimator::Dr, Language::En) => "doubly robust",
        (effekt_did::cs::CsEstimator::Dr, Language::Sv) => "dubbelt robust",
        (effekt_did::cs::CsEstimator::Ipw, Language::En) => "IPW",
        (effekt_did::cs::CsEstimator::Ipw, Language::Sv) => "IPW",
        (effekt_did::cs::CsEstimator::Or, Language::En) => "outcome regression",
        (effekt_did::cs::CsEstimator::Or, Language::Sv) => "utfallsregression",
    };
    let control = match (fit.control_group, lang) {
        (effekt_did::cs::ControlGroup::NeverTreated, Language::En) => "never-treated controls",
        (effekt_did::cs::ControlGroup::NeverTreated, Language::Sv) => {
            "aldrig behandlade som kontroller"
        }
        (effekt_did::cs::ControlGroup::NotYetTreated, Language::En) => "not-yet-treated controls",
        (effekt_did::cs::ControlGroup::NotYetTreated, Language::Sv) => {
            "ännu ej behandlade som kontroller"
        }
    };
    let a = match (agg, lang) {
        (A::Simple, Language::En) => "simple average of the ATT(g,t)",
        (A::Simple, Language::Sv) => "enkel sammanvägning av ATT(g,t)",
        (A::Group, Language::En) => "average over cohorts",
        (A::Group, Language::Sv) => "medelvärde över startkohorter",
        (A::Dynamic, Language::En) => "average over event times ≥ 0",
        (A::Dynamic, Language::Sv) => "medelvärde över händelsetider ≥ 0",
        (A::Calendar, Language::En) => "average over calendar periods",
        (A::Calendar, Language::Sv) => "medelvärde över kalenderperioder",
    };
    format!("Callaway & Sant'Anna, {a} ({est}, {control})")
}

/// Callaway–Sant'Anna inference.
pub fn cs_inference(fit: &effekt_did::cs::CsFit, lang: Language) -> String {
    let clustered = fit.cluster.clone();
    match (fit.resamples, lang) {
        (Some(b), Language::En) => format!(
            "normal interval with influence-function standard errors from the multiplier bootstrap (B = {b}{})",
            clustered
                .map(|c| format!(", clustered by {c}"))
                .unwrap_or_else(|| ", clustered by unit".into())
        ),
        (Some(b), Language::Sv) => format!(
            "normalintervall med medelfel från influensfunktionen via multiplikatorbootstrap (B = {b}{})",
            clustered
                .map(|c| format!(", klustrat på {c}"))
                .unwrap_or_else(|| ", klustrat på enhet".into())
        ),
        (None, Language::En) => {
            "normal interval with analytic influence-function standard errors".into()
        }
        (None, Language::Sv) => {
            "normalintervall med analytiska medelfel från influensfunktionen".into()
        }
    }
}

/// Why Callaway–Sant'Anna inference.
pub fn cs_reason(fit: &effekt_did::cs::CsFit, lang: Language) -> String {
    let _ = fit;
    pick(
            lang,
            "the definitions of R did / csdid (Callaway & Sant'Anna 2021): standard errors from the influence functions of the ATT(g,t), bootstrapped with multipliers per cluster, which keeps every unit's periods together".into(),
            "definitionerna i R-paketet did / csdid (Callaway & Sant'Anna 2021): medelfel från ATT(g,t):s influensfunktioner, bootstrappade med multiplikatorer per kluster, vilket håller ihop varje enhets perioder".into(),
        )
}

/// A Callaway–Sant'Anna tidy term: `key` is `simple`, `g` (cohort), `e` (event time) or `t`
/// (calendar period); `value` the cohort / event time / period, `None` for the average.
pub fn cs_term(key: &str, value: Option<f64>, lang: Language) -> String {
    let v = value.map(|x| crate::i18n::fmt_period(x, lang));
    match (key, v, lang) {
        ("g", Some(v), Language::En) => format!("ATT, cohort starting {v}"),
        ("g", Some(v), Language::Sv) => format!("ATT, kohort med start {v}"),
        ("g", None, Language::En) => "ATT, average over cohorts".into(),
        ("g", None, Language::Sv) => "ATT, medelvärde över kohorter".into(),
        ("e", Some(v), Language::En) => format!("ATT, {v} periods from the start"),
        ("e", Some(v), Language::Sv) => format!("ATT, {v} perioder från start"),
        ("e", None, Language::En) => "ATT, average over event times ≥ 0".into(),
        ("e", None, Language::Sv) => "ATT, medelvärde över händelsetider ≥ 0".into(),
        ("t", Some(v), Language::En) => format!("ATT, period {v}"),
        ("t", Some(v), Language::Sv) => format!("ATT, period {v}"),
        ("t", None, Language::En) => "ATT, average over periods".into(),
        ("t", None, Language::Sv) => "ATT, medelvärde över perioder".into(),
        (_, _, Language::En) => "ATT, simple average".into(),
        (_, _, Language::Sv) => "ATT, enkel sammanvägning".into(),
    }
}

/// The pre-trend test taken from a TWFE event study.
pub fn pretest_fallback(method: &str, lang: Language) -> String {
    pick(
        lang,
        format!(
            "joint test of the leads of a two-way fixed-effects event study ({method}); the Callaway–Sant'Anna Wald pre-test is not defined here (singular covariance of the pre-treatment ATT(g,t))"
        ),
        format!(
            "gemensamt test av de ledande termerna i en händelsestudie med tvåvägs fixa effekter ({method}); Callaway–Sant'Annas Wald-test före start är inte definierat här (singulär kovariansmatris för ATT(g,t) före start)"
        ),
    )
}

/// Warning: small adoption cohorts (without their sizes).
pub fn small_cohorts(lang: Language) -> String {
    pick(
            lang,
            "some adoption cohorts have fewer than 5 units: their group-time effects rest on very few observations".into(),
            "några startkohorter har färre än 5 enheter: deras grupp- och tidsspecifika effekter bygger på mycket få observationer".into(),
        )
}

/// Callaway–Sant'Anna pre-test.
pub fn cs_pretest(lang: Language) -> String {
    pick(
        lang,
        "Wald test that every pre-treatment ATT(g,t) is 0 (χ²; Callaway & Sant'Anna 2021)".into(),
        "Wald-test av att alla ATT(g,t) före start är 0 (χ²; Callaway & Sant'Anna 2021)".into(),
    )
}

/// Note beside the TWFE alternative.
pub fn twfe_note(lang: Language) -> String {
    pick(
            lang,
            "one coefficient for all treated unit-periods; with staggered timing and effects that change over time it can be biased (see the decomposition)".into(),
            "en koefficient för alla behandlade enhetsperioder; vid stegvis införande och effekter som ändras över tid kan den vara snedvriden (se uppdelningen)".into(),
        )
}

/// Note beside the Callaway–Sant'Anna alternative.
pub fn cs_note(lang: Language) -> String {
    pick(
            lang,
            "simple aggregation of the group-time effects; robust to effects that differ between cohorts and over time".into(),
            "enkel sammanvägning av grupp- och tidsspecifika effekter; robust mot effekter som skiljer sig mellan kohorter och över tid".into(),
        )
}

/// Wild cluster bootstrap alternative.
pub fn wild(weights: &str, b: usize, enumerated: bool, g: usize, lang: Language) -> String {
    match (enumerated, lang) {
        (true, Language::En) => {
            format!("wild cluster bootstrap (WCR, {weights}, all {b} sign vectors of {g} clusters)")
        }
        (false, Language::En) => {
            format!("wild cluster bootstrap (WCR, {weights}, B = {b}, {g} clusters)")
        }
        (true, Language::Sv) => format!(
            "vild klusterbootstrap (WCR, {weights}, alla {b} teckenkombinationer för {g} kluster)"
        ),
        (false, Language::Sv) => {
            format!("vild klusterbootstrap (WCR, {weights}, B = {b}, {g} kluster)")
        }
    }
}

/// Warning: the wild bootstrap with so few clusters that Rademacher weights are too coarse
/// (`webb`: the default switched to Webb weights; otherwise Rademacher weights were asked
/// for).
pub fn wild_few_clusters(g: usize, webb: bool, lang: Language) -> String {
    let draws = 1u64 << g.min(63);
    match (webb, lang) {
        (true, Language::En) => format!(
            "only {g} clusters: the wild cluster bootstrap used Webb weights instead of Rademacher weights, which have only 2^{g} = {draws} distinct draws here and give too coarse p-values (Webb 2023); with so few clusters every cluster-robust result is fragile"
        ),
        (true, Language::Sv) => format!(
            "bara {g} kluster: den vilda klusterbootstrapen använde Webbs vikter i stället för Rademachervikter, som här bara har 2^{g} = {draws} olika dragningar och ger för grova p-värden (Webb 2023); med så få kluster är alla klusterrobusta resultat osäkra"
        ),
        (false, Language::En) => format!(
            "only {g} clusters with Rademacher weights in the wild cluster bootstrap: only 2^{g} = {draws} distinct draws, so its p-value is too coarse for a 5% test; use wild_weights = \"webb\" (Webb 2023)"
        ),
        (false, Language::Sv) => format!(
            "bara {g} kluster med Rademachervikter i den vilda klusterbootstrapen: bara 2^{g} = {draws} olika dragningar, så p-värdet är för grovt för ett test på 5 % nivå; använd wild_weights = \"webb\" (Webb 2023)"
        ),
    }
}

/// Why the wild bootstrap ran.
pub fn wild_reason(g: usize, min: usize, lang: Language) -> String {
    pick(
        lang,
        format!(
            "; {g} clusters (fewer than {min}), so the wild cluster bootstrap (Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017) is shown among the alternatives"
        ),
        format!(
            "; {g} kluster (färre än {min}), så vild klusterbootstrap (Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017) redovisas bland alternativen"
        ),
    )
}

/// A Goodman-Bacon comparison kind.
pub fn bacon_kind(k: effekt_did::BaconKind, lang: Language) -> String {
    use effekt_did::BaconKind as K;
    let (en, sv) = match k {
        K::TreatedVsNever => (
            "treated vs never treated",
            "behandlade mot aldrig behandlade",
        ),
        K::EarlierVsLater => (
            "earlier vs later treated (not yet treated as comparison)",
            "tidigare mot senare behandlade (ännu ej behandlade som jämförelse)",
        ),
        K::LaterVsEarlier => (
            "later vs earlier treated (already treated as comparison)",
            "senare mot tidigare behandlade (redan behandlade som jämförelse)",
        ),
    };
    pick(lang, en.into(), sv.into())
}

/// What the decomposition shows.
pub fn bacon_note(lang: Language) -> String {
    pick(
            lang,
            "The TWFE coefficient is a weighted average of these 2×2 comparisons (Goodman-Bacon 2021). Comparisons against already-treated units use a comparison group that is itself affected by the intervention; a large weight on them, with estimates unlike the others, is a sign that TWFE is biased and the Callaway–Sant'Anna estimate should be preferred.".into(),
            "TWFE-koefficienten är ett viktat medelvärde av dessa 2×2-jämförelser (Goodman-Bacon 2021). Jämförelser mot enheter som redan fått insatsen använder en jämförelsegrupp som själv påverkas av insatsen; stor vikt på dem, med skattningar som avviker från de andra, tyder på att TWFE är snedvriden och att Callaway–Sant'Anna-skattningen bör föredras.".into(),
        )
}

/// What Callaway–Sant'Anna's data checks dropped or recoded (`CsFit::dropped`), for the
/// report's warnings: how many units and why. A count of units below the privacy threshold is
/// given as "fewer than k".
pub fn cs_dropped(d: &effekt_did::cs::CsDropped, threshold: u32, lang: Language) -> String {
    use effekt_did::cs::DropReason;
    let n = if crate::analysis::is_small(d.units, threshold) {
        pick(
            lang,
            format!("fewer than {threshold}"),
            format!("färre än {threshold}"),
        )
    } else {
        d.units.to_string()
    };
    match d.reason {
        DropReason::Unbalanced => pick(
            lang,
            format!(
                "{n} unit(s) not observed in every period were left out of the Callaway–Sant'Anna estimate to balance the panel; the estimate describes the units observed in every period (`sampling = unbalanced_panel` in the study keeps them)"
            ),
            format!(
                "{n} enheter som inte observerats i alla perioder lämnades utanför Callaway–Sant'Anna-skattningen för att balansera panelen; skattningen gäller de enheter som observerats i alla perioder (`sampling = unbalanced_panel` i studiefilen behåller dem)"
            ),
        ),
        DropReason::AlreadyTreated => pick(
            lang,
            format!(
                "{n} unit(s) already treated in the first period were left out of the Callaway–Sant'Anna estimate: they have no period before treatment to compare with"
            ),
            format!(
                "{n} enheter som redan behandlades i första perioden lämnades utanför Callaway–Sant'Anna-skattningen: de har ingen period före behandlingen att jämföra med"
            ),
        ),
        DropReason::NoControlsInLatePeriods => pick(
            lang,
            "the periods without not-yet-treated comparison units were left out of the Callaway–Sant'Anna estimate; the last cohort serves only as a comparison group".into(),
            "perioderna utan jämförelseenheter som ännu inte behandlats lämnades utanför Callaway–Sant'Anna-skattningen; den sista kohorten används bara som jämförelsegrupp".into(),
        ),
        DropReason::TreatedAfterLastPeriod => pick(
            lang,
            format!(
                "{n} unit(s) first treated after the last period count as never treated in the Callaway–Sant'Anna estimate"
            ),
            format!(
                "{n} enheter som började behandlas först efter sista perioden räknas som aldrig behandlade i Callaway–Sant'Anna-skattningen"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_did::cs::{CsDropped, DropReason};

    fn dropped(reason: DropReason, units: usize) -> CsDropped {
        CsDropped {
            reason,
            units,
            rows: units * 2,
            detail: String::new(),
            examples: Vec::new(),
        }
    }

    #[test]
    fn dropped_units_are_said_in_both_languages_with_small_counts_coarsened() {
        let d = dropped(DropReason::Unbalanced, 13);
        let en = cs_dropped(&d, 5, Language::En);
        let sv = cs_dropped(&d, 5, Language::Sv);
        assert!(
            en.starts_with("13 unit(s) not observed in every period"),
            "{en}"
        );
        assert!(
            sv.starts_with("13 enheter som inte observerats i alla perioder"),
            "{sv}"
        );
        let small = dropped(DropReason::AlreadyTreated, 3);
        assert!(cs_dropped(&small, 5, Language::En).starts_with("fewer than 5 unit(s)"));
        assert!(cs_dropped(&small, 5, Language::Sv).starts_with("färre än 5 enheter"));
        for r in [
            DropReason::Unbalanced,
            DropReason::AlreadyTreated,
            DropReason::TreatedAfterLastPeriod,
            DropReason::NoControlsInLatePeriods,
        ] {
            let d = dropped(r, 7);
            assert_ne!(
                cs_dropped(&d, 5, Language::En),
                cs_dropped(&d, 5, Language::Sv)
            );
        }
    }
}
