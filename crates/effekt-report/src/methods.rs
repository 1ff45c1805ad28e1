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
        "In a randomised comparison the effect is estimated as the mean outcome among the treated minus the mean in the comparison group (for 0/1 outcomes: the difference in shares, in percentage points), with the definitions of R estimatr's difference_in_means: Neyman's variance s1²/n1 + s0²/n0 with Welch's degrees of freedom; block-randomised designs weight the blocks' differences by their size (N − 2J df; matched pairs J − 1 df); with clusters, the CR2 cluster-robust standard error with Satterthwaite degrees of freedom, which stays valid with few clusters.",
        "I en randomiserad jämförelse skattas effekten som medelvärdet i insatsgruppen minus medelvärdet i jämförelsegruppen (för utfall som är 0/1: skillnaden i andelar, i procentenheter), med definitionerna i R-paketet estimatr (difference_in_means): Neymans varians s1²/n1 + s0²/n0 med Welchs frihetsgrader; vid blockrandomisering vägs blockens skillnader efter storlek (N − 2J frihetsgrader; matchade par J − 1); med kluster det klusterrobusta CR2-medelfelet med Satterthwaites frihetsgrader, som håller även med få kluster.",
    ),
    refs: &[
        "Neyman 1923",
        "Gerber & Green 2012",
        "Bell & McCaffrey 2002",
        "Pustejovsky & Tipton 2018",
    ],
};

const REGRESSION: Entry = Entry {
    title: t("Regression adjustment", "Regressionsjustering"),
    text: t(
        "ANCOVA regresses the outcome on the treatment and the baseline covariates; Lin's estimator also interacts the treatment with the centred covariates, which cannot hurt precision under randomisation. Standard errors are HC2 (CR2 with Satterthwaite df with clusters), as R estimatr's lm_robust and lm_lin.",
        "ANCOVA skattar utfallet på insatsen och bakgrundsvariablerna; Lins skattning låter dessutom insatsen samspela med de centrerade bakgrundsvariablerna, vilket inte kan försämra precisionen vid randomisering. Medelfelen är HC2 (CR2 med Satterthwaites frihetsgrader med kluster), som i R-paketet estimatr (lm_robust, lm_lin).",
    ),
    refs: &["Lin 2013", "Samii & Aronow 2012", "MacKinnon & White 1985"],
};

const RANDOMIZATION: Entry = Entry {
    title: t("Randomisation inference", "Randomiseringsinferens"),
    text: t(
        "Randomisation inference re-draws the treatment assignment the way the study drew it (within blocks, whole clusters) and recomputes the estimate each time. The p-value is the share of assignments giving an estimate at least as far from zero as the observed one; it is exact under the sharp null hypothesis of no effect for anyone, whatever the sample size. The interval collects the constant effects that the test does not reject. It is shown when an arm has fewer than 30 randomisation units, or on request.",
        "Randomiseringsinferens drar om fördelningen av insatsen på samma sätt som studien gjorde (inom block, hela kluster) och räknar om skattningen varje gång. p-värdet är andelen fördelningar som ger en skattning minst lika långt från noll som den observerade; det är exakt under den skarpa nollhypotesen att ingen påverkas, oavsett urvalets storlek. Intervallet samlar de konstanta effekter som testet inte förkastar. Det redovisas när en grupp har färre än 30 randomiseringsenheter, eller på begäran.",
    ),
    refs: &["Fisher 1935", "Imbens & Rubin 2015", "Rosenbaum 2002"],
};

const BINARY: Entry = Entry {
    title: t("Effects on 0/1 outcomes", "Effekter på utfall som är 0/1"),
    text: t(
        "For an outcome that is 0 or 1 the headline is the risk difference in percentage points. The robustness section adds the risk difference with the Newcombe (Wilson score) interval, the risk ratio and the odds ratio with intervals on the log scale, and Fisher's exact test of the 2×2 table; these pool all units and ignore blocks and clusters.",
        "För ett utfall som är 0 eller 1 är huvudresultatet riskskillnaden i procentenheter. Avsnittet om robusthet visar också riskskillnaden med Newcombes intervall (Wilson), riskkvoten och oddskvoten med intervall på logaritmisk skala samt Fishers exakta test av fyrfältstabellen; dessa slår samman alla enheter och bortser från block och kluster.",
    ),
    refs: &["Newcombe 1998", "Fisher 1935"],
};

