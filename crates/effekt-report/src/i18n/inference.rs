use super::Language;

fn pick(lang: Language, en: String, sv: String) -> String {
    match lang {
        Language::En => en,
        Language::Sv => sv,
    }
}

/// Name of the difference-in-means estimator.
pub fn dim_name(lang: Language) -> String {
    pick(
        lang,
        "difference in means".into(),
        "skillnad i medelvärden".into(),
    )
}

/// The analytic t test of the treatment coefficient.
pub fn analytic(clustered: bool, lang: Language) -> String {
    match (clustered, lang) {
        (true, Language::En) => "t test with CR2 standard errors and Satterthwaite df".into(),
        (true, Language::Sv) => "t-test med CR2-medelfel och Satterthwaites frihetsgrader".into(),
        (false, Language::En) => "t test with HC2 standard errors (n − 2 df)".into(),
        (false, Language::Sv) => "t-test med HC2-medelfel (n − 2 frihetsgrader)".into(),
    }
}

/// The analytic test of effekt-rct's difference in means, by the variance it used.
pub fn analytic_dim(variance: effekt_rct::Variance, lang: Language) -> String {
    use effekt_rct::Variance as V;
    let (en, sv) = match variance {
        V::Neyman => (
            "t test with the Neyman (HC2) standard error and Welch df",
            "t-test med Neymans (HC2) medelfel och Welchs frihetsgrader",
        ),
        V::BlockedNeyman => (
            "t test with the block-weighted Neyman standard error (N − 2J df)",
            "t-test med blockviktat Neyman-medelfel (N − 2J frihetsgrader)",
        ),
        V::MatchedPairs => (
            "t test with the matched-pair standard error (J − 1 df)",
            "t-test med medelfel för matchade par (J − 1 frihetsgrader)",
        ),
        V::MatchedPairsOfClusters => (
            "t test with the standard error for matched pairs of clusters (J − 1 df)",
            "t-test med medelfel för matchade par av kluster (J − 1 frihetsgrader)",
        ),
        V::Cr2 => (
            "t test with CR2 standard errors and Satterthwaite df",
            "t-test med CR2-medelfel och Satterthwaites frihetsgrader",
        ),
        V::BlockedCr2 => (
            "t test with block-weighted CR2 standard errors (C − 2J df)",
            "t-test med blockviktade CR2-medelfel (C − 2J frihetsgrader)",
        ),
        V::Hc2 => (
            "t test with HC2 standard errors (n − k df)",
            "t-test med HC2-medelfel (n − k frihetsgrader)",
        ),
    };
    pick(lang, en.into(), sv.into())
}

/// The analytic test of a regression-adjusted estimator.
pub fn analytic_regression(name: &str, clustered: bool, lang: Language) -> String {
    match (clustered, lang) {
        (true, Language::En) => {
            format!("{name}: t test with CR2 standard errors and Satterthwaite df")
        }
        (true, Language::Sv) => {
            format!("{name}: t-test med CR2-medelfel och Satterthwaites frihetsgrader")
        }
        (false, Language::En) => format!("{name}: t test with HC2 standard errors (n − k df)"),
        (false, Language::Sv) => {
            format!("{name}: t-test med HC2-medelfel (n − k frihetsgrader)")
        }
    }
}

/// The randomised design's estimator in words.
pub fn rct_estimator_name(
    estimator: effekt_rct::Estimator,
    design: effekt_rct::Design,
    lang: Language,
) -> String {
    use effekt_rct::{Design as D, Estimator as E};
    let est = match (estimator, lang) {
        (E::DifferenceInMeans, Language::En) => "difference in means",
        (E::DifferenceInMeans, Language::Sv) => "skillnad i medelvärden",
        (E::Ancova, Language::En) => "regression adjustment (ANCOVA)",
        (E::Ancova, Language::Sv) => "regressionsjustering (ANCOVA)",
        (E::Lin, Language::En) => "Lin's interacted regression adjustment",
        (E::Lin, Language::Sv) => "Lins regressionsjustering med samspel",
    };
    let d = match (design, lang) {
        (D::Standard, _) => return est.to_string(),
        (D::Blocked, Language::En) => "block-randomised",
        (D::Blocked, Language::Sv) => "blockrandomiserad",
        (D::MatchedPair, Language::En) => "matched pairs",
        (D::MatchedPair, Language::Sv) => "matchade par",
        (D::Clustered, Language::En) => "clustered",
        (D::Clustered, Language::Sv) => "klustrad",
        (D::BlockClustered, Language::En) => "blocks and clusters",
        (D::BlockClustered, Language::Sv) => "block och kluster",
        (D::MatchedPairClustered, Language::En) => "matched pairs of clusters",
        (D::MatchedPairClustered, Language::Sv) => "matchade par av kluster",
    };
    format!("{est} ({d})")
}

