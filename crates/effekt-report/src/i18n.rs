//! English and Swedish: the message catalogue and number formatting.
//!
//! Every fixed text of the report is a [`Text`] constant in [`msg`] with both languages side by
//! side, so a translation is reviewed in one place and a missing one is a compile error.
//! Sentences with numbers are functions in this module for the same reason. Swedish uses the
//! terms Swedish evaluators use (*effekt*, *kontrafaktiskt utfall*, *konfidensintervall*,
//! *insatsgrupp*, *jämförelsegrupp*, *jämställdhetsanalys*, *procentenheter*) and Swedish number
//! formatting: decimal comma, a space between thousands, a proper minus sign (Språkrådet,
//! *Svenska skrivregler*, 2017, ch. 11).

use serde::{Deserialize, Serialize};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English (default).
    #[default]
    En,
    /// Swedish.
    Sv,
}

impl Language {
    /// ISO 639-1 code (`en`, `sv`) for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Sv => "sv",
        }
    }
}

/// One fixed text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Swedish.
    pub sv: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Language) -> &'static str {
        match lang {
            Language::En => self.en,
            Language::Sv => self.sv,
        }
    }
}

const fn t(en: &'static str, sv: &'static str) -> Text {
    Text { en, sv }
}

/// The catalogue of fixed texts.
pub mod msg {
    use super::{Text, t};

    pub const REPORT: Text = t("Evaluation report", "Utvärderingsrapport");
    pub const CONTENTS: Text = t("Contents", "Innehåll");
    pub const SUMMARY: Text = t("Summary", "Sammanfattning");
    pub const QUESTION: Text = t("Question", "Frågeställning");
    pub const DESIGN: Text = t("Design", "Utvärderingsdesign");
    pub const DATA: Text = t("Data", "Underlag");
    pub const RESULTS: Text = t("Results by outcome", "Resultat per utfallsmått");
    pub const HEADLINE: Text = t("Effect", "Effekt");
    pub const OBSERVED_VS_CF: Text = t(
        "Observed outcome and counterfactual",
        "Observerat utfall och kontrafaktiskt utfall",
    );
    pub const OVER_TIME: Text = t(
        "Observed and counterfactual over the measurement waves",
        "Observerat och kontrafaktiskt utfall över mättillfällena",
    );
    pub const SUBGROUPS: Text = t("Effects by subgroup", "Effekter per undergrupp");
    pub const GENDER_ANALYSIS: Text = t(
        "Gender analysis: effects by sex",
        "Jämställdhetsanalys: effekter per kön",
    );
    pub const ROBUSTNESS: Text = t("Robustness", "Robusthet och känslighetsanalys");
    pub const ALTERNATIVES: Text = t(
        "Alternative estimates side by side",
        "Alternativa skattningar sida vid sida",
    );
    pub const BALANCE: Text = t(
        "Balance of baseline characteristics",
        "Balans i bakgrundsvariabler",
    );
    pub const PRE_TREND: Text = t("Pre-trend test", "Test av parallella trender före insatsen");
    pub const EVENT_STUDY: Text = t("Event study", "Händelsestudie");
    pub const BOOTSTRAP_DIST: Text = t(
        "Bootstrap distribution of the effect",
        "Bootstrapfördelning för effekten",
    );
    pub const DETAIL_TABLE: Text = t("Estimates in detail", "Skattningar i detalj");
    pub const WARNINGS: Text = t("Warnings", "Varningar");
    pub const CONTRACT: Text = t("Outcome contract", "Utfallskontrakt");
    pub const POWER: Text = t(
        "Power for a future study",
        "Statistisk styrka för en kommande studie",
    );
    pub const METHODS: Text = t("Methods appendix", "Metodbilaga");
    pub const REFERENCES: Text = t("References", "Referenser");
    pub const REPRODUCIBILITY: Text = t("Reproducibility", "Reproducerbarhet");
    pub const PRIVACY: Text = t("Privacy", "Integritetsskydd");
    pub const STUDY_CONFIG: Text = t("Resolved study file", "Studiefilen som den tolkades");

