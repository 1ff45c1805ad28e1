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
pub const DESIGN_CHECKS: Text = t("Design checks", "Kontroller av upplägget");
pub const OUTCOME: Text = t("Outcome", "Utfallsmått");
pub const EFFECT_CI: Text = t(
    "Effect (confidence interval)",
    "Effekt (konfidensintervall)",
);
pub const CERTAINTY: Text = t("Certainty", "Tillförlitlighet");
pub const CONCLUSION: Text = t("Conclusion", "Slutsats");
pub const AT_A_GLANCE: Text = t("At a glance", "I korthet");
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
pub const CONTROL_ADJUSTED: Text = t(
    "Comparison group, after matching or weighting",
    "Jämförelsegrupp, efter matchning eller viktning",
);
pub const CONTROL_ADJUSTED_SHORT: Text = t("Comparison, adjusted", "Jämförelse, justerad");
pub const CONTROL_UNADJUSTED_SHORT: Text = t("Comparison, before", "Jämförelse, före");
pub const CONTROL_UNADJUSTED: Text = t(
    "Comparison group, before matching or weighting",
    "Jämförelsegrupp, före matchning eller viktning",
);
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
pub const P_ADJUSTED_BH: Text = t(
    "p adjusted (BH, all subgroups)",
    "p justerat (BH, alla undergrupper)",
);
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
pub const PERIOD_DID: Text = t("Period", "Period");
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
pub const PRIVACY_COARSENED: Text = t(
    "Totals and other counts from which a suppressed count could be derived (by subtracting the published parts, or by multiplying a share by its denominator) are shown rounded, as \"about 80\", or are suppressed too; the exact ranges are in report.json.",
    "Totaler och andra antal som ett undertryckt antal skulle kunna räknas fram ur (genom att dra ifrån de redovisade delarna eller genom att multiplicera en andel med dess nämnare) redovisas avrundade, som \"ca 80\", eller undertrycks också; de exakta intervallen finns i report.json.",
);
pub const ABOUT: Text = t("about", "ca");
pub const AT_LEAST: Text = t("at least", "minst");
pub const ROWS: Text = t("rows", "rader");
pub const NO_VALUE: Text = t("no value", "saknar värde");
pub const MISSING_VALUES: Text = t("missing", "saknade värden");
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
pub const OVER_PERIODS: Text = t(
    "Observed and counterfactual over the periods",
    "Observerat och kontrafaktiskt utfall över perioderna",
);
pub const PLOT_TRAJ_DID_CAPTION: Text = t(
    "Observed mean of the units that receive the intervention at some point, and the estimated counterfactual in each period (observed minus the estimated effect of the units treated by then); vertical lines are the effects. Before the start the two coincide.",
    "Observerat medelvärde för enheterna som någon gång får insatsen och skattat kontrafaktiskt utfall i varje period (observerat minus den skattade effekten för de enheter som fått insatsen då); de lodräta linjerna är effekterna. Före starten sammanfaller de.",
);
pub const PLOT_EVENT_NOREF_CAPTION: Text = t(
    "Effect by time relative to the start of the intervention, with confidence intervals; before the start, each point compares a period with the one before it (a check of parallel trends).",
    "Effekt per tidpunkt i förhållande till insatsens start, med konfidensintervall; före starten jämför varje punkt en period med perioden före (en kontroll av parallella trender).",
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
pub const MATCHED_SAMPLE: Text = t(
    "How the comparison group was built",
    "Hur jämförelsegruppen byggdes",
);
pub const GROUP: Text = t("Group", "Grupp");
pub const BEFORE_MATCHING: Text = t("Analysed", "Analyserade");
pub const MATCHED: Text = t("Matched / weighted", "Matchade / viktade");
pub const UNMATCHED: Text = t("Left out", "Uteslutna");
pub const EFFECTIVE_N: Text = t("Effective n", "Effektivt n");
pub const REASON: Text = t("Reason", "Orsak");
pub const COUNT: Text = t("Units", "Enheter");
pub const BINARY_MEASURES: Text = t(
    "Effect measures for a 0/1 outcome",
    "Effektmått för ett utfall som är 0/1",
);
pub const MEASURE: Text = t("Measure", "Mått");
pub const RISK_DIFFERENCE: Text = t("Risk difference", "Riskskillnad");
pub const RISK_RATIO: Text = t("Risk ratio", "Riskkvot");
pub const ODDS_RATIO: Text = t("Odds ratio", "Oddskvot");
pub const FISHER: Text = t("Fisher's exact test", "Fishers exakta test");
pub const DECOMPOSITION: Text = t(
    "Goodman-Bacon decomposition of the TWFE coefficient",
    "Goodman-Bacons uppdelning av TWFE-koefficienten",
);
pub const COMPARISON: Text = t("Comparison", "Jämförelse");
pub const WEIGHT: Text = t("Weight", "Vikt");
pub const EVENT_TABLE: Text = t("Event-study coefficients", "Händelsestudiens koefficienter");
pub const BEFORE: Text = t("before", "före");
pub const AFTER: Text = t("after", "efter");
pub const FLAG_NOTE: Text = t(
    "† |standardised mean difference| above 0.1.",
    "† |standardiserad medelvärdesskillnad| över 0,1.",
);
pub const GENERATED_BY: Text = t("Generated by", "Skapad med");