const MATCHING: Entry = Entry {
    title: t("Matching and weighting", "Matchning och viktning"),
    text: t(
        "Without randomisation, each treated unit is matched to comparison units with similar characteristics before the intervention, usually through the propensity score, the estimated probability of treatment given those characteristics (logistic regression). The effect is the weighted difference in means in the matched sample (what R MatchIt's matched data give), with standard errors that treat matched pairs as clusters (CR2 with Satterthwaite df), Abadie–Imbens after matching with replacement, and a bootstrap that resamples whole pairs. Balance is checked with standardised mean differences before and after matching (|SMD| > 0.1 flagged; the love plot). Inverse probability weighting and the doubly robust AIPW on the same propensity-score model are shown beside the matching estimate: they rest on the same assumption — that the characteristics used capture every difference between the groups that also affects the outcome — but use the data differently.",
        "Utan randomisering matchas varje enhet i insatsgruppen mot jämförelseenheter med liknande egenskaper före insatsen, oftast via tillhörighetspoängen (propensity score), den skattade sannolikheten att få insatsen givet egenskaperna (logistisk regression). Effekten är den viktade skillnaden i medelvärden i det matchade urvalet (som R-paketet MatchIts matchade data ger), med medelfel som behandlar matchade par som kluster (CR2 med Satterthwaites frihetsgrader), Abadie–Imbens vid matchning med återläggning, och en bootstrap som drar hela par. Balansen kontrolleras med standardiserade medelvärdesskillnader före och efter matchning (|SMD| > 0,1 markeras; love-diagrammet). Viktning med invers sannolikhet (IPW) och den dubbelt robusta AIPW med samma modell för tillhörighetspoängen redovisas bredvid: de vilar på samma antagande — att egenskaperna fångar alla skillnader mellan grupperna som också påverkar utfallet — men använder data på olika sätt.",
    ),
    refs: &[
        "Rosenbaum & Rubin 1983",
        "Ho, Imai, King & Stuart 2007",
        "Austin 2009",
        "Abadie & Imbens 2006",
        "Abadie & Spiess 2022",
        "Robins, Rotnitzky & Zhao 1994",
    ],
};

const DID: Entry = Entry {
    title: t("Difference in differences", "Skillnad i skillnader"),
    text: t(
        "Difference in differences compares the change over time among treated units with the change among comparison units. The two-way fixed-effects regression has unit and period effects and a treatment indicator; the event study replaces the indicator by leads and lags relative to the start of treatment, and the joint test of the leads checks for differing trends before the start. Standard errors are clustered (CR2 with Satterthwaite df below 30 clusters, CR1 otherwise), as R fixest / pyfixest and clubSandwich. The counterfactual in each period is the treated units' observed mean minus the estimated effect.",
        "Skillnad i skillnader jämför förändringen över tid bland behandlade enheter med förändringen bland jämförelseenheter. Regressionen med tvåvägs fixa effekter har effekter för enhet och period och en indikator för insatsen; händelsestudien ersätter indikatorn med ledande och släpande termer kring starten, och det gemensamma testet av de ledande termerna granskar om trenderna skilde sig före starten. Medelfelen är klustrade (CR2 med Satterthwaites frihetsgrader under 30 kluster, annars CR1), som i R fixest / pyfixest och clubSandwich. Det kontrafaktiska utfallet i varje period är de behandlade enheternas observerade medelvärde minus den skattade effekten.",
    ),
    refs: &[
        "Bertrand, Duflo & Mullainathan 2004",
        "Bell & McCaffrey 2002",
        "Pustejovsky & Tipton 2018",
    ],
};

