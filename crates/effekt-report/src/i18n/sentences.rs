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

/// The counterfactual in words: observed, counterfactual, comparison group (formatted);
/// with `unadjusted`, the comparison group after and before matching or weighting.
pub fn counterfactual(
    observed: &str,
    counterfactual: &str,
    control: &str,
    unadjusted: Option<&str>,
    intervention: &str,
    lang: Language,
) -> String {
    match (lang, unadjusted) {
        (Language::En, None) => format!(
            "Observed among the treated: {observed}. Estimated counterfactual, what the treated would have had without {intervention}: {counterfactual}. Comparison group: {control}."
        ),
        (Language::Sv, None) => format!(
            "Observerat i insatsgruppen: {observed}. Skattat kontrafaktiskt utfall, det vill säga vad insatsgruppen skulle ha haft utan {intervention}: {counterfactual}. Jämförelsegruppen: {control}."
        ),
        (Language::En, Some(raw)) => format!(
            "Observed among the treated: {observed}. Estimated counterfactual, what the treated would have had without {intervention}: {counterfactual}, the comparison group after matching or weighting (before: {raw})."
        ),
        (Language::Sv, Some(raw)) => format!(
            "Observerat i insatsgruppen: {observed}. Skattat kontrafaktiskt utfall, det vill säga vad insatsgruppen skulle ha haft utan {intervention}: {counterfactual}, jämförelsegruppen efter matchning eller viktning (före: {raw})."
        ),
    }
}

/// The randomised-comparison design in words.
pub fn design_rct(
    units: &str,
    intervention: &str,
    comparison: Option<&str>,
    estimator: &str,
    lang: Language,
) -> String {
    match lang {
        Language::En => {
            let comp = comparison
                .map(|c| format!(" (who received {c})"))
                .unwrap_or_default();
            format!(
                "Randomised comparison, analysed as a {estimator}: {units} who received {intervention} are compared with {units} in the comparison group{comp}. Because chance decided who got {intervention}, the comparison group's outcome estimates what the treated would have had without it: the counterfactual."
            )
        }
        Language::Sv => {
            let comp = comparison
                .map(|c| format!(" (jämförelse: {c})"))
                .unwrap_or_default();
            format!(
                "Randomiserad jämförelse, analyserad som {estimator}: {units} som fick {intervention} jämförs med {units} i jämförelsegruppen{comp}. Eftersom slumpen avgjorde vilka som fick {intervention} skattar jämförelsegruppens utfall vad insatsgruppen skulle ha haft utan insatsen: det kontrafaktiska utfallet."
            )
        }
    }
}

/// The matching design in words.
pub fn design_matching(
    units: &str,
    intervention: &str,
    comparison: Option<&str>,
    covariates: &[String],
    exact: &[String],
    weighting: bool,
    lang: Language,
) -> String {
    let covs = covariates.join(", ");
    if weighting {
        return match lang {
            Language::En => format!(
                "Observational comparison with a weighted comparison group: {intervention} was not assigned by chance, so the {units} who did not receive it{} are weighted by their estimated probability of receiving it given their characteristics before the intervention ({covs}; inverse probability weighting), until they resemble the {units} who did. The weighted comparison group's outcome estimates what the treated would have had without {intervention}: the counterfactual. This holds only if these characteristics capture every difference between the groups that also affects the outcome; the balance table and the love plot show how similar the groups became.",
                comparison
                    .map(|c| format!(" (who received {c})"))
                    .unwrap_or_default()
            ),
            Language::Sv => format!(
                "Observationsstudie med viktad jämförelsegrupp: {intervention} fördelades inte slumpmässigt, så {units} som inte fick insatsen{} vägs efter sin skattade sannolikhet att få den givet egenskaper före insatsen ({covs}; viktning med invers sannolikhet) tills de liknar {units} som fick den. Den viktade jämförelsegruppens utfall skattar vad insatsgruppen skulle ha haft utan {intervention}: det kontrafaktiska utfallet. Det förutsätter att egenskaperna fångar alla skillnader mellan grupperna som också påverkar utfallet; balanstabellen och love-diagrammet visar hur lika grupperna blev.",
                comparison
                    .map(|c| format!(" (jämförelse: {c})"))
                    .unwrap_or_default()
            ),
        };
    }
    match lang {
        Language::En => {
            let comp = comparison
                .map(|c| format!(" (who received {c})"))
                .unwrap_or_default();
            let ex = if exact.is_empty() {
                String::new()
            } else {
                format!(", exactly on {}", exact.join(", "))
            };
            format!(
                "Observational comparison with a matched comparison group: {intervention} was not assigned by chance, so each of the {units} who received {intervention} is compared with similar {units} who did not{comp}, matched on their characteristics before the intervention ({covs}{ex}). The matched comparison group's outcome estimates what the treated would have had without {intervention}: the counterfactual. This holds only if the matched characteristics capture every difference between the groups that also affects the outcome; the balance table and the love plot show how similar the groups became."
            )
        }
        Language::Sv => {
            let comp = comparison
                .map(|c| format!(" (jämförelse: {c})"))
                .unwrap_or_default();
            let ex = if exact.is_empty() {
                String::new()
            } else {
                format!(", exakt på {}", exact.join(", "))
            };
            format!(
                "Observationsstudie med matchad jämförelsegrupp: {intervention} fördelades inte slumpmässigt, så {units} som fick {intervention} jämförs med liknande {units} som inte fick det{comp}, matchade på egenskaper före insatsen ({covs}{ex}). Den matchade jämförelsegruppens utfall skattar vad insatsgruppen skulle ha haft utan {intervention}: det kontrafaktiska utfallet. Det förutsätter att de matchade egenskaperna fångar alla skillnader mellan grupperna som också påverkar utfallet; balanstabellen och love-diagrammet visar hur lika grupperna blev."
            )
        }
    }
}

