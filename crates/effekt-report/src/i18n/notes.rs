//! The typed notes of the fits ([`effekt_notes::Note`]) in the reader's language.
//!
//! English is the note's own text (`Display`), so an English report says what the CLI says;
//! Swedish is written here, one arm per variant: a new variant is a compile error until it is
//! translated, and no English reaches a Swedish report through a warning.

use super::{Language, fmt_num, fmt_period};
use effekt_notes::{Arm, FallbackReason, Note, Unit};

/// `note` in `lang`.
pub fn note(note: &Note, lang: Language) -> String {
    match lang {
        Language::En => note.to_string(),
        Language::Sv => swedish(note),
    }
}

/// `notes` in `lang`, each once, in order.
pub fn notes<'a>(notes: impl IntoIterator<Item = &'a Note>, lang: Language) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in notes {
        let text = note(n, lang);
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}

fn group(arm: Arm) -> &'static str {
    match arm {
        Arm::Treated => "insatsgruppen",
        Arm::Control => "jämförelsegruppen",
    }
}

fn units(unit: Unit) -> &'static str {
    match unit {
        Unit::Unit => "enheter",
        Unit::Cluster => "kluster",
    }
}

fn interval(name: &str) -> String {
    match name {
        "percentile" => "percentilintervallet".into(),
        "basic" => "det enkla (basic) intervallet".into(),
        "normal" => "normalapproximationsintervallet".into(),
        "studentized" => "det studentiserade intervallet".into(),
        other => format!("{other}-intervallet"),
    }
}

fn fallback(why: FallbackReason) -> &'static str {
    match why {
        FallbackReason::NoStandardError => "skattningen har inget medelfel att studentisera med",
        FallbackReason::AdjustedLevelsNotFinite => "de justerade nivåerna är inte ändliga",
        FallbackReason::OneSided => {
            "alla replikat ligger på samma sida om skattningen, så biaskorrektionen blir oändlig"
        }
        FallbackReason::JackknifeConstant => {
            "alla jackknifevärden är lika, så accelerationen är odefinierad"
        }
    }
}