const CS: Entry = Entry {
    title: t(
        "Staggered adoption: Callaway & Sant'Anna",
        "Stegvis införande: Callaway & Sant'Anna",
    ),
    text: t(
        "When units start at different times, each cohort (units starting in the same period) is compared in each period with units not yet or never treated, giving group-time effects ATT(g,t) (doubly robust by default); they are averaged with cohort-size weights (simple, by cohort, by time since the start and by calendar period), as R did / Python csdid. Standard errors come from the influence functions with a multiplier bootstrap. The Wald test of the pre-treatment ATT(g,t) checks parallel trends.",
        "När enheter börjar vid olika tidpunkter jämförs varje kohort (enheter som börjar samma period) i varje period med enheter som ännu inte eller aldrig fått insatsen, vilket ger grupp- och tidsspecifika effekter ATT(g,t) (dubbelt robusta som standard); de vägs samman med kohortstorlek som vikt (enkelt, per kohort, per tid sedan start och per kalenderperiod), som i R did / Python csdid. Medelfelen kommer från influensfunktionerna med multiplikatorbootstrap. Wald-testet av ATT(g,t) före start granskar parallella trender.",
    ),
    refs: &["Callaway & Sant'Anna 2021", "Sant'Anna & Zhao 2020"],
};

const WILD: Entry = Entry {
    title: t("Wild cluster bootstrap", "Vild klusterbootstrap"),
    text: t(
        "With few clusters, cluster-robust t tests can reject too often. The wild cluster bootstrap (restricted, WCR) redraws the residuals of whole clusters with random signs under the null hypothesis and compares the observed t statistic with the bootstrap ones; the interval comes from inverting the test. With few clusters every sign vector is enumerated.",
        "Med få kluster kan klusterrobusta t-test förkasta för ofta. Vild klusterbootstrap (restrikterad, WCR) drar om hela klusters residualer med slumpade tecken under nollhypotesen och jämför den observerade t-statistikan med bootstrapens; intervallet fås genom att invertera testet. Med få kluster räknas alla teckenkombinationer upp.",
    ),
    refs: &[
        "Cameron, Gelbach & Miller 2008",
        "MacKinnon & Webb 2017",
        "Roodman et al. 2019",
    ],
};

const BACON: Entry = Entry {
    title: t("Goodman-Bacon decomposition", "Goodman-Bacons uppdelning"),
    text: t(
        "Under staggered timing the two-way fixed-effects coefficient is a weighted average of all 2×2 comparisons between timing groups, including comparisons that use already-treated units as controls. The decomposition shows the weights and estimates by kind of comparison.",
        "Vid stegvis införande är koefficienten i regressionen med tvåvägs fixa effekter ett viktat medelvärde av alla 2×2-jämförelser mellan grupper som börjar vid olika tidpunkter, också jämförelser som använder redan behandlade enheter som kontroller. Uppdelningen visar vikter och skattningar per typ av jämförelse.",
    ),
    refs: &["Goodman-Bacon 2021"],
};

const BOOTSTRAP: Entry = Entry {
    title: t(
        "Bootstrap confidence intervals",
        "Bootstrapbaserade konfidensintervall",
    ),
    text: t(
        "Bootstrap confidence intervals are shown for every effect that has one. In a randomised design they are the headline interval unless units are clustered in fewer than 20 clusters (then the CR2 interval is, since the cluster bootstrap is unreliable with few clusters); after matching they are shown beside the analytic interval. The analysis is repeated on many data sets drawn with replacement from the data, keeping the design's structure (resampling within each arm so the group sizes stay fixed, whole clusters when units are clustered, whole matched pairs after matching). The BCa interval corrects the percentile interval for bias and skewness; where it is not defined the percentile interval is used and a warning says so. Every replicate draws from its own random stream given by the seed, so the results are identical on every run and any number of threads.",
        "Bootstrapbaserade konfidensintervall redovisas för varje effekt som har ett. I en randomiserad design är de huvudintervallet utom när enheterna är klustrade i färre än 20 kluster (då används CR2-intervallet, eftersom klusterbootstrap är opålitlig med få kluster); efter matchning redovisas de bredvid det analytiska intervallet. Analysen upprepas på många datamängder som dras med återläggning ur data, med designens struktur bevarad (dragning inom varje grupp så att gruppstorlekarna är desamma, hela kluster när enheterna är klustrade, hela matchade par efter matchning). BCa-intervallet korrigerar percentilintervallet för snedvridning och skevhet; där det inte är definierat används percentilintervallet och en varning anger det. Varje replikat drar från en egen slumptalsström som bestäms av fröet, så resultaten blir identiska vid varje körning och med valfritt antal trådar.",
    ),
    refs: &[
        "Efron 1987",
        "Davison & Hinkley 1997",
        "Cameron, Gelbach & Miller 2008",
    ],
};

