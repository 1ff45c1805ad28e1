//! Texts of the inference the report computes itself (method names, reasons, warnings, notes),
//! in English and Swedish: the design-specific texts in [`rct`], [`matching`] and [`did`]
//! (re-exported here, so callers write `inference::analytic_dim`), the shared ones (bootstrap,
//! headline, few clusters, subgroups, contract) below.

use super::Language;

mod did;
mod matching;
mod rct;

pub use did::*;
pub use matching::*;
pub use rct::*;

fn pick(lang: Language, en: String, sv: String) -> String {
    match lang {
        Language::En => en,
        Language::Sv => sv,
    }
}

/// Subgroup note: the column varies within units.
pub fn subgroup_varies_within_units(column: &str, unit: &str, lang: Language) -> String {
    pick(
        lang,
        format!(
            "`{column}` changes within units (`{unit}`), so the panel cannot be split by it; no effects by `{column}` are estimated"
        ),
        format!(
            "`{column}` varierar inom enheter (`{unit}`), så panelen kan inte delas upp efter den; inga effekter per `{column}` skattas"
        ),
    )
}

/// Subgroup note: the re-fit failed in a level.
pub fn subgroup_level_failed(column: &str, level: &str, err: &str, lang: Language) -> String {
    pick(
        lang,
        format!("`{column}` = {level}: no effect could be estimated ({err})"),
        format!("`{column}` = {level}: ingen effekt kunde skattas ({err})"),
    )
}

/// Test of two independent subgroup estimates.
pub fn test_independent(t: bool, lang: Language) -> String {
    match (t, lang) {
            (true, Language::En) => "test of the difference between the two independent estimates, SE = √(SE₁² + SE₂²), Welch–Satterthwaite df".into(),
            (true, Language::Sv) => "test av skillnaden mellan de två oberoende skattningarna, medelfel √(SE₁² + SE₂²), Welch–Satterthwaites frihetsgrader".into(),
            (false, Language::En) => "z test of the difference between the two independent estimates, SE = √(SE₁² + SE₂²)".into(),
            (false, Language::Sv) => "z-test av skillnaden mellan de två oberoende skattningarna, medelfel √(SE₁² + SE₂²)".into(),
        }
}

/// Cochran's Q.
pub fn test_cochran(lang: Language) -> String {
    pick(
            lang,
            "Cochran's Q test of equal effects across the independent estimates (χ² with K − 1 df)".into(),
            "Cochrans Q-test av lika effekter mellan de oberoende skattningarna (χ² med K − 1 frihetsgrader)".into(),
        )
}

/// Bootstrap scheme of a difference in means.
pub fn scheme(clustered: bool, nested: bool, lang: Language) -> String {
    match (clustered, nested, lang) {
        (false, _, Language::En) => "stratified by arm".into(),
        (false, _, Language::Sv) => "stratifierad per grupp".into(),
        (true, true, Language::En) => "whole clusters resampled within each arm".into(),
        (true, true, Language::Sv) => "hela kluster dras inom varje grupp".into(),
        (true, false, Language::En) => "whole clusters resampled".into(),
        (true, false, Language::Sv) => "hela kluster dras".into(),
    }
}

/// A bootstrap interval as the headline's interval method.
pub fn bootstrap(name: &str, scheme: &str, b: usize, seed: u64, lang: Language) -> String {
    pick(
        lang,
        format!("{name} bootstrap, {scheme} (B = {b}, seed {seed})"),
        format!("{name}-bootstrap, {scheme} (B = {b}, frö {seed})"),
    )
}

/// A bootstrap interval among the alternatives.
pub fn bootstrap_alternative(name: &str, scheme: &str, b: usize, lang: Language) -> String {
    pick(
        lang,
        format!("{name} bootstrap interval, {scheme} (B = {b})"),
        format!("{name}-bootstrapintervall, {scheme} (B = {b})"),
    )
}

