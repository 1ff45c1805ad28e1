//! The design checks ([`effekt_notes::checks::Check`]) in the report's words: the text of the
//! headline box and `warnings[]` ([`text`]), and the clause a failed check adds to the summary
//! sentence ([`clause`]). Every variant is matched, so a new check cannot reach a report
//! untranslated.

use super::{Language, fmt_num, fmt_p};
use effekt_notes::checks::{
    Check, Comparison, Disagreement, SMD_CAUTION, SMD_FAIL, VARIANCE_RATIO_RANGE, Verdict,
};

/// Formats an effect in the outcome's display units ("−3.0 percentage points" → "−3").
pub type EffectFmt<'a> = &'a dyn Fn(f64) -> String;

fn after(c: Comparison, lang: Language) -> &'static str {
    match (c, lang) {
        (Comparison::Matched, Language::En) => "after matching",
        (Comparison::Weighted, Language::En) => "after weighting",
        (Comparison::Randomised, Language::En) => "between the randomised groups",
        (Comparison::Matched, Language::Sv) => "efter matchningen",
        (Comparison::Weighted, Language::Sv) => "efter viktningen",
        (Comparison::Randomised, Language::Sv) => "mellan de randomiserade grupperna",
        (Comparison::RandomisedAdjusted, Language::En) => "between the randomised groups",
        (Comparison::RandomisedAdjusted, Language::Sv) => "mellan de randomiserade grupperna",
    }
}

fn smd(x: f64, lang: Language) -> String {
    fmt_num(x, 2, lang)
}

fn p_eq(p: f64, lang: Language) -> String {
    let s = fmt_p(p, lang);
    if s.starts_with('<') {
        format!("p {s}")
    } else {
        format!("p = {s}")
    }
}

fn list(names: impl Iterator<Item = String>, lang: Language) -> String {
    let v: Vec<String> = names.collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => {
            let and = match lang {
                Language::En => " and ",
                Language::Sv => " och ",
            };
            format!("{}{and}{}", v[..n - 1].join(", "), v[n - 1])
        }
    }
}

/// The check in words (a full sentence or two), for the headline box and `warnings[]`.
pub fn text(check: &Check, effect: EffectFmt<'_>, lang: Language) -> String {
    match check {
        Check::Balance { .. } => balance(check, lang),
        Check::PreTrends { .. } => pre_trends(check, effect, lang),
        Check::BaselineGap { .. } => baseline_gap(check, effect, lang),
        Check::FewClusters { .. } | Check::SmallGroups { .. } => sizes(check, lang),
        Check::Overlap { .. } => overlap(check, lang),
        Check::Alternatives { .. } => alternatives(check, effect, lang),
    }
}