    pub const TREATED: Text = t("Treated", "Insatsgrupp");
    pub const CONTROL: Text = t("Comparison group", "Jämförelsegrupp");
    pub const OBSERVED_TREATED: Text = t("Treated, observed", "Insatsgruppen, observerat");
    pub const COUNTERFACTUAL_TREATED: Text = t(
        "Treated, counterfactual (without the intervention)",
        "Insatsgruppen, kontrafaktiskt utfall (utan insatsen)",
    );
    pub const COUNTERFACTUAL_SHORT: Text = t("Counterfactual", "Kontrafaktiskt");
    pub const OBSERVED_SHORT: Text = t("Observed", "Observerat");
    pub const ESTIMATE: Text = t("Estimate", "Skattning");
    pub const EFFECT: Text = t("Effect", "Effekt");
    pub const STD_ERROR: Text = t("Std. error", "Medelfel");
    pub const CI: Text = t("CI", "KI");
    pub const CONFIDENCE_INTERVAL: Text = t("confidence interval", "konfidensintervall");
    pub const P_VALUE: Text = t("p-value", "p-värde");
    pub const DF: Text = t("df", "frihetsgrader");
    pub const TERM: Text = t("Term", "Term");
    pub const METHOD: Text = t("Method", "Metod");
    pub const INFERENCE: Text = t("Inference", "Inferens");
    pub const WHY: Text = t("Why", "Motivering");
    pub const N: Text = t("n", "n");
    pub const N_TREATED: Text = t("n treated", "n insatsgrupp");
    pub const N_CONTROL: Text = t("n comparison", "n jämförelsegrupp");
    pub const N_BOTH: Text = t("n (treated / comparison)", "n (insats / jämförelse)");
    pub const PERIOD: Text = t("Wave", "Mättillfälle");
    pub const SUBGROUP: Text = t("Subgroup", "Undergrupp");
    pub const DIFFERENCE_TEST: Text = t(
        "Test of the difference between subgroups",
        "Test av skillnaden mellan undergrupperna",
    );
    pub const COVARIATE: Text = t("Characteristic", "Bakgrundsvariabel");
    pub const SMD_BEFORE: Text = t(
        "Std. mean difference (before)",
        "Standardiserad medelvärdesskillnad (före)",
    );
    pub const SMD_AFTER: Text = t(
        "Std. mean difference (after)",
        "Standardiserad medelvärdesskillnad (efter)",
    );
    pub const SMD: Text = t("Std. mean difference", "Standardiserad medelvärdesskillnad");
    pub const VAR_RATIO: Text = t("Variance ratio", "Varianskvot");
    pub const NOTE: Text = t("Note", "Anmärkning");
    pub const SUPPRESSED: Text = t("suppressed", "undertryckt");
    pub const NOT_AVAILABLE: Text = t("not available", "saknas");
    pub const PERCENTAGE_POINTS: Text = t("percentage points", "procentenheter");
    pub const PP_SHORT: Text = t("pp", "pe");
    pub const POINTS: Text = t("points", "poäng");
    pub const HIGHER: Text = t("higher", "högre");
    pub const LOWER: Text = t("lower", "lägre");
    pub const TO: Text = t("to", "till");
    pub const YES: Text = t("yes", "ja");
    pub const NO: Text = t("no", "nej");

    pub const DATA_FILE: Text = t("Data file", "Datafil");
    pub const SHA256: Text = t("SHA-256 of the data file", "SHA-256 för datafilen");
    pub const SEED: Text = t("Seed", "Slumptalsfrö");
    pub const RESAMPLES: Text = t("Bootstrap replicates", "Bootstrapreplikat");
    pub const EFFEKT_VERSION: Text = t("effekt version", "effekt-version");
    pub const SCHEMA_VERSION: Text = t("Report schema version", "Rapportschemats version");
    pub const LEVEL: Text = t("Confidence level", "Konfidensnivå");
    pub const INTERVAL_METHOD: Text = t("Interval method", "Intervallmetod");
    pub const STUDY_FILE: Text = t("Study file", "Studiefil");