fn swedish(note: &Note) -> String {
    let sv = Language::Sv;
    match note {
        Note::BootstrapNonFinite { left_out, of } => format!(
            "{left_out} av {of} bootstrapreplikat gav inget ändligt värde och togs inte med i intervallen"
        ),
        Note::IntervalFallback { interval: name, why } => format!(
            "{} kunde inte beräknas här ({}); percentilintervallet redovisas i stället",
            super::capitalise(&interval(name)),
            fallback(*why)
        ),
        Note::ExtremeOrderStatistics => "de mest extrema replikaten blev intervallgränser; öka antalet bootstrapreplikat".into(),
        Note::FewClusters { clusters } => format!(
            "bara {clusters} kluster: klusterrobust inferens är osäker med färre än {} kluster; CR2 med Satterthwaites frihetsgrader är det säkraste valet, och randomiseringsinferens bör redovisas",
            Note::FEW_CLUSTERS
        ),
        Note::LowDfClusterRobust { estimator, clusters } => format!(
            "{estimator} med {clusters} kluster (färre än 20) och G − 1 frihetsgrader kan ge för många signifikanta resultat; CR2 med Satterthwaites frihetsgrader rekommenderas"
        ),
        Note::SingleLevelCovariate { covariate } => format!(
            "bakgrundsvariabeln {covariate:?} har bara ett värde i data och påverkar inte skattningen"
        ),
        Note::ColumnDropped { column, collinear_with } => {
            if collinear_with.is_empty() {
                format!("{column} togs bort: den är noll eller konstant givet tidigare variabler")
            } else {
                format!(
                    "{column} togs bort: den är en linjärkombination av {}",
                    collinear_with.join(", ")
                )
            }
        }
        Note::LogitNotConverged { iterations, .. } => format!(
            "den logistiska regressionen konvergerade inte på {iterations} iterationer"
        ),
        Note::LogitFittedZeroOne => "den logistiska regressionen gav skattade sannolikheter på 0 eller 1 (nästan perfekt separation)".into(),
        Note::CovariatesUnused { covariates } => format!(
            "bakgrundsvariablerna {} används inte av den enkla skillnaden i medelvärden; välj ANCOVA eller Lins skattning för att justera för dem",
            covariates.join(", ")
        ),
        Note::VeryFewClusters { clusters, min } => format!(
            "bara {clusters} kluster: klusterrobust inferens är osäker med färre än {min} kluster; se p-värdet från randomiseringsinferensen"
        ),
        Note::SmallArm { arm, rows, min } => format!(
            "{} har {rows} observationer (färre än {min}): skattningen är osäker och t-approximationen kan vara dålig; randomiseringsinferensen är exakt oavsett storlek",
            super::capitalise(group(*arm))
        ),
        Note::SmallArmClusters { arm, clusters } => format!(
            "{} har {clusters} kluster: med få kluster per grupp är den effektiva urvalsstorleken antalet kluster",
            super::capitalise(group(*arm))
        ),
        Note::RandomisationOff { min, unit } => format!(
            "randomiseringsinferensen stängdes av fast en grupp har färre än {min} randomiserade {}",
            units(*unit)
        ),
        Note::RandomisationUndefined { left_out, of } => format!(
            "{left_out} av {of} slumpade fördelningar gav ett odefinierat värde (till exempel en bakgrundsvariabel som sammanfaller med insatsen) och togs inte med i randomiseringsinferensen"
        ),
        Note::BootstrapSkippedAliased => "ingen bootstrap: regressionen har överflödiga bakgrundsvariabler; ta bort dem för att få bootstrapintervall".into(),
        Note::TwoByTwoPooled => "fyrfältsmåtten (Newcombe, risk- och oddskvoter, Fisher) slår samman alla enheter och bortser från block och kluster; huvudskattningen och dess intervall tar hänsyn till dem".into(),
        Note::TwoByTwoUnadjusted => "fyrfältsmåtten är ojusterade; huvudskattningen är justerad för bakgrundsvariabler (en linjär sannolikhetsmodell)".into(),
        Note::PairsVarianceForAllBlocks { unit } => format!(
            "några block har två {u} och andra fler: eftersom variansen inom block inte kan skattas med två {u} används variansen för matchade par i alla block (som i estimatr)",
            u = units(*unit)
        ),
        Note::NormalReference { df } => format!(
            "frihetsgraderna är inte positiva och ändliga ({}); testet och intervallet bygger på normalfördelningen",
            fmt_num(*df, 2, sv)
        ),
        Note::FewMatchedUnits { arm, units } => format!(
            "bara {units} matchade enheter i {}: skattningarna är osäkra och approximationerna för stora urval kan vara dåliga",
            group(*arm)
        ),
        Note::FewUnitsForSandwich { arm, units } => format!(
            "bara {units} enheter i {}: sandwichmedelfelet kan bli för litet i så små urval",
            group(*arm)
        ),
        Note::FewerMatches { units, group: g, ratio } => format!(
            "{units} enheter i {} fick färre än {ratio} matchningar; deras matchningar vägs upp i motsvarande grad",
            group(*g)
        ),
        Note::CaliperDropped { dropped, of, group: g } => format!(
            "calipern uteslöt {dropped} av {of} enheter i {} ({} %): effekten gäller bara de matchade enheterna, som kan skilja sig från hela gruppen",
            group(*g),
            fmt_num(100.0 * *dropped as f64 / *of as f64, 0, sv)
        ),
        Note::CemStrata { strata, with_both } => format!(
            "grovmatchning (CEM): {strata} strata, varav {with_both} med enheter från både insatsgruppen och jämförelsegruppen"
        ),
        Note::Trimmed { units, trim } => format!(
            "{units} enheter trimmades bort: effekten gäller dem vars tillhörighetspoäng ligger mellan {} och 1 − {}",
            fmt_num(*trim, 2, sv),
            fmt_num(*trim, 2, sv)
        ),
        Note::UnbalancedButComplete => "obalanserad panel begärdes, men alla enheter finns med i alla perioder: panelskattningarna används (som i did 2.5 och csdid 0.4)".into(),
        Note::UnbalancedPanelEstimators => "obalanserad panel: de grupp- och tidsspecifika effekterna skattas som för upprepade tvärsnitt på de observerade raderna, med influensfunktionerna summerade per enhet (som did:s allow_unbalanced_panel)".into(),
        Note::SmallCohorts { min, .. } => format!(
            "några startkohorter har färre än {min} enheter: deras grupp- och tidsspecifika effekter bygger på mycket få observationer"
        ),
        Note::BandsUnavailable { what } => format!(
            "{what}: det simultana kritiska värdet kunde inte beräknas (inga bootstrapmedelfel); punktvisa intervall redovisas"
        ),
        Note::BandsBelowPointwise { what, critical, pointwise } => format!(
            "{what}: det simultana kritiska värdet ({}) är lägre än det punktvisa ({}); punktvisa intervall redovisas, som i did",
            fmt_num(*critical, 3, sv),
            fmt_num(*pointwise, 3, sv)
        ),
        Note::BandsLarge { what, critical } => format!(
            "{what}: det simultana kritiska värdet {} är stort (minst 7), oftast ett tecken på mycket små grupper; de simultana banden är opålitliga",
            fmt_num(*critical, 2, sv)
        ),
        Note::PreTestSingular => "Waldtestet av effekterna före insatsen redovisas inte: deras kovariansmatris är singulär".into(),
        Note::CsFewClusters { clusters } => format!(
            "bara {clusters} kluster: inferens från influensfunktioner och multiplikatorbootstrap kan ge för många signifikanta resultat med så få kluster"
        ),
        Note::FewBootstrapReplicates { replicates } => format!(
            "bara {replicates} bootstrapreplikat: medelfel och kritiska värden har slumpfel; använd minst 999"
        ),
        Note::TreatedAfterPanel { units, last } => format!(
            "{units} enheter får insatsen först efter sista perioden ({}); de får den aldrig under uppföljningen och används som jämförelseenheter",
            fmt_period(*last, sv)
        ),
        Note::BaconNotComputed { .. } => "Goodman-Bacon-uppdelningen kunde inte beräknas för dessa data".into(),
        Note::WildWebbChosen { clusters: g } => {
            let draws = 1u64 << (*g).min(63);
            format!(
                "bara {g} kluster: den vilda klusterbootstrapen använde Webbs vikter i stället för Rademachervikter, som här bara har 2^{g} = {draws} olika dragningar och ger för grova p-värden (Webb 2023); med så få kluster är alla klusterrobusta resultat osäkra"
            )
        }
        Note::WildRademacherFewClusters { clusters: g } => {
            let draws = 1u64 << (*g).min(63);
            format!(
                "bara {g} kluster med Rademachervikter i den vilda klusterbootstrapen: bara 2^{g} = {draws} olika dragningar, så p-värdet är för grovt för ett test på 5 % nivå; använd Webbs vikter (Webb 2023)"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One note of every variant.
    fn every_variant() -> Vec<Note> {
        let a = Arm::Treated;
        let s = |x: &str| x.to_string();
        vec![
            Note::BootstrapNonFinite {
                left_out: 3,
                of: 999,
            },
            Note::IntervalFallback {
                interval: s("BCa"),
                why: FallbackReason::OneSided,
            },
            Note::IntervalFallback {
                interval: s("studentized"),
                why: FallbackReason::NoStandardError,
            },
            Note::ExtremeOrderStatistics,
            Note::FewClusters { clusters: 6 },
            Note::LowDfClusterRobust {
                estimator: s("CR1"),
                clusters: 12,
            },
            Note::SingleLevelCovariate {
                covariate: s("kommun"),
            },
            Note::ColumnDropped {
                column: s("x2"),
                collinear_with: vec![s("x1")],
            },
            Note::ColumnDropped {
                column: s("x2"),
                collinear_with: vec![],
            },
            Note::LogitNotConverged {
                iterations: 25,
                last_change: 1e-3,
            },
            Note::LogitFittedZeroOne,
            Note::CovariatesUnused {
                covariates: vec![s("alder")],
            },
            Note::VeryFewClusters {
                clusters: 4,
                min: 6,
            },
            Note::SmallArm {
                arm: a,
                rows: 8,
                min: 10,
            },
            Note::SmallArmClusters {
                arm: Arm::Control,
                clusters: 3,
            },
            Note::RandomisationOff {
                min: 10,
                unit: Unit::Cluster,
            },
            Note::RandomisationUndefined {
                left_out: 2,
                of: 1000,
            },
            Note::BootstrapSkippedAliased,
            Note::TwoByTwoPooled,
            Note::TwoByTwoUnadjusted,
            Note::PairsVarianceForAllBlocks { unit: Unit::Unit },
            Note::NormalReference { df: f64::NAN },
            Note::FewMatchedUnits { arm: a, units: 12 },
            Note::FewUnitsForSandwich { arm: a, units: 12 },
            Note::FewerMatches {
                units: 3,
                group: a,
                ratio: 2,
            },
            Note::CaliperDropped {
                dropped: 30,
                of: 100,
                group: a,
            },
            Note::CemStrata {
                strata: 12,
                with_both: 7,
            },
            Note::Trimmed {
                units: 4,
                trim: 0.05,
            },
            Note::UnbalancedButComplete,
            Note::UnbalancedPanelEstimators,
            Note::SmallCohorts {
                cohorts: vec![(None, 3), (Some(2004.0), 2)],
                min: 5,
            },
            Note::BandsUnavailable {
                what: s("ATT(g,t)"),
            },
            Note::BandsBelowPointwise {
                what: s("ATT(g,t)"),
                critical: 1.8,
                pointwise: 1.96,
            },
            Note::BandsLarge {
                what: s("ATT(g,t)"),
                critical: 7.5,
            },
            Note::PreTestSingular,
            Note::CsFewClusters { clusters: 8 },
            Note::FewBootstrapReplicates { replicates: 99 },
            Note::TreatedAfterPanel {
                units: 2,
                last: 2010.0,
            },
            Note::BaconNotComputed {
                reason: s("the panel is unbalanced"),
            },
            Note::WildWebbChosen { clusters: 5 },
            Note::WildRademacherFewClusters { clusters: 5 },
        ]
    }

    /// English words that must not appear in a Swedish note.
    const ENGLISH: [&str; 12] = [
        " the ",
        " and ",
        " units",
        " with ",
        " were ",
        " is ",
        " are ",
        " of ",
        " use ",
        " dropped",
        " not ",
        "fewer than",
    ];

    #[test]
    fn every_note_reads_swedish_in_a_swedish_report() {
        for n in every_variant() {
            let en = note(&n, Language::En);
            let sv = note(&n, Language::Sv);
            assert_eq!(en, n.to_string());
            assert_ne!(sv, en, "{n:?} is not translated");
            let padded = format!(" {sv} ");
            for w in ENGLISH {
                assert!(!padded.contains(w), "{n:?}: English {w:?} in {sv:?}");
            }
        }
    }

    #[test]
    fn swedish_numbers_use_the_decimal_comma() {
        let sv = note(
            &Note::Trimmed {
                units: 4,
                trim: 0.05,
            },
            Language::Sv,
        );
        assert!(sv.contains("0,05"), "{sv}");
        let sv = note(
            &Note::CaliperDropped {
                dropped: 1,
                of: 3,
                group: Arm::Control,
            },
            Language::Sv,
        );
        assert!(
            sv.contains("(33 %)") && sv.contains("jämförelsegruppen"),
            "{sv}"
        );
    }

    #[test]
    fn a_note_is_said_once() {
        let n = Note::PreTestSingular;
        assert_eq!(notes([&n, &n], Language::Sv).len(), 1);
    }
}