fn balance(check: &Check, lang: Language) -> String {
    let Check::Balance {
        verdict,
        comparison,
        worst,
        imbalanced,
        covariates,
    } = check
    else {
        return String::new();
    };
    let after = after(*comparison, lang);
    let (w, s) = (&worst.covariate, smd(worst.smd, lang));
    let fail = fmt_num(SMD_FAIL, 2, lang);
    let caution = fmt_num(SMD_CAUTION, 1, lang);
    let names = list(imbalanced.iter().map(|c| c.covariate.clone()), lang);
    let (vlo, vhi) = (
        fmt_num(VARIANCE_RATIO_RANGE.0, 1, lang),
        fmt_num(VARIANCE_RATIO_RANGE.1, 0, lang),
    );
    match (verdict, comparison, lang) {
        (Verdict::Passed, Comparison::RandomisedAdjusted, Language::En)
            if worst.smd.abs() > SMD_CAUTION =>
        {
            format!(
                "Chance imbalance between the randomised groups on {names} (largest standardised mean difference {s}, {w}); the estimate adjusts for the background variables."
            )
        }
        (Verdict::Passed, Comparison::RandomisedAdjusted, Language::Sv)
            if worst.smd.abs() > SMD_CAUTION =>
        {
            format!(
                "Slumpmässig obalans mellan de randomiserade grupperna i {names} (största standardiserade medelvärdesskillnad {s}, {w}); skattningen justerar för bakgrundsvariablerna."
            )
        }
        (Verdict::Passed, _, Language::En) => format!(
            "The groups are balanced {after}: all {covariates} background variables differ by at most {caution} standard deviations."
        ),
        (Verdict::Passed, _, Language::Sv) => format!(
            "Grupperna är jämförbara {after}: alla {covariates} bakgrundsvariabler skiljer sig med högst {caution} standardavvikelser."
        ),
        (Verdict::Failed, _, Language::En) => format!(
            "Balance not achieved: {after} the groups still differ on {w} (standardised mean difference {s}; above {fail} the groups are not comparable). Imbalanced: {names}."
        ),
        (Verdict::Failed, _, Language::Sv) => format!(
            "Jämförbarhet uppnåddes inte: {after} skiljer sig grupperna fortfarande åt i {w} (standardiserad medelvärdesskillnad {s}; över {fail} är grupperna inte jämförbara). Obalans i: {names}."
        ),
        (Verdict::Caution, Comparison::Randomised, Language::En) => format!(
            "Chance imbalance between the randomised groups on {w} (standardised mean difference {s}, more than {caution}): an estimate adjusted for it is the safer result."
        ),
        (Verdict::Caution, Comparison::Randomised, Language::Sv) => format!(
            "Slumpmässig obalans mellan de randomiserade grupperna i {w} (standardiserad medelvärdesskillnad {s}, mer än {caution}): en skattning som justerar för den är säkrare."
        ),
        (Verdict::Caution, _, Language::En) => format!(
            "Imperfect balance {after}: {names} differ by more than {caution} standard deviations or in spread (variance ratio outside {vlo}–{vhi}); the estimate relies on the adjustment for them."
        ),
        (Verdict::Caution, _, Language::Sv) => format!(
            "Jämförbarheten är inte fullständig {after}: {names} skiljer sig med mer än {caution} standardavvikelser eller i spridning (varianskvot utanför {vlo}–{vhi}); skattningen förutsätter att justeringen för dem räcker."
        ),
    }
}

fn pre_trends(check: &Check, effect: EffectFmt<'_>, lang: Language) -> String {
    let Check::PreTrends {
        verdict,
        p_value,
        largest,
        ..
    } = check
    else {
        return String::new();
    };
    let p = p_eq(*p_value, lang);
    let largest = largest.map(|l| {
        let k = l.event_time.unsigned_abs();
        match lang {
            Language::En => format!(
                "; largest difference before the start {}, {k} period{} before",
                effect(l.estimate),
                if k == 1 { "" } else { "s" }
            ),
            Language::Sv => format!(
                "; största skillnaden före start {}, {k} {} före",
                effect(l.estimate),
                if k == 1 { "period" } else { "perioder" }
            ),
        }
    });
    let largest = largest.unwrap_or_default();
    match (verdict, lang) {
        (Verdict::Failed, Language::En) => format!(
            "Parallel trends rejected: before the intervention the groups already developed differently (joint test of the periods before the start, {p}{largest}). The assumption behind the estimate is doubtful."
        ),
        (Verdict::Failed, Language::Sv) => format!(
            "Antagandet om parallella trender håller inte: grupperna utvecklades redan olika före insatsen (gemensamt test av perioderna före start, {p}{largest}). Antagandet bakom skattningen är tveksamt."
        ),
        (_, Language::En) => format!(
            "No evidence that the groups developed differently before the intervention (joint test of the periods before the start, {p}{largest})."
        ),
        (_, Language::Sv) => format!(
            "Inget tyder på att grupperna utvecklades olika före insatsen (gemensamt test av perioderna före start, {p}{largest})."
        ),
    }
}