const SUBGROUPS_REFIT: Entry = Entry {
    title: t(
        "Subgroups and gender analysis",
        "Undergrupper och jämställdhetsanalys",
    ),
    text: t(
        "Effects by subgroup are estimated by repeating the analysis within each level (for matching: matching only within the level, i.e. exactly on the subgroup). The estimates of different levels come from different units and are independent, so whether they differ is tested with the difference and the standard error √(SE₁² + SE₂²) for two levels, or Cochran's Q for more. A subgroup effect is less precise than the overall effect; a non-significant difference is not evidence that the effects are equal.",
        "Effekter per undergrupp skattas genom att analysen upprepas inom varje nivå (för matchning: matchning bara inom nivån, alltså exakt på undergruppen). Skattningarna för olika nivåer bygger på olika enheter och är oberoende, så om de skiljer sig åt testas med skillnaden och medelfelet √(SE₁² + SE₂²) för två nivåer, eller Cochrans Q för fler. En effekt i en undergrupp är mindre precis än den samlade effekten; en icke-signifikant skillnad visar inte att effekterna är lika.",
    ),
    refs: &["Cochran 1954"],
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
        "Abadie & Imbens 2006",
        "Abadie, A. & Imbens, G. W. (2006). Large sample properties of matching estimators for average treatment effects. Econometrica 74(1), 235–267.",
    ),
    (
        "Abadie & Spiess 2022",
        "Abadie, A. & Spiess, J. (2022). Robust post-matching inference. Journal of the American Statistical Association 117(538), 983–995.",
    ),
    (
        "Bertrand, Duflo & Mullainathan 2004",
        "Bertrand, M., Duflo, E. & Mullainathan, S. (2004). How much should we trust differences-in-differences estimates? The Quarterly Journal of Economics 119(1), 249–275.",
    ),
    (
        "Callaway & Sant'Anna 2021",
        "Callaway, B. & Sant'Anna, P. H. C. (2021). Difference-in-differences with multiple time periods. Journal of Econometrics 225(2), 200–230.",
    ),
    (
        "Cochran 1954",
        "Cochran, W. G. (1954). The combination of estimates from different experiments. Biometrics 10(1), 101–129.",
    ),
    (
        "Fisher 1935",
        "Fisher, R. A. (1935). The Design of Experiments. Oliver & Boyd.",
    ),
    (
        "Gerber & Green 2012",
        "Gerber, A. S. & Green, D. P. (2012). Field Experiments: Design, Analysis, and Interpretation. W. W. Norton.",
    ),
    (
        "Goodman-Bacon 2021",
        "Goodman-Bacon, A. (2021). Difference-in-differences with variation in treatment timing. Journal of Econometrics 225(2), 254–277.",
    ),
    (
        "Ho, Imai, King & Stuart 2007",
        "Ho, D. E., Imai, K., King, G. & Stuart, E. A. (2007). Matching as nonparametric preprocessing for reducing model dependence in parametric causal inference. Political Analysis 15(3), 199–236.",
    ),
    (
        "Lin 2013",
        "Lin, W. (2013). Agnostic notes on regression adjustments to experimental data: reexamining Freedman's critique. The Annals of Applied Statistics 7(1), 295–318.",
    ),
    (
        "MacKinnon & Webb 2017",
        "MacKinnon, J. G. & Webb, M. D. (2017). Wild bootstrap inference for wildly different cluster sizes. Journal of Applied Econometrics 32(2), 233–254.",
    ),
    (
        "Newcombe 1998",
        "Newcombe, R. G. (1998). Interval estimation for the difference between independent proportions: comparison of eleven methods. Statistics in Medicine 17(8), 873–890.",
    ),
    (
        "Robins, Rotnitzky & Zhao 1994",
        "Robins, J. M., Rotnitzky, A. & Zhao, L. P. (1994). Estimation of regression coefficients when some regressors are not always observed. Journal of the American Statistical Association 89(427), 846–866.",
    ),
    (
        "Roodman et al. 2019",
        "Roodman, D., MacKinnon, J. G., Nielsen, M. Ø. & Webb, M. D. (2019). Fast and wild: bootstrap inference in Stata using boottest. The Stata Journal 19(1), 4–60.",
    ),
    (
        "Rosenbaum 2002",
        "Rosenbaum, P. R. (2002). Observational Studies (2nd ed.). Springer.",
    ),
    (
        "Rosenbaum & Rubin 1983",
        "Rosenbaum, P. R. & Rubin, D. B. (1983). The central role of the propensity score in observational studies for causal effects. Biometrika 70(1), 41–55.",
    ),
    (
        "Sant'Anna & Zhao 2020",
        "Sant'Anna, P. H. C. & Zhao, J. (2020). Doubly robust difference-in-differences estimators. Journal of Econometrics 219(1), 101–122.",
    ),
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
    (
        "Stuart 2010",
        "Stuart, E. A. (2010). Matching methods for causal inference: a review and a look forward. Statistical Science 25(1), 1–21.",
    ),
    (
        "Rubin 2001",
        "Rubin, D. B. (2001). Using propensity scores to help design observational studies: application to the tobacco litigation. Health Services and Outcomes Research Methodology 2, 169–188.",
    ),
    (
        "What Works Clearinghouse 2022",
        "What Works Clearinghouse (2022). Procedures and Standards Handbook, Version 5.0. U.S. Department of Education, Institute of Education Sciences.",
    ),
    (
        "Roth 2022",
        "Roth, J. (2022). Pretest with caution: event-study estimates after testing for parallel trends. American Economic Review: Insights 4(3), 305–322.",
    ),
    (
        "Hedges & Olkin 1985",
        "Hedges, L. V. & Olkin, I. (1985). Statistical Methods for Meta-Analysis. Academic Press.",
    ),
    (
        "Guyatt et al. 2011",
        "Guyatt, G. H., Oxman, A. D., Schünemann, H. J. et al. (2011). GRADE guidelines: a new series of articles in the Journal of Clinical Epidemiology. Journal of Clinical Epidemiology 64(4), 380–382 (with GRADE 3: rating the quality of evidence, 401–406, and GRADE 6: imprecision, 1283–1293).",
    ),
    (
        "Santesso et al. 2020",
        "Santesso, N., Glenton, C., Dahm, P. et al. (2020). GRADE guidelines 26: informative statements to communicate the findings of systematic reviews of interventions. Journal of Clinical Epidemiology 119, 126–135.",
    ),
    (
        "Holm 1979",
        "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian Journal of Statistics 6(2), 65–70.",
    ),
    (
        "Benjamini & Hochberg 1995",
        "Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate: a practical and powerful approach to multiple testing. Journal of the Royal Statistical Society B 57(1), 289–300.",
    ),
    (
        "Schochet 2008",
        "Schochet, P. Z. (2008). Guidelines for Multiple Testing in Impact Evaluations (NCEE 2008-4018). National Center for Education Evaluation and Regional Assistance, Institute of Education Sciences.",
    ),
    (
        "Altman 1998",
        "Altman, D. G. (1998). Confidence intervals for the number needed to treat. BMJ 317, 1309–1312.",
    ),
];

