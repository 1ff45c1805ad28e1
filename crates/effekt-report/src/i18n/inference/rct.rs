//! Inference texts of randomised designs (effekt-rct): the analytic test, randomisation
//! inference, the bootstrap scheme, the 2×2 summaries.

use super::pick;
use crate::i18n::Language;

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
            format!(
                "; Monte Carlo error of p {}",
                crate::i18n::fmt_num(se, 4, lang)
            ),
            format!(
                "; Monte Carlo-fel i p {}",
                crate::i18n::fmt_num(se, 4, lang)
            ),
        ));
    }
    s
}

/// effekt-rct's 2×2 interval methods in the report's language, the first letter capitalised.
pub fn two_by_two_method(m: effekt_rct::TwoByTwoMethod, lang: Language) -> String {
    use effekt_rct::TwoByTwoMethod as M;
    let sv = match m {
        M::Newcombe => "Newcombes (1998) hybridintervall från Wilsonintervall per grupp",
        M::NewcombePercentagePoints => {
            "Newcombes (1998) hybridintervall från Wilsonintervall per grupp, i procentenheter"
        }
        M::KatzLog => "logaritmisk skala (Katz m.fl. 1978)",
        M::Woolf => "Woolfs (1955) logaritmiska skala",
        M::KatzLogHalf => {
            "logaritmisk skala med ½ tillagt till händelser och gruppstorlekar på grund av noll händelser (Pettigrew, Gart & Thomas 1986)"
        }
        M::WoolfHalf => {
            "Woolfs logaritmiska skala med ½ tillagt i varje cell på grund av en tom cell (Haldane 1956; Anscombe 1956)"
        }
    };
    crate::i18n::capitalise(match lang {
        Language::En => m.description(),
        Language::Sv => sv,
    })
}