fn baseline_gap(check: &Check, effect: EffectFmt<'_>, lang: Language) -> String {
    let Check::BaselineGap {
        verdict,
        comparison,
        period,
        gap,
        smd: z,
    } = check
    else {
        return String::new();
    };
    let w = super::fmt_period(*period, lang);
    let (g, s) = (effect(*gap), smd(*z, lang));
    let after = after(*comparison, lang);
    match (verdict, lang) {
        (Verdict::Failed, Language::En) => format!(
            "The groups already differed on the outcome itself at intake: at wave {w}, before the intervention, the treated differ from the comparison group {after} by {g} ({s} standard deviations). An estimate at a later wave carries this difference with it unless the design removes it (difference in differences compares changes)."
        ),
        (Verdict::Failed, Language::Sv) => format!(
            "Grupperna skilde sig redan åt i själva utfallet vid inskrivningen: vid mättillfälle {w}, före insatsen, skiljer sig insatsgruppen från jämförelsegruppen {after} med {g} ({s} standardavvikelser). En skattning vid ett senare mättillfälle bär med sig den skillnaden om inte upplägget tar bort den (skillnad i skillnader jämför förändringar)."
        ),
        (Verdict::Caution, Language::En) => format!(
            "At intake (wave {w}) the groups differed somewhat on the outcome itself {after}: {g} ({s} standard deviations)."
        ),
        (Verdict::Caution, Language::Sv) => format!(
            "Vid inskrivningen (mättillfälle {w}) skilde sig grupperna något åt i själva utfallet {after}: {g} ({s} standardavvikelser)."
        ),
        (Verdict::Passed, Language::En) => format!(
            "At intake (wave {w}) the groups were similar on the outcome itself {after}: {g} ({s} standard deviations)."
        ),
        (Verdict::Passed, Language::Sv) => format!(
            "Vid inskrivningen (mättillfälle {w}) var grupperna lika i själva utfallet {after}: {g} ({s} standardavvikelser)."
        ),
    }
}

fn overlap(check: &Check, lang: Language) -> String {
    use effekt_notes::checks::{EFFECTIVE_SHARE, TREATED_LEFT_OUT};
    let Check::Overlap {
        verdict,
        treated_left_out,
        control_effective_share,
    } = check
    else {
        return String::new();
    };
    let pct = |x: f64| super::fmt_percent(x, lang);
    let passed = *verdict == Verdict::Passed;
    let mut parts = Vec::new();
    if let Some(t) = treated_left_out.filter(|t| passed || *t > TREATED_LEFT_OUT) {
        parts.push(match (lang, passed) {
            (Language::En, true) => format!("{} of the treated were left out", pct(t)),
            (Language::Sv, true) => format!("{} av insatsgruppen utelämnades", pct(t)),
            (Language::En, false) => format!(
                "{} of the treated were left out, so the estimate is for the treated who could be compared",
                pct(t)
            ),
            (Language::Sv, false) => format!(
                "{} av insatsgruppen utelämnades, så skattningen gäller dem som kunde jämföras",
                pct(t)
            ),
        });
    }
    if let Some(e) = control_effective_share.filter(|e| passed || *e < EFFECTIVE_SHARE) {
        parts.push(match (lang, passed) {
            (Language::En, true) => format!(
                "the comparison group's weights amount to an effective {} of its units",
                pct(e)
            ),
            (Language::Sv, true) => format!(
                "jämförelsegruppens vikter motsvarar i praktiken {} av dess enheter",
                pct(e)
            ),
            (Language::En, false) => format!(
                "the comparison group's weights amount to an effective {} of its units, so a few comparison units carry the estimate",
                pct(e)
            ),
            (Language::Sv, false) => format!(
                "jämförelsegruppens vikter motsvarar i praktiken {} av dess enheter, så några få jämförelseenheter bär skattningen",
                pct(e)
            ),
        });
    }
    let list = parts.join("; ");
    match (passed, lang) {
        (true, Language::En) => format!("The groups overlap: {list}."),
        (true, Language::Sv) => format!("Grupperna överlappar: {list}."),
        (false, Language::En) => format!("Limited overlap: {list}."),
        (false, Language::Sv) => format!("Begränsad överlappning: {list}."),
    }
}