const CHECKS: Entry = Entry {
    title: t("Design checks", "Kontroller av upplägget"),
    text: t(
        "Every estimate is checked against what its design assumes, and a check that does not pass is shown next to the result, not only here. Balance after matching or weighting: a standardised mean difference (SMD) above 0.25 on any background variable or on the propensity score means the groups are not comparable and the estimate may be biased (check failed); between 0.1 and 0.25, or a variance ratio outside 0.5–2, the estimate relies on the adjustment (caution). Between randomised groups an SMD above 0.1 is a chance imbalance, a reason to adjust for the variable (caution unless the estimate already adjusts). When the outcome itself was measured at intake, before the intervention, the groups are compared there with the same thresholds: a difference at intake stays in a later comparison unless the design removes it. Difference in differences: when the joint test of the periods before the start rejects parallel trends at the study's significance level, the check fails. Alternative methods: when another estimator gives the opposite sign, or its interval excludes zero where the main result's does not (or the reverse), the result depends on the choice of method (caution). A passed pre-trend test does not prove parallel trends: such tests have little power in small samples.",
        "Varje skattning kontrolleras mot det som upplägget förutsätter, och en kontroll som inte klaras visas intill resultatet, inte bara här. Jämförbarhet efter matchning eller viktning: en standardiserad medelvärdesskillnad över 0,25 för någon bakgrundsvariabel eller för tillhörighetspoängen betyder att grupperna inte är jämförbara och att skattningen kan vara missvisande (varning); mellan 0,1 och 0,25, eller en varianskvot utanför 0,5–2, vilar skattningen på justeringen (observera). Mellan randomiserade grupper är en skillnad över 0,1 en slumpmässig obalans och ett skäl att justera för variabeln (observera, om skattningen inte redan justerar). När utfallet självt mättes vid inskrivningen, före insatsen, jämförs grupperna där med samma gränser: en skillnad vid inskrivningen finns kvar i en senare jämförelse om inte upplägget tar bort den. Skillnad i skillnader: om det gemensamma testet av perioderna före start förkastar antagandet om parallella trender på studiens signifikansnivå ges en varning. Alternativa metoder: om en annan skattning ger motsatt riktning, eller om dess intervall utesluter noll när huvudresultatets inte gör det (eller tvärtom), beror resultatet på metodvalet (observera). Ett godkänt test av trenderna före start bevisar inte att trenderna är parallella: sådana test har liten styrka i små urval.",
    ),
    refs: &[
        "Austin 2009",
        "Stuart 2010",
        "Rubin 2001",
        "What Works Clearinghouse 2022",
        "Roth 2022",
    ],
};