/// effekt-rct's bootstrap scheme description in the report's language.
pub fn rct_scheme(description: &str, lang: Language) -> String {
    let (en, sv) = match description {
        "pair bootstrap: whole pairs (blocks) resampled with replacement" => {
            ("whole pairs resampled", "hela par dras")
        }
        "cluster bootstrap: whole clusters resampled within arm" => (
            "whole clusters resampled within each arm",
            "hela kluster dras inom varje grupp",
        ),
        "cluster bootstrap: whole clusters resampled within block and arm" => (
            "whole clusters resampled within each block and arm",
            "hela kluster dras inom varje block och grupp",
        ),
        "cluster bootstrap: whole clusters resampled within blocks" => (
            "whole clusters resampled within blocks",
            "hela kluster dras inom block",
        ),
        "cluster bootstrap: whole clusters resampled" => {
            ("whole clusters resampled", "hela kluster dras")
        }
        "stratified bootstrap: rows resampled within arm" => {
            ("stratified by arm", "stratifierad per grupp")
        }
        "stratified bootstrap: rows resampled within block and arm" => (
            "stratified by block and arm",
            "stratifierad per block och grupp",
        ),
        other => (other, other),
    };
    pick(lang, en.into(), sv.into())
}

/// How `data.cluster` was treated in a randomised design.
pub fn cluster_role(assigned: bool, auto: bool, lang: Language) -> String {
    let how = match (assigned, auto, lang) {
        (true, true, Language::En) => {
            "every cluster is in one arm, so the clusters are taken as the units of randomisation (cluster_assignment = \"auto\")"
        }
        (false, true, Language::En) => {
            "clusters contain both arms, so individuals are taken as randomised and the clusters as a sampling structure (cluster_assignment = \"auto\")"
        }
        (true, false, Language::En) => {
            "the clusters were randomised (cluster_assignment = \"cluster\")"
        }
        (false, false, Language::En) => {
            "individuals were randomised; the clusters are a sampling structure (cluster_assignment = \"individual\")"
        }
        (true, true, Language::Sv) => {
            "varje kluster finns i en grupp, så klustren behandlas som randomiseringsenheter (cluster_assignment = \"auto\")"
        }
        (false, true, Language::Sv) => {
            "klustren innehåller båda grupperna, så individerna behandlas som randomiserade och klustren som en urvalsstruktur (cluster_assignment = \"auto\")"
        }
        (true, false, Language::Sv) => "klustren randomiserades (cluster_assignment = \"cluster\")",
        (false, false, Language::Sv) => {
            "individerna randomiserades; klustren är en urvalsstruktur (cluster_assignment = \"individual\")"
        }
    };
    format!("; {how}")
}

/// Randomisation inference in words.
pub fn randomization(exact: bool, assignments: usize, permuted: &str, lang: Language) -> String {
    let (permuted, permuted_sv) = match permuted {
        "whole clusters within blocks" => {
            ("whole clusters within blocks", "hela kluster inom block")
        }
        "whole clusters" => ("whole clusters", "hela kluster"),
        "rows within blocks" => ("units within blocks", "enheter inom block"),
        _ => ("units", "enheter"),
    };
    match (exact, lang) {
        (true, Language::En) => {
            format!("randomisation inference, exact (all {assignments} assignments of {permuted})")
        }
        (false, Language::En) => format!(
            "randomisation inference, Monte Carlo ({assignments} random assignments of {permuted})"
        ),
        (true, Language::Sv) => format!(
            "randomiseringsinferens, exakt (alla {assignments} tilldelningar av {permuted_sv})"
        ),
        (false, Language::Sv) => format!(
            "randomiseringsinferens, Monte Carlo ({assignments} slumpade tilldelningar av {permuted_sv})"
        ),
    }
}

