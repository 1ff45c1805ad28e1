//! The methods appendix and its references, in both languages.

use crate::i18n::{Language, Text};
use crate::model::{MethodsEntry, Reference};

const fn t(en: &'static str, sv: &'static str) -> Text {
    Text { en, sv }
}

struct Entry {
    title: Text,
    text: Text,
    refs: &'static [&'static str],
}

const COUNTERFACTUAL: Entry = Entry {
    title: t(
        "Effect and counterfactual",
        "Effekt och kontrafaktiskt utfall",
    ),
    text: t(
        "The effect is the difference between what the treated observed and what they would have observed without the intervention (the counterfactual). The counterfactual cannot be observed and is estimated from the comparison group; the design decides how. Every effect in this report is shown together with the observed level among the treated and the estimated counterfactual level.",
        "Effekten är skillnaden mellan det utfall insatsgruppen fick och det utfall den skulle ha fått utan insatsen (det kontrafaktiska utfallet). Det kontrafaktiska utfallet kan inte observeras utan skattas med hjälp av jämförelsegruppen; designen avgör hur. Varje effekt i rapporten redovisas tillsammans med insatsgruppens observerade nivå och den skattade kontrafaktiska nivån.",
    ),
    refs: &["Imbens & Rubin 2015", "Neyman 1923"],
};

const DIM: Entry = Entry {
    title: t("Difference in means", "Skillnad i medelvärden"),
    text: t(
        "In a randomised comparison the effect is estimated as the mean outcome among the treated minus the mean in the comparison group (for 0/1 outcomes: the difference in shares, in percentage points). Its standard error is the HC2 heteroskedasticity-robust one, equal to Neyman's variance s1²/n1 + s0²/n0, with n − 2 degrees of freedom; with clusters, the CR2 cluster-robust standard error with Satterthwaite degrees of freedom, which stays valid with few clusters. These are the definitions of R estimatr's lm_robust.",
        "I en randomiserad jämförelse skattas effekten som medelvärdet i insatsgruppen minus medelvärdet i jämförelsegruppen (för utfall som är 0/1: skillnaden i andelar, i procentenheter). Medelfelet är det heteroskedasticitetsrobusta HC2, som är lika med Neymans varians s1²/n1 + s0²/n0, med n − 2 frihetsgrader; med kluster det klusterrobusta CR2 med Satterthwaites frihetsgrader, som håller även med få kluster. Definitionerna är desamma som i R-paketet estimatr (lm_robust).",
    ),
    refs: &[
        "MacKinnon & White 1985",
        "Samii & Aronow 2012",
        "Bell & McCaffrey 2002",
        "Pustejovsky & Tipton 2018",
    ],
};

const BOOTSTRAP: Entry = Entry {
    title: t(
        "Bootstrap confidence intervals",
        "Bootstrapbaserade konfidensintervall",
    ),
    text: t(
        "Bootstrap confidence intervals are shown for every effect, and are the headline interval unless units are clustered in fewer than 20 clusters (then the CR2 interval is, since the cluster bootstrap is unreliable with few clusters). The analysis is repeated on many data sets drawn with replacement from the data, keeping the design's structure (resampling within each arm so the group sizes stay fixed, or whole clusters when units are clustered). The BCa interval corrects the percentile interval for bias and skewness; where it is not defined the percentile interval is used and a warning says so. Every replicate draws from its own random stream given by the seed, so the results are identical on every run and any number of threads.",
        "Bootstrapbaserade konfidensintervall redovisas för varje effekt och är huvudintervallet utom när enheterna är klustrade i färre än 20 kluster (då används CR2-intervallet, eftersom klusterbootstrap är opålitlig med få kluster). Analysen upprepas på många datamängder som dras med återläggning ur data, med designens struktur bevarad (dragning inom varje grupp så att gruppstorlekarna är desamma, eller hela kluster när enheterna är klustrade). BCa-intervallet korrigerar percentilintervallet för snedvridning och skevhet; där det inte är definierat används percentilintervallet och en varning anger det. Varje replikat drar från en egen slumptalsström som bestäms av fröet, så resultaten blir identiska vid varje körning och med valfritt antal trådar.",
    ),
    refs: &[
        "Efron 1987",
        "Davison & Hinkley 1997",
        "Cameron, Gelbach & Miller 2008",
    ],
};