const CERTAINTY: Entry = Entry {
    title: t(
        "Certainty and conclusions",
        "Tillförlitlighet och slutsatser",
    ),
    text: t(
        "Each result is rated high, moderate, low or very low certainty with the levels of GRADE. A randomised comparison starts at high, a non-randomised one at low, because differences between the groups that were not measured cannot be ruled out from the data. The rating is lowered one level for each failed design check (risk of bias), one level when another method gives the opposite direction (inconsistency), and, when the interval includes no effect, one level for each direction in which it also includes an important effect (imprecision; the smallest important effect is given in the study plan, or else taken as 5 percentage points for shares and 0.2 standard deviations otherwise). The conclusion states the direction with the certainty: high \"increased\", moderate \"probably increased\", low \"may have increased\", very low \"it is very uncertain whether\"; when the interval includes both no effect and an important one, it says the study cannot tell. With several outcomes the p-values of the primary outcomes are adjusted with Holm's method (the risk of any false finding among them) and those of the other outcomes with Benjamini and Hochberg's (the expected share of false findings); only the primary outcomes answer the evaluation's question.",
        "Varje resultat bedöms ha hög, måttlig, låg eller mycket låg tillförlitlighet enligt nivåerna i GRADE. En randomiserad jämförelse börjar på hög, en icke-randomiserad på låg, eftersom skillnader mellan grupperna som inte har mätts inte kan uteslutas med hjälp av data. Bedömningen sänks ett steg för varje kontroll av upplägget som inte klaras (risk för systematiskt fel), ett steg när en annan metod ger motsatt riktning (bristande samstämmighet) och, när intervallet rymmer ingen effekt, ett steg för varje riktning där det också rymmer en betydelsefull effekt (bristande precision; den minsta betydelsefulla effekten anges i studieplanen, annars räknas 5 procentenheter för andelar och 0,2 standardavvikelser i övrigt). Slutsatsen anger riktningen tillsammans med tillförlitligheten: hög \"ökade\", måttlig \"ökade sannolikt\", låg \"kan ha ökat\", mycket låg \"det är mycket osäkert om\"; när intervallet rymmer både ingen effekt och en betydelsefull effekt säger den att studien inte kan avgöra saken. Med flera utfallsmått justeras p-värdena för de primära utfallsmåtten med Holms metod (risken för något felaktigt fynd bland dem) och för övriga utfallsmått med Benjamini och Hochbergs metod (den förväntade andelen felaktiga fynd); bara de primära utfallsmåtten besvarar utvärderingens fråga.",
    ),
    refs: &[
        "Guyatt et al. 2011",
        "Santesso et al. 2020",
        "Holm 1979",
        "Benjamini & Hochberg 1995",
        "Schochet 2008",
    ],
};