    pub const PARTY: Text = t("Party", "Part");
    pub const PAYS: Text = t("Pays", "Betalar");
    pub const RECEIVES: Text = t("Receives", "Får");
    pub const AT_POINT: Text = t("At the point estimate", "Vid punktskattningen");
    pub const EXPECTED: Text = t("Expected", "Förväntat");
    pub const INTERVAL: Text = t("Interval", "Intervall");
    pub const THRESHOLD: Text = t("Threshold", "Tröskel");
    pub const PROBABILITY_MET: Text = t("Probability met", "Sannolikhet att nås");
    pub const MET_AT_POINT: Text = t("Met at the point estimate", "Nås vid punktskattningen");
    pub const COMPONENT: Text = t("Component", "Komponent");
    pub const PAID: Text = t("Paid", "Utbetalt");
    pub const PAYMENT: Text = t("Payment", "Betalning");
    pub const SHARE_OF_DRAWS: Text = t("Share of replicates", "Andel replikat");
    pub const POWER_AXIS: Text = t("Power", "Styrka");
    pub const N_PER_ARM: Text = t("Units per arm", "Enheter per grupp");
    pub const REPLICATES_AXIS: Text = t("Replicates", "Replikat");

    pub const PRIVACY_STATEMENT: Text = t(
        "The report contains no individual-level data: only counts and statistics of groups. Any count or statistic based on fewer individuals than the privacy threshold is suppressed, and every suppression is listed here.",
        "Rapporten innehåller inga uppgifter på individnivå, bara antal och statistik för grupper. Antal och statistik som bygger på färre individer än integritetsgränsen redovisas inte (undertrycks), och varje sådan undertryckning anges här.",
    );
    pub const NO_SUPPRESSIONS: Text = t(
        "No value had to be suppressed.",
        "Inga värden behövde undertryckas.",
    );
    pub const MD_PLOTS_NOTE: Text = t(
        "The plots are in the HTML version of this report (report.html).",
        "Diagrammen finns i HTML-versionen av rapporten (report.html).",
    );
    pub const CONTRACT_INTRO: Text = t(
        "Probability that each threshold of the outcome contract is met, and what each party would pay or receive, given the bootstrap distribution of the effects.",
        "Sannolikheten att varje tröskel i utfallskontraktet nås, och vad varje part skulle betala eller få, givet bootstrapfördelningen för effekterna.",
    );
    pub const CONTRACT_INTERPRETATION: Text = t(
        "Probabilities are shares of bootstrap replicates: how much the estimate would vary if the study were repeated on similar data. They approximate the probability that the true effect meets a threshold only under a flat prior and a well-behaved estimator (Rubin 1981; Efron & Tibshirani 1993, ch. 13), ignore bias the design does not remove, and with few units tend to overstate certainty.",
        "Sannolikheterna är andelar av bootstrapreplikaten: hur mycket skattningen skulle variera om studien upprepades på liknande data. De motsvarar sannolikheten att den sanna effekten når tröskeln bara ungefärligt (under en icke-informativ apriorifördelning och en välbetedd skattare; Rubin 1981; Efron & Tibshirani 1993, kap. 13), bortser från snedvridning som designen inte tar bort och överskattar ofta säkerheten när enheterna är få.",
    );
    pub const PLOT_CF_BARS_CAPTION: Text = t(
        "Observed mean among the treated, the estimated counterfactual mean (what the treated would have had without the intervention) and the comparison group's mean. The effect is the distance between the first two bars.",
        "Observerat medelvärde i insatsgruppen, skattat kontrafaktiskt medelvärde (vad insatsgruppen skulle ha haft utan insatsen) och jämförelsegruppens medelvärde. Effekten är avståndet mellan de två första staplarna.",
    );
    pub const PLOT_TRAJ_CAPTION: Text = t(
        "Observed mean among the treated and the estimated counterfactual at each measurement wave; vertical lines are the effects.",
        "Observerat medelvärde i insatsgruppen och skattat kontrafaktiskt utfall vid varje mättillfälle; de lodräta linjerna är effekterna.",
    );
    pub const PLOT_BOOT_CAPTION: Text = t(
        "Histogram of the bootstrap replicates of the effect; the solid line is the estimate and the dashed lines the bootstrap confidence interval.",
        "Histogram över bootstrapreplikaten av effekten; den heldragna linjen är skattningen och de streckade linjerna bootstrapintervallet.",
    );
    pub const PLOT_LOVE_CAPTION: Text = t(
        "Standardised mean differences of the baseline characteristics before and after; |SMD| above 0.1 (dashed) is commonly read as imbalance.",
        "Standardiserade medelvärdesskillnader i bakgrundsvariablerna före och efter; |SMD| över 0,1 (streckat) brukar tolkas som obalans.",
    );
    pub const PLOT_EVENT_CAPTION: Text = t(
        "Effect by time relative to the start of the intervention, with confidence intervals; the reference period is fixed at 0.",
        "Effekt per tidpunkt i förhållande till insatsens start, med konfidensintervall; referensperioden är satt till 0.",
    );
    pub const PLOT_POWER_CAPTION: Text = t(
        "Power to detect the target effect by the number of units per arm.",
        "Styrka att upptäcka måleffekten efter antal enheter per grupp.",
    );
    pub const PLOT_CONTRACT_CAPTION: Text = t(
        "Distribution of each party's payment over the bootstrap replicates.",
        "Fördelningen av varje parts betalning över bootstrapreplikaten.",
    );
    pub const PLOT_THRESHOLDS_CAPTION: Text = t(
        "Probability that each contract threshold is met.",
        "Sannolikheten att varje tröskel i kontraktet nås.",
    );
    pub const EVENT_TIME: Text = t(
        "Periods relative to the start of the intervention",
        "Perioder i förhållande till insatsens start",
    );
    pub const BEFORE: Text = t("before", "före");
    pub const AFTER: Text = t("after", "efter");
    pub const FLAG_NOTE: Text = t(
        "† |standardised mean difference| above 0.1.",
        "† |standardiserad medelvärdesskillnad| över 0,1.",
    );
    pub const GENERATED_BY: Text = t("Generated by", "Skapad med");
}