/// Appended to the headline method when randomisation inference ran.
pub fn and_randomization(what: &str, lang: Language) -> String {
    pick(lang, format!("; also {what}"), format!("; dessutom {what}"))
}

/// Why randomisation inference ran.
pub fn reason_randomization(requested: bool, lang: Language) -> String {
    match (requested, lang) {
            (true, Language::En) => "; randomisation inference was requested in the study file".into(),
            (true, Language::Sv) => "; randomiseringsinferens begärdes i studiefilen".into(),
            (false, Language::En) => "; an arm has fewer than 30 randomisation units, so randomisation inference, which is exact under the sharp null of no effect whatever the sample size, is reported beside the analytic test (Fisher 1935; Imbens & Rubin 2015)".into(),
            (false, Language::Sv) => "; en grupp har färre än 30 randomiseringsenheter, så randomiseringsinferens, som är exakt under den skarpa nollhypotesen om ingen effekt oavsett urvalsstorlek, redovisas bredvid det analytiska testet (Fisher 1935; Imbens & Rubin 2015)".into(),
        }
}

/// Note on the randomisation-inference interval.
pub fn randomization_note(connected: bool, mc_se: Option<f64>, lang: Language) -> String {
    let mut s = pick(
            lang,
            "p-value of the sharp null; interval by test inversion for a constant additive effect".into(),
            "p-värde för den skarpa nollhypotesen; intervall genom testinvertering för en konstant additiv effekt".into(),
        );
    if !connected {
        s.push_str(&pick(
            lang,
            " (the accepted set is not one interval; its hull is shown)".into(),
            " (mängden accepterade värden är inte ett intervall; dess hölje visas)".into(),
        ));
    }
    if let Some(se) = mc_se {
        s.push_str(&pick(
            lang,
            format!("; Monte Carlo error of p {}", super::fmt_num(se, 4, lang)),
            format!("; Monte Carlo-fel i p {}", super::fmt_num(se, 4, lang)),
        ));
    }
    s
}

/// A matching drop reason (effekt-matching's code) in the report's language.
pub fn drop_reason(code: &str, lang: Language) -> Option<String> {
    let (en, sv) = match code {
        "outside-common-support" => (
            "propensity score outside the common support",
            "tillhörighetspoäng utanför det gemensamma stödet",
        ),
        "no-match-in-exact-stratum" => (
            "no unit of the other group with the same exact-matching values",
            "ingen enhet i den andra gruppen med samma värden för exakt matchning",
        ),
        "outside-caliper" => (
            "no unit of the other group within the caliper",
            "ingen enhet i den andra gruppen inom calipern",
        ),
        "matches-used-up" => (
            "every comparison unit within the caliper was already used",
            "alla jämförelseenheter inom calipern var redan använda",
        ),
        "not-selected" => ("not chosen as a match", "inte vald som matchning"),
        "no-match-in-cem-stratum" => (
            "no unit of the other group in the same coarsened stratum",
            "ingen enhet i den andra gruppen i samma grovindelade stratum",
        ),
        "trimmed" => (
            "propensity score outside the trimming bounds",
            "tillhörighetspoäng utanför trimningsgränserna",
        ),
        _ => return None,
    };
    Some(pick(lang, en.into(), sv.into()))
}