const EFFECT_SIZES: Entry = Entry {
    title: t("Standardised effect sizes", "Standardiserade effektmått"),
    text: t(
        "For measurements and ratings the effect is also given as Hedges' g: the effect divided by the pooled standard deviation of the outcome within the treated and comparison groups of the analysed sample (before any matching or weighting), times the small-sample correction J = 1 − 3/(4N − 9). Its interval is the main result's interval standardised the same way, so it keeps the design's inference; report.json also holds Hedges and Olkin's interval, which meta-analyses use but which ignores clustering and adjustment. For 0/1 outcomes the number needed to treat is 1 divided by the risk difference, with the inverted interval of the risk difference; when that interval includes zero the number needed to treat has no interval.",
        "För mätvärden och skattningar redovisas effekten också som Hedges g: effekten delad med den sammanvägda standardavvikelsen för utfallet inom insats- och jämförelsegruppen i det analyserade urvalet (före eventuell matchning eller viktning), gånger småurvalskorrektionen J = 1 − 3/(4N − 9). Intervallet är huvudresultatets intervall standardiserat på samma sätt, så att det behåller designens inferens; report.json innehåller också Hedges och Olkins intervall, som används i metaanalyser men bortser från kluster och justering. För utfall som är 0/1 redovisas antal som behöver behandlas (NNT): 1 delat med riskskillnaden, med riskskillnadens intervall inverterat; när det intervallet innefattar noll saknar måttet intervall.",
    ),
    refs: &["Hedges & Olkin 1985", "Cohen 1988", "Altman 1998"],
};

/// What the report contains, deciding which appendix entries apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct Included {
    /// Difference in means was used.
    pub difference_in_means: bool,
    /// ANCOVA or Lin's estimator.
    pub regression_adjustment: bool,
    /// Randomisation inference ran.
    pub randomization_inference: bool,
    /// Binary 2×2 effect measures are shown.
    pub binary: bool,
    /// Matching or weighting design.
    pub matching: bool,
    /// Difference-in-differences design.
    pub did: bool,
    /// Wild cluster bootstrap ran.
    pub wild_bootstrap: bool,
    /// A Goodman-Bacon decomposition is shown.
    pub bacon: bool,
    /// Subgroup effects come from re-fitting the design within levels.
    pub subgroups_refit: bool,
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
    /// Design checks were computed.
    pub checks: bool,
    /// Effect sizes are shown.
    pub effect_sizes: bool,
}

/// The appendix entries and the references they cite.
pub fn appendix(inc: Included, lang: Language) -> (Vec<MethodsEntry>, Vec<Reference>) {
    let mut entries: Vec<&Entry> = vec![&COUNTERFACTUAL];
    if inc.difference_in_means {
        entries.push(&DIM);
    }
    if inc.regression_adjustment {
        entries.push(&REGRESSION);
    }
    if inc.randomization_inference {
        entries.push(&RANDOMIZATION);
    }
    if inc.binary {
        entries.push(&BINARY);
    }
    if inc.matching {
        entries.push(&MATCHING);
    }
    if inc.did {
        entries.push(&DID);
        entries.push(&CS);
    }
    if inc.wild_bootstrap {
        entries.push(&WILD);
    }
    if inc.bacon {
        entries.push(&BACON);
    }
    if inc.bootstrap {
        entries.push(&BOOTSTRAP);
    }
    if inc.subgroups {
        entries.push(if inc.subgroups_refit {
            &SUBGROUPS_REFIT
        } else {
            &SUBGROUPS
        });
    }
    if inc.balance {
        entries.push(&BALANCE);
    }
    if inc.checks {
        entries.push(&CHECKS);
        entries.push(&CERTAINTY);
    }
    if inc.effect_sizes {
        entries.push(&EFFECT_SIZES);
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
            regression_adjustment: true,
            randomization_inference: true,
            binary: true,
            matching: true,
            did: true,
            wild_bootstrap: true,
            bacon: true,
            subgroups_refit: false,
            bootstrap: true,
            subgroups: true,
            balance: true,
            contract: true,
            power: true,
            checks: true,
            effect_sizes: true,
        };
        for refit in [false, true] {
            let (m, r) = appendix(
                Included {
                    subgroups_refit: refit,
                    ..all
                },
                Language::Sv,
            );
            for e in &m {
                for k in &e.references {
                    assert!(r.iter().any(|x| &x.key == k), "{k}");
                }
            }
        }
    }
}