fn sizes(check: &Check, lang: Language) -> String {
    match (check, lang) {
        (
            Check::FewClusters {
                verdict,
                clusters,
                min,
            },
            Language::En,
        ) => match verdict {
            Verdict::Passed => format!("{clusters} clusters (at least {min})."),
            _ => format!(
                "Only {clusters} clusters (fewer than {min}): the uncertainty rests on the clusters rather than the individuals, so the interval is wide; the method used (CR2 with Satterthwaite's degrees of freedom) stays valid."
            ),
        },
        (
            Check::FewClusters {
                verdict,
                clusters,
                min,
            },
            Language::Sv,
        ) => match verdict {
            Verdict::Passed => format!("{clusters} kluster (minst {min})."),
            _ => format!(
                "Bara {clusters} kluster (färre än {min}): osäkerheten beror på klustren snarare än på individerna, så intervallet blir brett; metoden som används (CR2 med Satterthwaites frihetsgrader) håller ändå."
            ),
        },
        (
            Check::SmallGroups {
                verdict,
                treated,
                control,
                min,
            },
            _,
        ) => {
            let n = |x: &Option<usize>| match (x, lang) {
                (Some(v), _) => v.to_string(),
                (None, Language::En) => format!("fewer than {min} or not shown"),
                (None, Language::Sv) => format!("färre än {min} eller inte redovisat"),
            };
            match (verdict, lang) {
                (Verdict::Passed, Language::En) => format!(
                    "Groups of {} treated and {} comparison units (at least {min} each).",
                    n(treated),
                    n(control)
                ),
                (Verdict::Passed, Language::Sv) => format!(
                    "Grupper om {} i insatsgruppen och {} i jämförelsegruppen (minst {min} vardera).",
                    n(treated),
                    n(control)
                ),
                (_, Language::En) => format!(
                    "Small groups ({} treated, {} comparison; fewer than {min} in a group): the estimate is imprecise.",
                    n(treated),
                    n(control)
                ),
                (_, Language::Sv) => format!(
                    "Små grupper ({} i insatsgruppen, {} i jämförelsegruppen; färre än {min} i en grupp): skattningen är osäker.",
                    n(treated),
                    n(control)
                ),
            }
        }
        _ => String::new(),
    }
}

fn alternatives(check: &Check, effect: EffectFmt<'_>, lang: Language) -> String {
    let Check::Alternatives {
        headline,
        alternative,
        estimate,
        disagreement,
        ..
    } = check
    else {
        return String::new();
    };
    let a = alternative;
    match (disagreement, lang) {
        (None, Language::En) => {
            "The alternative methods agree with the main result in direction and significance."
                .to_string()
        }
        (None, Language::Sv) => {
            "De alternativa metoderna ger samma riktning och slutsats som huvudresultatet."
                .to_string()
        }
        (Some(Disagreement::Sign), Language::En) => format!(
            "The methods disagree in direction: {a} gives {} where the main result is {}; the estimate depends on the choice of method.",
            effect(estimate.estimate),
            effect(headline.estimate)
        ),
        (Some(Disagreement::Sign), Language::Sv) => format!(
            "Metoderna ger olika riktning: {a} ger {} medan huvudresultatet är {}; skattningen beror på metodvalet.",
            effect(estimate.estimate),
            effect(headline.estimate)
        ),
        (Some(Disagreement::Significance), Language::En) => format!(
            "The methods disagree on whether there is an effect: the interval of {a} ({} to {}) {} zero, the main result's interval {}.",
            effect(estimate.conf_low),
            effect(estimate.conf_high),
            if estimate.excludes_zero() {
                "excludes"
            } else {
                "includes"
            },
            if headline.excludes_zero() {
                "excludes it"
            } else {
                "includes it"
            }
        ),
        (Some(Disagreement::Significance), Language::Sv) => format!(
            "Metoderna ger olika besked om effekten är statistiskt säkerställd: intervallet för {a} ({} till {}) {} noll, huvudresultatets {}.",
            effect(estimate.conf_low),
            effect(estimate.conf_high),
            if estimate.excludes_zero() {
                "utesluter"
            } else {
                "innefattar"
            },
            if headline.excludes_zero() {
                "utesluter den"
            } else {
                "innefattar den"
            }
        ),
    }
}