/// A requested interval method that fell back.
pub fn fallback(requested: &str, used: &str, lang: Language) -> String {
    pick(
        lang,
        format!("{requested} was requested but is not defined here; {used} used instead"),
        format!("{requested} begärdes men är inte definierat här; {used} används i stället"),
    )
}

/// "t with 7.0 df".
pub fn t_df(df: f64, lang: Language) -> String {
    pick(
        lang,
        format!("t with {} df", super::fmt_num(df, 1, lang)),
        format!("t med {} frihetsgrader", super::fmt_num(df, 1, lang)),
    )
}

/// Headline method when the analytic interval is used.
pub fn headline_analytic(analytic: &str, lang: Language) -> String {
    pick(
        lang,
        format!("{analytic} for the interval and the p-value"),
        format!("{analytic} för intervallet och p-värdet"),
    )
}

/// Headline method when the bootstrap interval is used.
pub fn headline_bootstrap(interval: &str, analytic: &str, lang: Language) -> String {
    pick(
        lang,
        format!("{interval}; p-value from a {analytic}"),
        format!("{interval}; p-värde från {analytic}"),
    )
}

/// Why: few clusters.
pub fn reason_few_clusters(g: usize, min: usize, lang: Language) -> String {
    pick(
        lang,
        format!(
            "{g} clusters (fewer than {min}): CR2 standard errors with Satterthwaite df stay valid with few clusters (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018), the cluster bootstrap does not (Cameron, Gelbach & Miller 2008); the bootstrap is shown among the alternatives"
        ),
        format!(
            "{g} kluster (färre än {min}): CR2-medelfel med Satterthwaites frihetsgrader håller även med få kluster (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018), klusterbootstrap gör det inte (Cameron, Gelbach & Miller 2008); bootstrapintervallet redovisas bland alternativen"
        ),
    )
}

/// Why: many clusters.
pub fn reason_clusters(g: usize, lang: Language) -> String {
    pick(
        lang,
        format!(
            "{g} clusters: the bootstrap resamples whole clusters so the interval respects the clustering; the p-value uses CR2 standard errors with Satterthwaite df (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018)"
        ),
        format!(
            "{g} kluster: bootstrap drar hela kluster så att intervallet tar hänsyn till klustringen; p-värdet bygger på CR2-medelfel med Satterthwaites frihetsgrader (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018)"
        ),
    )
}

/// Why: independent units.
pub fn reason_independent(lang: Language) -> String {
    pick(
            lang,
            "units are independent: the bootstrap keeps the group sizes fixed as in the design; HC2 standard errors equal Neyman's variance for a difference in means (Samii & Aronow 2012)".into(),
            "enheterna är oberoende: bootstrap behåller gruppstorlekarna som i designen; HC2-medelfel är lika med Neymans varians för en skillnad i medelvärden (Samii & Aronow 2012)".into(),
        )
}

/// Warning: a small group.
pub fn small_group(treated: bool, k: usize, min: usize, lang: Language) -> String {
    match lang {
        Language::En => format!(
            "the {} group has {k} units (fewer than {min}): intervals rest on small-sample approximations; read them with care",
            if treated { "treated" } else { "comparison" }
        ),
        Language::Sv => format!(
            "{} har {k} enheter (färre än {min}): intervallen bygger på approximationer för små urval; tolka dem försiktigt",
            if treated {
                "insatsgruppen"
            } else {
                "jämförelsegruppen"
            }
        ),
    }
}

/// Warning: few clusters.
pub fn few_clusters(g: usize, min: usize, lang: Language) -> String {
    pick(
        lang,
        format!(
            "{g} clusters (fewer than {min}): every interval is wide and approximate; the cluster bootstrap among the alternatives is unreliable with so few clusters"
        ),
        format!(
            "{g} kluster (färre än {min}): alla intervall är breda och ungefärliga; klusterbootstrap bland alternativen är opålitlig med så få kluster"
        ),
    )
}