/// The difference-in-differences design in words.
pub fn design_did(units: &str, intervention: &str, staggered: bool, lang: Language) -> String {
    match (lang, staggered) {
        (Language::En, false) => format!(
            "Difference in differences: the change in the outcome among {units} that received {intervention} is compared with the change among {units} that did not over the same periods. The counterfactual is the treated group's own earlier level moved by the comparison group's change; this holds if the two groups would have followed parallel trends without {intervention}, which the pre-trend test and the event-study plot examine."
        ),
        (Language::En, true) => format!(
            "Difference in differences with staggered adoption (Callaway & Sant'Anna 2021): {units} start {intervention} in different periods; each group of {units} starting in the same period is compared, period by period, with {units} not (yet) treated, and these group-time effects are averaged. The counterfactual is each treated group's own earlier level moved by the comparison units' change; this holds if the groups would have followed parallel trends without {intervention}, which the pre-trend test and the event-study plot examine. The two-way fixed-effects regression is shown beside it: under staggered timing it can mix in comparisons with already-treated units (Goodman-Bacon 2021)."
        ),
        (Language::Sv, false) => format!(
            "Skillnad i skillnader: förändringen i utfallet bland {units} som fick {intervention} jämförs med förändringen bland {units} som inte fick det under samma perioder. Det kontrafaktiska utfallet är insatsgruppens egen tidigare nivå förskjuten med jämförelsegruppens förändring; det håller om grupperna hade följt parallella trender utan {intervention}, vilket testet av trender före insatsen och händelsestudien granskar."
        ),
        (Language::Sv, true) => format!(
            "Skillnad i skillnader med stegvis införande (Callaway & Sant'Anna 2021): {units} börjar med {intervention} vid olika tidpunkter; varje grupp av {units} som börjar samma period jämförs, period för period, med {units} som inte (ännu) fått insatsen, och dessa grupp- och tidsspecifika effekter vägs samman. Det kontrafaktiska utfallet är varje insatsgrupps egen tidigare nivå förskjuten med jämförelseenheternas förändring; det håller om grupperna hade följt parallella trender utan {intervention}, vilket testet av trender före insatsen och händelsestudien granskar. Regressionen med tvåvägs fixa effekter redovisas bredvid: vid stegvis införande kan den blanda in jämförelser med enheter som redan fått insatsen (Goodman-Bacon 2021)."
        ),
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

/// A count coarsened so that a suppressed count cannot be derived from it.
pub fn coarsened(location: &str, shown: &str, lang: Language) -> String {
    match lang {
        Language::En => format!(
            "{location}: shown as {shown}, rounded, so that a suppressed count cannot be derived from it."
        ),
        Language::Sv => format!(
            "{location}: redovisas avrundat som {shown} så att ett undertryckt antal inte kan räknas fram ur det."
        ),
    }
}

/// Statistics of a 0/1 outcome suppressed because few individuals in an arm had (or did not
/// have) the outcome: a share and its denominator would give the count.
pub fn suppressed_events(location: &str, threshold: u32, lang: Language) -> String {
    match lang {
        Language::En => format!(
            "{location}: fewer than {threshold} individuals in a group had the outcome, or fewer than {threshold} did not; not shown, since a share together with the group size would give the count."
        ),
        Language::Sv => format!(
            "{location}: färre än {threshold} individer i en grupp hade utfallet, eller färre än {threshold} hade det inte; redovisas inte, eftersom en andel tillsammans med gruppens storlek skulle ge antalet."
        ),
    }
}

/// Secondary suppression of a whole subgroup breakdown because a level has few individuals
/// with (or without) a 0/1 outcome in an arm.
pub fn suppressed_subgroup_events(
    column: &str,
    levels: &str,
    threshold: u32,
    lang: Language,
) -> String {
    match lang {
        Language::En => format!(
            "Effects by {column}: in {levels} fewer than {threshold} individuals in an arm had the outcome, or fewer than {threshold} did not; all levels of {column} are suppressed so that the count cannot be derived from a share and its group size."
        ),
        Language::Sv => format!(
            "Effekter per {column}: i {levels} hade färre än {threshold} individer i en grupp utfallet, eller färre än {threshold} hade det inte; alla nivåer av {column} undertrycks så att antalet inte kan räknas fram ur en andel och gruppens storlek."
        ),
    }
}

/// Secondary suppression of a whole subgroup breakdown.
pub fn suppressed_subgroup(column: &str, levels: &str, threshold: u32, lang: Language) -> String {
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

/// The standardised effect in words: Hedges' g with the interval shown (the headline
/// interval standardised) and the SD it divides by, or
/// the number needed to treat (its interval, or why it has none).
pub fn effect_size(
    g: Option<(&effekt_models::effect_size::HedgesG, (f64, f64))>,
    nnt: Option<&effekt_models::effect_size::Nnt>,
    scale: &crate::model::Scale,
    level: f64,
    intervention: &str,
    units: &str,
    lang: Language,
) -> String {
    use super::fmt_num;
    if let Some((g, (low, high))) = g {
        let ci = fmt_ci(level, &fmt_num(low, 2, lang), &fmt_num(high, 2, lang), lang);
        let est = fmt_num(g.estimate, 2, lang);
        let sd = fmt_num(
            g.sd * scale.display_factor,
            (scale.decimals as usize).max(2),
            lang,
        );
        let unit = &scale.effect_unit;
        return match lang {
            Language::En => format!(
                "Standardised effect (Hedges' g): {est} ({ci}): the effect in standard deviations of the outcome (pooled within the groups of the analysed sample: {sd} {unit}); the interval is the main result's, standardised."
            ),
            Language::Sv => format!(
                "Standardiserad effekt (Hedges g): {est} ({ci}): effekten uttryckt i standardavvikelser för utfallet (sammanvägd inom grupperna i det analyserade urvalet: {sd} {unit}); intervallet är huvudresultatets, standardiserat."
            ),
        };
    }
    let Some(n) = nnt else {
        return String::new();
    };
    let Some(est) = n.estimate else {
        return match lang {
            Language::En => "Number needed to treat: not defined (the estimated risk difference is zero).".into(),
            Language::Sv => "Antal som behöver behandlas (NNT): inte definierat (den skattade riskskillnaden är noll).".into(),
        };
    };
    let e = fmt_num(est, 1, lang);
    let (more, fler) = if n.more_often {
        ("one outcome more", "fler")
    } else {
        ("one outcome fewer", "färre")
    };
    let interval = match (n.conf_low, n.conf_high) {
        (Some(lo), Some(hi)) => Some(fmt_ci(
            level,
            &fmt_num(lo, 1, lang),
            &fmt_num(hi, 1, lang),
            lang,
        )),
        _ => None,
    };
    match (lang, interval) {
        (Language::En, Some(ci)) => format!(
            "Number needed to treat: {e} ({ci}): for every {e} {units} given {intervention}, there is {more} than there would have been without it."
        ),
        (Language::En, None) => format!(
            "Number needed to treat: {e}: for every {e} {units} given {intervention}, there is {more} than there would have been without it. It has no interval: the interval of the risk difference includes zero, so both more and fewer outcomes are compatible with the data."
        ),
        (Language::Sv, Some(ci)) => format!(
            "Antal som behöver behandlas (NNT): {e} ({ci}): för varje {e} {units} som får {intervention} blir det ett utfall {fler} än det skulle ha blivit utan insatsen."
        ),
        (Language::Sv, None) => format!(
            "Antal som behöver behandlas (NNT): {e}: för varje {e} {units} som får {intervention} blir det ett utfall {fler} än det skulle ha blivit utan insatsen. Det saknar intervall: intervallet för riskskillnaden innefattar noll, så både fler och färre utfall är förenliga med data."
        ),
    }
}