/// How the comparison group was built.
pub fn matching_method(
    s: &effekt_matching::Settings,
    caliper: Option<&effekt_matching::CaliperInfo>,
    lang: Language,
) -> String {
    use effekt_matching::{Distance, Method};
    let dist = match (s.distance, lang) {
        (Some(Distance::Ps), Language::En) => "the propensity score",
        (Some(Distance::Ps), Language::Sv) => "tillhörighetspoängen (propensity score)",
        (Some(Distance::Logit), Language::En) => "the logit of the propensity score",
        (Some(Distance::Logit), Language::Sv) => "logit av tillhörighetspoängen (propensity score)",
        (Some(Distance::Mahalanobis), Language::En) => "the Mahalanobis distance",
        (Some(Distance::Mahalanobis), Language::Sv) => "Mahalanobisavståndet",
        (Some(Distance::RobustMahalanobis), Language::En) => "the robust Mahalanobis distance",
        (Some(Distance::RobustMahalanobis), Language::Sv) => "det robusta Mahalanobisavståndet",
        (None, _) => "",
    };
    let est = s.estimand.name();
    let cal = caliper
        .and_then(|c| c.sd_units)
        .map(|c| match lang {
            Language::En => format!(", caliper {} SD", super::fmt_num(c, 2, lang)),
            Language::Sv => format!(", caliper {} SD", super::fmt_num(c, 2, lang)),
        })
        .unwrap_or_default();
    match (s.method, lang) {
        (Method::Nearest, Language::En) => format!(
            "{}:1 nearest-neighbour matching {} replacement on {dist}{cal} ({est})",
            s.ratio,
            if s.replace { "with" } else { "without" }
        ),
        (Method::Nearest, Language::Sv) => format!(
            "{}:1 matchning mot närmaste granne {} återläggning på {dist}{cal} ({est})",
            s.ratio,
            if s.replace { "med" } else { "utan" }
        ),
        (Method::Cem, Language::En) => format!("coarsened exact matching ({est})"),
        (Method::Cem, Language::Sv) => format!("grovindelad exakt matchning, CEM ({est})"),
        (Method::Ipw, Language::En) => format!("inverse probability weighting ({est})"),
        (Method::Ipw, Language::Sv) => format!("viktning med invers sannolikhet, IPW ({est})"),
        (Method::Aipw, Language::En) => {
            format!("augmented inverse probability weighting, doubly robust ({est})")
        }
        (Method::Aipw, Language::Sv) => format!("dubbelt robust viktning, AIPW ({est})"),
    }
}

/// The standard error used after matching or weighting.
pub fn matching_se(s: &effekt_matching::Settings, lang: Language) -> String {
    use effekt_matching::Method;
    let (en, sv) = match (s.method, s.replace) {
        (Method::Nearest, false) => (
            "t test with CR2 standard errors on the matched pairs and Satterthwaite df",
            "t-test med CR2-medelfel på de matchade paren och Satterthwaites frihetsgrader",
        ),
        (Method::Nearest, true) => (
            "z test with the Abadie–Imbens standard error",
            "z-test med Abadie–Imbens medelfel",
        ),
        (Method::Cem, _) => (
            "t test with HC3 standard errors on the weighted matched sample",
            "t-test med HC3-medelfel på det viktade matchade urvalet",
        ),
        (Method::Ipw | Method::Aipw, _) => (
            "z test with the M-estimation sandwich standard error (propensity-score model included)",
            "z-test med sandwichmedelfel från M-skattning (inklusive modellen för tillhörighetspoängen)",
        ),
    };
    pick(lang, en.into(), sv.into())
}

/// Why that standard error.
pub fn matching_reason(s: &effekt_matching::Settings, lang: Language) -> String {
    use effekt_matching::Method;
    let (en, sv) = match (s.method, s.replace) {
        (Method::Nearest, false) => (
            "matched pairs share a comparison and are treated as clusters (MatchIt's recommendation; Abadie & Spiess 2022); CR2 with Satterthwaite df stays valid with few pairs",
            "matchade par delar jämförelse och behandlas som kluster (MatchIts rekommendation; Abadie & Spiess 2022); CR2 med Satterthwaites frihetsgrader håller även med få par",
        ),
        (Method::Nearest, true) => (
            "comparison units are reused, so pair clusters do not apply; the Abadie–Imbens (2006) variance accounts for the reuse",
            "jämförelseenheter återanvänds, så par kan inte behandlas som kluster; Abadie–Imbens (2006) varians tar hänsyn till återanvändningen",
        ),
        (Method::Cem, _) => (
            "CEM has no pairs; HC3 robust standard errors on the weighted matched data (MatchIt's recommendation)",
            "CEM har inga par; HC3-robusta medelfel på de viktade matchade data (MatchIts rekommendation)",
        ),
        (Method::Ipw | Method::Aipw, _) => (
            "the standard error accounts for the estimation of the propensity score (Lunceford & Davidian 2004)",
            "medelfelet tar hänsyn till att tillhörighetspoängen är skattad (Lunceford & Davidian 2004)",
        ),
    };
    pick(lang, en.into(), sv.into())
}