/// Format `x` with `decimals` decimals: English `1,234.5`, Swedish `1 234,5` (no-break space
/// between thousands from five digits on, as Swedish style recommends; decimal comma). Negative
/// numbers get a true minus sign (U+2212). Non-finite values give "–".
pub fn fmt_num(x: f64, decimals: usize, lang: Language) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let (sep, dec) = match lang {
        Language::En => (",", "."),
        Language::Sv => ("\u{a0}", ","),
    };
    let group = match lang {
        Language::En => int.len() > 3,
        Language::Sv => int.len() > 4,
    };
    let mut grouped = String::new();
    if group {
        let bytes: Vec<char> = int.chars().collect();
        for (i, c) in bytes.iter().enumerate() {
            if i > 0 && (bytes.len() - i).is_multiple_of(3) {
                grouped.push_str(sep);
            }
            grouped.push(*c);
        }
    } else {
        grouped = int;
    }
    let mut out = String::new();
    if negative {
        out.push('\u{2212}');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push_str(dec);
        out.push_str(&f);
    }
    out
}

/// A p-value: three decimals, `< 0.001` below that (Swedish `< 0,001`).
pub fn fmt_p(p: f64, lang: Language) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    if p < 0.001 {
        format!("< {}", fmt_num(0.001, 3, lang))
    } else {
        fmt_num(p, 3, lang)
    }
}

/// A confidence level as a percentage without decimals when whole (`95 %`; `97,5 %`).
pub fn fmt_level(level: f64, lang: Language) -> String {
    let pct = level * 100.0;
    if (pct - pct.round()).abs() < 1e-9 {
        format!("{} %", fmt_num(pct, 0, lang))
    } else {
        format!("{} %", fmt_num(pct, 1, lang))
    }
}