const SUBGROUPS: Entry = Entry {
    title: t(
        "Subgroups and gender analysis",
        "Undergrupper och jämställdhetsanalys",
    ),
    text: t(
        "Effects by subgroup are differences in means within each level, from one regression with the treatment interacted with the subgroup. Whether the effects differ is tested with the interaction: a t test for two levels, a joint Wald test for more (HTZ with clusters). A subgroup effect is less precise than the overall effect; a non-significant difference is not evidence that the effects are equal.",
        "Effekter per undergrupp är skillnader i medelvärden inom varje nivå, skattade i en regression där insatsen samspelar med undergruppen. Om effekterna skiljer sig åt testas med samspelstermen: ett t-test för två nivåer och ett gemensamt Wald-test för fler (HTZ med kluster). En effekt i en undergrupp är mindre precis än den samlade effekten; en icke-signifikant skillnad visar inte att effekterna är lika.",
    ),
    refs: &["Pustejovsky & Tipton 2018"],
};

const BALANCE: Entry = Entry {
    title: t("Balance", "Balans"),
    text: t(
        "Balance of baseline characteristics is shown as standardised mean differences (difference in means divided by the pooled standard deviation) and variance ratios; an absolute standardised difference above 0.1 is flagged.",
        "Balansen i bakgrundsvariabler redovisas som standardiserade medelvärdesskillnader (skillnaden i medelvärden delad med den sammanvägda standardavvikelsen) och varianskvoter; en absolut standardiserad skillnad över 0,1 markeras.",
    ),
    refs: &["Austin 2009"],
};

const PRIVACY: Entry = Entry {
    title: t("Privacy", "Integritetsskydd"),
    text: t(
        "The report holds no individual-level data. Counts and statistics based on fewer individuals than the privacy threshold are suppressed; when one level of a breakdown is suppressed, the whole breakdown is, so that the small group cannot be derived from the totals (secondary suppression).",
        "Rapporten innehåller inga uppgifter om enskilda individer. Antal och statistik som bygger på färre individer än integritetsgränsen undertrycks; när en nivå i en uppdelning undertrycks gäller det hela uppdelningen, så att den lilla gruppen inte kan räknas fram ur totalerna (sekundär undertryckning).",
    ),
    refs: &["Hundepool et al. 2012"],
};

const CONTRACT: Entry = Entry {
    title: t("Outcome contract", "Utfallskontrakt"),
    text: t(
        "The contract is evaluated on every bootstrap replicate of the effects: for each threshold, the probability that it is met is the share of replicates meeting it; each party's expected payment is the mean over replicates with a percentile interval. Caps hold on every replicate.",
        "Kontraktet utvärderas på varje bootstrapreplikat av effekterna: sannolikheten att en tröskel nås är andelen replikat som når den; varje parts förväntade betalning är medelvärdet över replikaten med ett percentilintervall. Takbelopp gäller i varje replikat.",
    ),
    refs: &["GO Lab 2018", "Rubin 1981", "Efron & Tibshirani 1993"],
};

const POWER: Entry = Entry {
    title: t("Power", "Statistisk styrka"),
    text: t(
        "The power curve gives the probability that a future study of the given size detects the target effect at the chosen significance level, for a comparison of two independent groups anchored on this study's comparison group (two proportions by the arcsine method, or two means with this study's pooled standard deviation). Clustering is not accounted for.",
        "Styrkekurvan anger sannolikheten att en kommande studie av en viss storlek upptäcker måleffekten på vald signifikansnivå, för en jämförelse av två oberoende grupper förankrad i denna studies jämförelsegrupp (två andelar med arcsinmetoden eller två medelvärden med denna studies sammanvägda standardavvikelse). Klustring är inte beaktad.",
    ),
    refs: &["Cohen 1988"],
};