/// The bootstrap in the reason.
pub fn matching_bootstrap_reason(m: effekt_matching::Method, lang: Language) -> String {
    let scheme = matching_scheme(m, lang);
    pick(
        lang,
        format!("; bootstrap intervals ({scheme}) are shown among the alternatives"),
        format!("; bootstrapintervall ({scheme}) redovisas bland alternativen"),
    )
}

/// No bootstrap after matching with replacement.
pub fn no_bootstrap_with_replacement(lang: Language) -> String {
    pick(
            lang,
            "; no bootstrap: it is not valid after matching with replacement (Abadie & Imbens 2008)"
                .into(),
            "; ingen bootstrap: den är inte giltig efter matchning med återläggning (Abadie & Imbens 2008)"
                .into(),
        )
}

/// Scheme of the bootstrap after matching or weighting.
pub fn matching_scheme(m: effekt_matching::Method, lang: Language) -> String {
    use effekt_matching::Method;
    let (en, sv) = match m {
        Method::Nearest => ("whole matched pairs resampled", "hela matchade par dras"),
        Method::Cem => ("whole CEM strata resampled", "hela CEM-strata dras"),
        Method::Ipw | Method::Aipw => (
            "units resampled within each group, propensity score re-estimated in every replicate",
            "enheter dras inom varje grupp, tillhörighetspoängen skattas om i varje replikat",
        ),
    };
    pick(lang, en.into(), sv.into())
}

/// Warning: the cluster column is not used by matching or weighting.
pub fn matching_ignores_cluster(
    column: &str,
    m: effekt_matching::Method,
    replace: bool,
    lang: Language,
) -> String {
    use effekt_matching::Method;
    let how = match (m, replace, lang) {
        (Method::Nearest, false, Language::En) => "they treat matched pairs as clusters",
        (Method::Nearest, false, Language::Sv) => "de behandlar matchade par som kluster",
        (_, _, Language::En) => "they treat units as independent",
        (_, _, Language::Sv) => "de behandlar enheterna som oberoende",
    };
    pick(
        lang,
        format!(
            "data.cluster = `{column}` is not used by the standard errors of this design ({how}); if outcomes are correlated within `{column}`, the intervals can be too narrow — consider nearest-neighbour matching with exact = [\"{column}\"]"
        ),
        format!(
            "data.cluster = `{column}` används inte av denna designs medelfel ({how}); om utfallen samvarierar inom `{column}` kan intervallen bli för smala — överväg matchning mot närmaste granne med exact = [\"{column}\"]"
        ),
    )
}

/// The balance row of the matching distance.
pub fn distance_label(d: Option<effekt_matching::Distance>, lang: Language) -> String {
    use effekt_matching::Distance;
    let (en, sv) = match d {
        Some(Distance::Logit) => ("propensity score (logit)", "tillhörighetspoäng (logit)"),
        _ => ("propensity score", "tillhörighetspoäng"),
    };
    pick(lang, en.into(), sv.into())
}

/// Note on the nearest-neighbour alternative: matched with replacement for every outcome
/// because one outcome has fewer units to match from than units to match.
pub fn nearest_alternative_with_replacement(
    column: &str,
    estimand: &str,
    lang: Language,
) -> String {
    let (f_en, p_en, f_sv, p_sv) = if estimand == "ATC" {
        ("comparison", "treated", "jämförelse", "insats")
    } else {
        ("treated", "comparison", "insats", "jämförelse")
    };
    pick(
        lang,
        format!(
            "with replacement for every outcome, so that it is the same estimator throughout: `{column}` has fewer {p_en} units than {f_en} units, too few for 1:1 matching without replacement; standard error: Abadie–Imbens"
        ),
        format!(
            "med återläggning för alla utfallsmått, så att det är samma skattning överallt: `{column}` har färre enheter i {p_sv}gruppen än i {f_sv}gruppen, för få för 1:1-matchning utan återläggning; medelfel: Abadie–Imbens"
        ),
    )
}