/// "95 % CI 3 to 21" / "95 % KI 3 till 21".
pub fn fmt_ci(level: f64, low: &str, high: &str, lang: Language) -> String {
    format!(
        "{} {} {} {} {}",
        fmt_level(level, lang),
        msg::CI.get(lang),
        low,
        msg::TO.get(lang),
        high
    )
}

/// A count of units with the word for them.
pub fn fmt_count(n: u64, lang: Language) -> String {
    fmt_num(n as f64, 0, lang)
}

/// An amount of money with thousands separators and no decimals.
pub fn fmt_money(x: f64, currency: &str, lang: Language) -> String {
    format!("{} {}", fmt_num(x, 0, lang), currency)
}

/// A probability as a percentage with no decimals ("83 %").
pub fn fmt_percent(p: f64, lang: Language) -> String {
    format!("{} %", fmt_num(p * 100.0, 0, lang))
}

/// Capitalise the first letter.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(1234.5, 1, Language::En), "1,234.5");
        assert_eq!(fmt_num(1234.5, 1, Language::Sv), "1234,5");
        assert_eq!(
            fmt_num(12_000_000.0, 0, Language::Sv),
            "12\u{a0}000\u{a0}000"
        );
        assert_eq!(fmt_num(-0.1234, 2, Language::Sv), "\u{2212}0,12");
        assert_eq!(fmt_num(-0.001, 2, Language::En), "0.00");
        assert_eq!(fmt_p(0.0004, Language::Sv), "< 0,001");
        assert_eq!(fmt_p(0.0123, Language::En), "0.012");
        assert_eq!(fmt_level(0.95, Language::Sv), "95 %");
        assert_eq!(fmt_ci(0.95, "3", "21", Language::Sv), "95 % KI 3 till 21");
        assert_eq!(fmt_num(f64::NAN, 2, Language::En), "–");
    }
}

/// Sentences with numbers, in both languages.
pub mod sentences {
    use super::{Language, capitalise, fmt_ci, fmt_p};