const REFERENCES: &[(&str, &str)] = &[
    (
        "Austin 2009",
        "Austin, P. C. (2009). Balance diagnostics for comparing the distribution of baseline covariates between treatment groups in propensity-score matched samples. Statistics in Medicine 28(25), 3083–3107.",
    ),
    (
        "Bell & McCaffrey 2002",
        "Bell, R. M. & McCaffrey, D. F. (2002). Bias reduction in standard errors for linear regression with multi-stage samples. Survey Methodology 28(2), 169–181.",
    ),
    (
        "Cameron, Gelbach & Miller 2008",
        "Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for inference with clustered errors. The Review of Economics and Statistics 90(3), 414–427.",
    ),
    (
        "Cohen 1988",
        "Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.). Lawrence Erlbaum.",
    ),
    (
        "Davison & Hinkley 1997",
        "Davison, A. C. & Hinkley, D. V. (1997). Bootstrap Methods and their Application. Cambridge University Press.",
    ),
    (
        "Efron 1987",
        "Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American Statistical Association 82(397), 171–185.",
    ),
    (
        "Efron & Tibshirani 1993",
        "Efron, B. & Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman & Hall.",
    ),
    (
        "GO Lab 2018",
        "Government Outcomes Lab (2018). Setting and measuring outcomes (technical guide). Blavatnik School of Government, University of Oxford.",
    ),
    (
        "Hundepool et al. 2012",
        "Hundepool, A. et al. (2012). Statistical Disclosure Control. Wiley.",
    ),
    (
        "Imbens & Rubin 2015",
        "Imbens, G. W. & Rubin, D. B. (2015). Causal Inference for Statistics, Social, and Biomedical Sciences. Cambridge University Press.",
    ),
    (
        "MacKinnon & White 1985",
        "MacKinnon, J. G. & White, H. (1985). Some heteroskedasticity-consistent covariance matrix estimators with improved finite sample properties. Journal of Econometrics 29(3), 305–325.",
    ),
    (
        "Neyman 1923",
        "Neyman, J. (1923/1990). On the application of probability theory to agricultural experiments. Statistical Science 5(4), 465–472.",
    ),
    (
        "Pustejovsky & Tipton 2018",
        "Pustejovsky, J. E. & Tipton, E. (2018). Small-sample methods for cluster-robust variance estimation and hypothesis testing in fixed effects models. Journal of Business & Economic Statistics 36(4), 672–683.",
    ),
    (
        "Rubin 1981",
        "Rubin, D. B. (1981). The Bayesian bootstrap. The Annals of Statistics 9(1), 130–134.",
    ),
    (
        "Samii & Aronow 2012",
        "Samii, C. & Aronow, P. M. (2012). On equivalencies between design-based and regression-based variance estimators for randomized experiments. Statistics & Probability Letters 82(2), 365–370.",
    ),
];

/// What the report contains, deciding which appendix entries apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct Included {
    /// Difference in means was used.
    pub difference_in_means: bool,
    /// A bootstrap was run.
    pub bootstrap: bool,
    /// Subgroups were analysed.
    pub subgroups: bool,
    /// A balance table is shown.
    pub balance: bool,
    /// A contract was evaluated.
    pub contract: bool,
    /// A power curve is shown.
    pub power: bool,
}

/// The appendix entries and the references they cite.
pub fn appendix(inc: Included, lang: Language) -> (Vec<MethodsEntry>, Vec<Reference>) {
    let mut entries: Vec<&Entry> = vec![&COUNTERFACTUAL];
    if inc.difference_in_means {
        entries.push(&DIM);
    }
    if inc.bootstrap {
        entries.push(&BOOTSTRAP);
    }
    if inc.subgroups {
        entries.push(&SUBGROUPS);
    }
    if inc.balance {
        entries.push(&BALANCE);
    }
    if inc.contract {
        entries.push(&CONTRACT);
    }
    if inc.power {
        entries.push(&POWER);
    }
    entries.push(&PRIVACY);
    let methods: Vec<MethodsEntry> = entries
        .iter()
        .map(|e| MethodsEntry {
            title: e.title.get(lang).to_string(),
            text: e.text.get(lang).to_string(),
            references: e.refs.iter().map(|r| r.to_string()).collect(),
        })
        .collect();
    let mut keys: Vec<&str> = entries
        .iter()
        .flat_map(|e| e.refs.iter().copied())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let references = REFERENCES
        .iter()
        .filter(|(k, _)| keys.contains(k))
        .map(|(k, c)| Reference {
            key: k.to_string(),
            citation: c.to_string(),
        })
        .collect();
    (methods, references)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cited_key_has_a_reference() {
        let all = Included {
            difference_in_means: true,
            bootstrap: true,
            subgroups: true,
            balance: true,
            contract: true,
            power: true,
        };
        let (m, r) = appendix(all, Language::Sv);
        for e in &m {
            for k in &e.references {
                assert!(r.iter().any(|x| &x.key == k), "{k}");
            }
        }
    }
}