/// Warning: the contract rests on a cluster bootstrap with few clusters.
pub fn contract_few_clusters(g: usize, min: usize, lang: Language) -> String {
    pick(
        lang,
        format!(
            "contract: the probabilities come from a cluster bootstrap with only {g} clusters (fewer than {min}); treat them as rough"
        ),
        format!(
            "kontrakt: sannolikheterna bygger på klusterbootstrap med bara {g} kluster (färre än {min}); se dem som grova"
        ),
    )
}

/// Warning: replicates left out of the contract.
pub fn contract_nonfinite(k: usize, b: usize, lang: Language) -> String {
    pick(
        lang,
        format!(
            "contract: {k} of {b} bootstrap replicates were not finite for some outcome and were left out of the contract evaluation"
        ),
        format!(
            "kontrakt: {k} av {b} bootstrapreplikat var inte ändliga för något utfallsmått och ingår inte i utvärderingen av kontraktet"
        ),
    )
}

/// Subgroup difference test: two levels.
pub fn test_interaction(clustered: bool, lang: Language) -> String {
    match (clustered, lang) {
        (true, Language::En) => {
            "t test of the interaction, CR2 standard error with Satterthwaite df".into()
        }
        (true, Language::Sv) => {
            "t-test av samspelstermen, CR2-medelfel med Satterthwaites frihetsgrader".into()
        }
        (false, Language::En) => "t test of the interaction, HC2 standard error (n − 4 df)".into(),
        (false, Language::Sv) => {
            "t-test av samspelstermen, HC2-medelfel (n − 4 frihetsgrader)".into()
        }
    }
}

/// Subgroup difference test: several levels.
pub fn test_joint(clustered: bool, lang: Language) -> String {
    match (clustered, lang) {
        (true, Language::En) => {
            "Wald test of the interactions, HTZ with CR2 (Pustejovsky & Tipton 2018)".into()
        }
        (true, Language::Sv) => {
            "Wald-test av samspelstermerna, HTZ med CR2 (Pustejovsky & Tipton 2018)".into()
        }
        (false, Language::En) => "Wald F test of the interactions, HC2".into(),
        (false, Language::Sv) => "Wald-F-test av samspelstermerna, HC2".into(),
    }
}

/// Subgroup note: rows without a value.
pub fn subgroup_missing(k: usize, column: &str, lang: Language) -> String {
    subgroup_missing_shown(&k.to_string(), column, lang)
}

/// Subgroup note: rows without a value, their number as published ("about 10", "< 5").
pub fn subgroup_missing_shown(k: &str, column: &str, lang: Language) -> String {
    pick(
        lang,
        format!(
            "{k} analysed unit(s) have no value in `{column}` and are left out of this breakdown"
        ),
        format!(
            "{k} analyserade enheter saknar värde i `{column}` och ingår inte i denna uppdelning"
        ),
    )
}

/// Subgroup note: a level without an estimable effect.
pub fn subgroup_not_estimable(column: &str, level: &str, lang: Language) -> String {
    pick(
        lang,
        format!("`{column}` = {level}: fewer than 2 units in an arm, no effect can be estimated"),
        format!("`{column}` = {level}: färre än 2 enheter i en grupp, ingen effekt kan skattas"),
    )
}

/// Subgroup note: the regression failed.
pub fn subgroup_failed(column: &str, err: &str, lang: Language) -> String {
    pick(
        lang,
        format!("the effects by `{column}` could not be estimated: {err}"),
        format!("effekterna per `{column}` kunde inte skattas: {err}"),
    )
}

/// Subgroup note: too few clusters for the joint test.
pub fn subgroup_few_clusters(lang: Language) -> String {
    pick(
        lang,
        "too few clusters for the joint test of equal effects".into(),
        "för få kluster för det gemensamma testet av lika effekter".into(),
    )
}