/// A matching/weighting alternative.
pub fn matching_alternative(
    m: effekt_matching::Method,
    replace: bool,
    estimand: &str,
    lang: Language,
) -> String {
    use effekt_matching::Method;
    let (en, sv) = match (m, replace) {
        (Method::Nearest, false) => (
            "nearest-neighbour matching (1:1 without replacement on the logit of the propensity score)",
            "matchning mot närmaste granne (1:1 utan återläggning på logit av tillhörighetspoängen)",
        ),
        (Method::Nearest, true) => (
            "nearest-neighbour matching (1:1 with replacement on the logit of the propensity score)",
            "matchning mot närmaste granne (1:1 med återläggning på logit av tillhörighetspoängen)",
        ),
        (Method::Cem, _) => (
            "coarsened exact matching",
            "grovindelad exakt matchning (CEM)",
        ),
        (Method::Ipw, _) => (
            "inverse probability weighting (same propensity-score model)",
            "viktning med invers sannolikhet, IPW (samma modell för tillhörighetspoängen)",
        ),
        (Method::Aipw, _) => (
            "AIPW, doubly robust (same propensity-score model)",
            "AIPW, dubbelt robust (samma modell för tillhörighetspoängen)",
        ),
    };
    format!("{}, {estimand}", pick(lang, en.into(), sv.into()))
}

/// An alternative that could not be estimated.
pub fn not_estimated(reason: &str, lang: Language) -> String {
    pick(
        lang,
        format!("not estimated: {reason}"),
        format!("kunde inte skattas: {reason}"),
    )
}

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
    let v = value.map(|x| super::fmt_period(x, lang));
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

/// effekt-rct's 2×2 interval methods and notes in the report's language (other texts pass
/// through unchanged); the first letter is capitalised.
pub fn rct_text(text: &str, lang: Language) -> String {
    let sv = match text {
        "Newcombe (1998) hybrid score interval from Wilson intervals per arm" => {
            Some("Newcombes (1998) hybridintervall från Wilsonintervall per grupp")
        }
        "log scale (Katz et al. 1978)" => Some("logaritmisk skala (Katz m.fl. 1978)"),
        "Woolf (1955) log scale" => Some("Woolfs (1955) logaritmiska skala"),
        "log scale with ½ added to the events and the arm sizes because of a zero event count (Pettigrew, Gart & Thomas 1986)" => {
            Some(
                "logaritmisk skala med ½ tillagt till händelser och gruppstorlekar på grund av noll händelser (Pettigrew, Gart & Thomas 1986)",
            )
        }
        "Woolf log scale with ½ added to every cell because of a zero cell (Haldane 1956; Anscombe 1956)" => {
            Some(
                "Woolfs logaritmiska skala med ½ tillagt i varje cell på grund av en tom cell (Haldane 1956; Anscombe 1956)",
            )
        }
        "the 2×2 summaries (Newcombe, risk/odds ratios, Fisher) pool all rows and ignore blocks and clusters; the headline estimate and its interval account for them" => {
            Some(
                "fyrfältsmåtten (Newcombe, risk- och oddskvoter, Fisher) slår samman alla enheter och bortser från block och kluster; huvudskattningen och dess intervall tar hänsyn till dem",
            )
        }
        "the 2×2 summaries are unadjusted; the headline estimate is covariate-adjusted (a linear probability model)" => {
            Some(
                "fyrfältsmåtten är ojusterade; huvudskattningen är justerad för bakgrundsvariabler (en linjär sannolikhetsmodell)",
            )
        }
        _ => None,
    };
    let out = match (lang, sv) {
        (Language::Sv, Some(t)) => t.to_string(),
        _ => text.to_string(),
    };
    super::capitalise(&out)
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