/// The sentence a failed check adds to the summary sentence ("But …, so this estimate may be
/// biased."); `None` for a check that did not fail.
pub fn clause(check: &Check, lang: Language) -> Option<String> {
    if check.verdict() != Verdict::Failed {
        return None;
    }
    Some(match (check, lang) {
        (
            Check::Balance {
                comparison, worst, ..
            },
            Language::En,
        ) => format!(
            "But {} the groups still differed on {} (standardised mean difference {}), so this estimate may be biased.",
            after(*comparison, lang),
            worst.covariate,
            smd(worst.smd, lang)
        ),
        (
            Check::Balance {
                comparison, worst, ..
            },
            Language::Sv,
        ) => format!(
            "Men {} skilde sig grupperna fortfarande åt i {} (standardiserad medelvärdesskillnad {}), så skattningen kan vara missvisande.",
            after(*comparison, lang),
            worst.covariate,
            smd(worst.smd, lang)
        ),
        (Check::PreTrends { p_value, .. }, Language::En) => format!(
            "But the groups already developed differently before the intervention (test of the periods before the start, {}), so this estimate may be biased.",
            p_eq(*p_value, lang)
        ),
        (Check::PreTrends { p_value, .. }, Language::Sv) => format!(
            "Men grupperna utvecklades redan olika före insatsen (test av perioderna före start, {}), så skattningen kan vara missvisande.",
            p_eq(*p_value, lang)
        ),
        (Check::BaselineGap { period, smd: z, .. }, Language::En) => format!(
            "But the groups already differed on the outcome at intake (wave {}: {} standard deviations), so this estimate may be biased.",
            super::fmt_period(*period, lang),
            smd(*z, lang)
        ),
        (Check::BaselineGap { period, smd: z, .. }, Language::Sv) => format!(
            "Men grupperna skilde sig redan åt i utfallet vid inskrivningen (mättillfälle {}: {} standardavvikelser), så skattningen kan vara missvisande.",
            super::fmt_period(*period, lang),
            smd(*z, lang)
        ),
        (
            Check::Alternatives { .. }
            | Check::Overlap { .. }
            | Check::FewClusters { .. }
            | Check::SmallGroups { .. },
            _,
        ) => {
            return None;
        }
    })
}

/// The label of a raised check in the headline box.
pub fn verdict_label(v: Verdict, lang: Language) -> &'static str {
    match (v, lang) {
        (Verdict::Failed, Language::En) => "Check failed",
        (Verdict::Failed, Language::Sv) => "Varning",
        (Verdict::Caution, Language::En) => "Caution",
        (Verdict::Caution, Language::Sv) => "Observera",
        (Verdict::Passed, Language::En) => "Passed",
        (Verdict::Passed, Language::Sv) => "Godkänd",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_notes::checks::{CovariateBalance, Interval, PrePeriod};

    fn fmt(x: f64) -> String {
        format!("{x:.1}")
    }

    #[test]
    fn every_check_reads_in_both_languages_and_failed_ones_add_a_clause() {
        let bal = Check::balance(
            &[CovariateBalance {
                covariate: "baseline_risk".into(),
                smd: 0.54,
                variance_ratio: Some(3.35),
            }],
            Comparison::Weighted,
        )
        .unwrap();
        assert!(text(&bal, &fmt, Language::Sv).contains("efter viktningen skiljer sig"));
        assert!(text(&bal, &fmt, Language::Sv).contains("0,54"));
        assert!(
            clause(&bal, Language::En)
                .unwrap()
                .starts_with("But after weighting the groups still differed on baseline_risk")
        );
        let pt = Check::pre_trends(
            7.59,
            7e-7,
            0.05,
            &[PrePeriod {
                event_time: -2,
                estimate: -1.25,
            }],
        )
        .unwrap();
        let sv = text(&pt, &fmt, Language::Sv);
        assert!(
            sv.contains("p < 0,001") && sv.contains("2 perioder före"),
            "{sv}"
        );
        assert!(clause(&pt, Language::Sv).unwrap().contains("missvisande"));
        let alt = Check::alternatives(
            Interval {
                estimate: 0.07,
                conf_low: -0.12,
                conf_high: 0.27,
            },
            &[(
                "närmaste granne".into(),
                Interval {
                    estimate: -0.03,
                    conf_low: -0.2,
                    conf_high: 0.14,
                },
            )],
        )
        .unwrap();
        assert!(text(&alt, &fmt, Language::Sv).contains("olika riktning"));
        assert!(clause(&alt, Language::En).is_none());
    }
}
