//! Inference texts of matching and weighting (effekt-matching): methods, standard errors,
//! drop reasons, alternatives.

use super::pick;
use crate::i18n::Language;

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
            Language::En => format!(", caliper {} SD", crate::i18n::fmt_num(c, 2, lang)),
            Language::Sv => format!(", caliper {} SD", crate::i18n::fmt_num(c, 2, lang)),
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