    /// Parts of a headline sentence, already formatted.
    pub struct HeadlineParts<'a> {
        /// Magnitude of the effect, formatted, without sign ("12").
        pub magnitude: &'a str,
        /// Unit of the effect ("percentage points").
        pub unit: &'a str,
        /// Whether the effect is ≥ 0.
        pub positive: bool,
        /// Lower CI end, formatted with sign.
        pub low: &'a str,
        /// Upper CI end.
        pub high: &'a str,
        /// Confidence level.
        pub level: f64,
        /// p-value, if any.
        pub p_value: Option<f64>,
        /// Intervention name.
        pub intervention: &'a str,
        /// Subject in `lang` ("the share of cases closed to a lower level of intervention").
        pub subject: &'a str,
        /// Whether `subject` is a template's (a noun phrase) or a user label.
        pub template_subject: bool,
        /// English count phrase of share templates ("cases were closed …").
        pub count_phrase_en: Option<&'a str>,
    }

    fn bracket(p: &HeadlineParts<'_>, lang: Language) -> String {
        let ci = fmt_ci(p.level, p.low, p.high, lang);
        match p.p_value {
            Some(pv) => {
                let ps = fmt_p(pv, lang);
                let eq = if ps.starts_with('<') { " " } else { " = " };
                format!("({ci}; p{eq}{ps})")
            }
            None => format!("({ci})"),
        }
    }

    /// The headline effect in words.
    pub fn headline(p: &HeadlineParts<'_>, lang: Language) -> String {
        let b = bracket(p, lang);
        match lang {
            Language::En => {
                let dir = if p.positive { "higher" } else { "lower" };
                if let Some(cp) = p.count_phrase_en {
                    let more = if p.positive { "more" } else { "fewer" };
                    format!(
                        "An estimated {} {} {more} {cp} than would have been without {} {b}.",
                        p.magnitude, p.unit, p.intervention
                    )
                } else if p.template_subject {
                    format!(
                        "{} was an estimated {} {} {dir} than it would have been without {} {b}.",
                        capitalise(p.subject),
                        p.magnitude,
                        p.unit,
                        p.intervention
                    )
                } else {
                    format!(
                        "{}: an estimated {} {} {dir} than without {} {b}.",
                        p.subject, p.magnitude, p.unit, p.intervention
                    )
                }
            }
            Language::Sv => {
                let dir = if p.positive { "högre" } else { "lägre" };
                if p.template_subject {
                    format!(
                        "{} var uppskattningsvis {} {} {dir} än den skulle ha varit utan {} {b}.",
                        capitalise(p.subject),
                        p.magnitude,
                        p.unit,
                        p.intervention
                    )
                } else {
                    format!(
                        "{}: uppskattningsvis {} {} {dir} än utan {} {b}.",
                        p.subject, p.magnitude, p.unit, p.intervention
                    )
                }
            }
        }
    }

    /// The counterfactual in words: observed, counterfactual, comparison group (formatted).
    pub fn counterfactual(
        observed: &str,
        counterfactual: &str,
        control: &str,
        intervention: &str,
        lang: Language,
    ) -> String {
        match lang {
            Language::En => format!(
                "Observed among the treated: {observed}. Estimated counterfactual, what the treated would have had without {intervention}: {counterfactual}. Comparison group: {control}."
            ),
            Language::Sv => format!(
                "Observerat i insatsgruppen: {observed}. Skattat kontrafaktiskt utfall, det vill säga vad insatsgruppen skulle ha haft utan {intervention}: {counterfactual}. Jämförelsegruppen: {control}."
            ),
        }
    }

    /// The randomised-comparison design in words.
    pub fn design_rct(
        units: &str,
        intervention: &str,
        comparison: Option<&str>,
        lang: Language,
    ) -> String {
        match lang {
            Language::En => {
                let comp = comparison
                    .map(|c| format!(" (who received {c})"))
                    .unwrap_or_default();
                format!(
                    "Randomised comparison, analysed as a difference in means: {units} who received {intervention} are compared with {units} in the comparison group{comp}. Because chance decided who got {intervention}, the comparison group's outcome estimates what the treated would have had without it: the counterfactual."
                )
            }
            Language::Sv => {
                let comp = comparison
                    .map(|c| format!(" (som fick {c})"))
                    .unwrap_or_default();
                format!(
                    "Randomiserad jämförelse, analyserad som skillnad i medelvärden: {units} som fick {intervention} jämförs med {units} i jämförelsegruppen{comp}. Eftersom slumpen avgjorde vilka som fick {intervention} skattar jämförelsegruppens utfall vad insatsgruppen skulle ha haft utan insatsen: det kontrafaktiska utfallet."
                )
            }
        }
    }

    /// The data in words.
    #[allow(clippy::too_many_arguments)]
    pub fn data_summary(
        file: &str,
        rows: &str,
        units: Option<(&str, &str)>,
        periods: Option<(&str, &str)>,
        clusters: Option<(&str, &str)>,
        lang: Language,
    ) -> String {
        match lang {
            Language::En => {
                let mut s = format!("The data file {file} has {rows} rows");
                if let Some((n, w)) = units {
                    s.push_str(&format!(" on {n} {w}"));
                }
                if let Some((k, list)) = periods {
                    s.push_str(&format!(", measured at {k} waves ({list})"));
                }
                if let Some((g, col)) = clusters {
                    s.push_str(&format!(", in {g} clusters ({col})"));
                }
                s.push('.');
                s
            }
            Language::Sv => {
                let mut s = format!("Datafilen {file} har {rows} rader");
                if let Some((n, w)) = units {
                    s.push_str(&format!(" om {n} {w}"));
                }
                if let Some((k, list)) = periods {
                    s.push_str(&format!(", uppmätta vid {k} mättillfällen ({list})"));
                }
                if let Some((g, col)) = clusters {
                    s.push_str(&format!(", i {g} kluster ({col})"));
                }
                s.push('.');
                s
            }
        }
    }

    /// The analysed wave.
    pub fn analysed_wave(period: &str, lang: Language) -> String {
        match lang {
            Language::En => format!("The effects are estimated at wave {period}."),
            Language::Sv => format!("Effekterna skattas vid mättillfälle {period}."),
        }
    }

    /// Missing data and what was done.
    pub fn missing(drop: bool, any_dropped: bool, lang: Language) -> String {
        match (lang, drop, any_dropped) {
            (Language::En, true, true) => "Missing values: units with a missing value in an analysed column were left out (complete-case analysis); the counts per outcome are in the table below. If values are not missing at random this can bias the results.".into(),
            (Language::En, _, false) => "No analysed value was missing.".into(),
            (Language::En, false, true) => "Missing values stop the analysis (missing = \"error\").".into(),
            (Language::Sv, true, true) => "Bortfall: enheter som saknar värde i någon analyserad variabel har uteslutits (analys av fullständiga fall); antalet per utfallsmått står i tabellen nedan. Om bortfallet inte är slumpmässigt kan resultaten bli snedvridna.".into(),
            (Language::Sv, _, false) => "Inget analyserat värde saknades.".into(),
            (Language::Sv, false, true) => "Saknade värden stoppar analysen (missing = \"error\").".into(),
        }
    }

    /// A suppression note.
    pub fn suppressed(location: &str, threshold: u32, lang: Language) -> String {
        match lang {
            Language::En => {
                format!("{location}: based on fewer than {threshold} individuals, not shown.")
            }
            Language::Sv => {
                format!("{location}: bygger på färre än {threshold} individer, redovisas inte.")
            }
        }
    }

    /// Secondary suppression of a whole subgroup breakdown.
    pub fn suppressed_subgroup(
        column: &str,
        levels: &str,
        threshold: u32,
        lang: Language,
    ) -> String {
        match lang {
            Language::En => format!(
                "Effects by {column}: {levels} has fewer than {threshold} individuals in an arm; all levels of {column} are suppressed so the small group cannot be derived from the totals."
            ),
            Language::Sv => format!(
                "Effekter per {column}: {levels} har färre än {threshold} individer i en grupp; alla nivåer av {column} undertrycks så att den lilla gruppen inte kan räknas fram ur totalerna."
            ),
        }
    }

    /// The gender-analysis lead sentence.
    pub fn gender_lead(lang: Language) -> &'static str {
        match lang {
            Language::En => {
                "The study declares a sex column, so the effects are always shown separately by sex, with a test of whether they differ (gender analysis)."
            }
            Language::Sv => {
                "Studien anger en variabel för kön, så effekterna redovisas alltid uppdelat på kön tillsammans med ett test av om de skiljer sig åt (jämställdhetsanalys)."
            }
        }
    }

    /// Power-section sentence.
    pub fn power(effect: &str, power: &str, alpha: &str, n: &str, lang: Language) -> String {
        match lang {
            Language::En => format!(
                "To detect an effect of {effect} with {power} power at the {alpha} significance level, a future study needs about {n} units per arm."
            ),
            Language::Sv => format!(
                "För att upptäcka en effekt på {effect} med {power} styrka på signifikansnivån {alpha} behöver en kommande studie ungefär {n} enheter per grupp."
            ),
        }
    }
}

/// Texts of the inference the report computes itself (method names, reasons, warnings, notes).
pub mod inference {
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
            (true, Language::Sv) => {
                "t-test med CR2-medelfel och Satterthwaites frihetsgrader".into()
            }
            (false, Language::En) => "t test with HC2 standard errors (n − 2 df)".into(),
            (false, Language::Sv) => "t-test med HC2-medelfel (n − 2 frihetsgrader)".into(),
        }
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
            (false, Language::En) => {
                "t test of the interaction, HC2 standard error (n − 4 df)".into()
            }
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
            format!(
                "`{column}` = {level}: fewer than 2 units in an arm, no effect can be estimated"
            ),
            format!(
                "`{column}` = {level}: färre än 2 enheter i en grupp, ingen effekt kan skattas"
            ),
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
}
