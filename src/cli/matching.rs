//! `effekt match`: build a matched (or weighted) comparison group, check balance and estimate
//! the effect with its counterfactual.

use crate::cli::common::{
    CliError, CliResult, DataArgs, Progress, RunArgs, check_level, parse_resamples, split_list,
    with_threads,
};
use crate::cli::output::{self, outln};
use effekt_data::{Dataset, Roles, Table};
use effekt_matching::{
    BalanceRow, BootstrapOptions, CemCut, CovariateCaliper, Cut, Discard, Distance, EffectOptions,
    Estimand, IpwOptions, MatchConfig, MatchFit, Method, Order, SeMethod, Ties, fit,
};
use effekt_models::{Counterfactual, Glance, InferenceNote, TidyRow};
use serde::Serialize;
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  effekt match --data datasets/lalonde.csv --treatment treat --outcome re78 \\
      --covariates age,educ,race,married,nodegree,re74,re75
  effekt match --data datasets/lalonde.csv --treatment treat --outcome re78 \\
      --covariates age,educ,race,married,nodegree,re74,re75 --caliper 0.2 --bootstrap 1999 --json -
  effekt match --data export.csv --treatment ihf --outcome closed_lower --covariates age,prior_cases \\
      --exact sex,municipality --replace --ratio 2
  effekt match --data export.csv --treatment ihf --outcome closed_lower --covariates age,sex \\
      --method cem --cutpoints 'age=[12,15,18]'
  effekt match --data export.csv --treatment ihf --outcome closed_lower --covariates age,sex \\
      --method ipw --estimand ate --trim 0.05";

/// Build a matched or weighted comparison group and estimate the effect.
///
/// The propensity score is a logistic regression of the treatment on the covariates
/// (categorical covariates dummy-coded). Nearest-neighbour matching is greedy, largest
/// propensity score first (as MatchIt), and does not depend on the row order of the file:
/// exact ties are broken by a canonical order of the units (--ties data breaks them in file
/// order, exactly as MatchIt). Balance is shown before and after (standardised mean
/// differences flagged above 0.1, variance ratios, eCDF statistics), and the effect is the
/// weighted difference in means on the matched sample with pair-cluster-robust (CR2)
/// standard errors, Abadie-Imbens standard errors after matching with replacement, or HC3
/// after CEM.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Treatment column (0/1 or true/false).
    #[arg(long, value_name = "COL")]
    pub treatment: String,
    /// Outcome column (without it only the matching and the balance are shown).
    #[arg(long, value_name = "COL")]
    pub outcome: Option<String>,
    /// Covariates, comma-separated (numeric or categorical).
    #[arg(long, value_name = "LIST")]
    pub covariates: String,
    /// nearest (matching), cem (coarsened exact matching), ipw or aipw (weighting).
    #[arg(long, value_enum, default_value_t = MethodArg::Nearest)]
    pub method: MethodArg,
    /// Distance for nearest-neighbour matching.
    #[arg(long, value_enum, default_value_t = DistanceArg::Ps)]
    pub distance: DistanceArg,
    /// Controls per treated unit (k of k:1).
    #[arg(long, default_value_t = 1)]
    pub ratio: usize,
    /// Match with replacement (a control can be used several times).
    #[arg(long)]
    pub replace: bool,
    /// Caliper in standard deviations of the distance (propensity score or its logit), e.g. 0.2.
    #[arg(long, value_name = "SD")]
    pub caliper: Option<f64>,
    /// Caliper on a numeric covariate in its standard deviations, COL=SD (repeatable).
    #[arg(long = "caliper-covariate", value_name = "COL=SD")]
    pub caliper_covariate: Vec<String>,
    /// Covariates to match exactly on (e.g. sex,municipality), combined with any distance.
    #[arg(long, value_name = "LIST")]
    pub exact: Option<String>,
    /// Target: effect on the treated (att), on the controls (atc) or on everyone (ate).
    #[arg(long, value_enum, default_value_t = EstimandArg::Att)]
    pub estimand: EstimandArg,
    /// Matching order [default: largest propensity score first for att, smallest for atc].
    #[arg(long, value_enum)]
    pub order: Option<OrderArg>,
    /// Exact ties: canonical (independent of the row order) or data (file order, as MatchIt).
    #[arg(long, value_enum, default_value_t = TiesArg::Canonical)]
    pub ties: TiesArg,
    /// Common-support discard on the propensity score.
    #[arg(long, value_enum, default_value_t = DiscardArg::None)]
    pub discard: DiscardArg,
    /// CEM coarsening of a numeric covariate, COL=SPEC with SPEC sturges, a number of bins, or
    /// cut points in brackets: 'age=[20,25,30]' (repeatable; default sturges).
    #[arg(long, value_name = "COL=SPEC")]
    pub cutpoints: Vec<String>,
    /// Regression adjustment: outcome regression with the covariates (and their interactions
    /// with treatment) on the matched sample.
    #[arg(long)]
    pub adjust: bool,
    /// Standard error [default: cr2 on the pairs without replacement, abadie-imbens with
    /// replacement, hc3 after CEM, the M-estimation sandwich for weighting].
    #[arg(long, value_enum, default_value_t = SeArg::Auto)]
    pub se: SeArg,
    /// Abadie-Imbens conditional variances from J within-group matches (0 = homoskedastic).
    #[arg(long = "ai-matches", value_name = "J", default_value_t = 0)]
    pub ai_matches: usize,
    /// Bootstrap resamples: matched pairs (or CEM strata) are resampled whole; at most
    /// 10,000,000.
    #[arg(long, value_name = "B", value_parser = parse_resamples)]
    pub bootstrap: Option<usize>,
    /// Bootstrap interval.
    #[arg(long, value_enum, default_value_t = CiArg::Percentile)]
    pub ci: CiArg,
    /// Confidence level, 1e-12 to 1 - 1e-12.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// IPW: stabilised weights.
    #[arg(long)]
    pub stabilize: bool,
    /// IPW/AIPW: drop units with a propensity score outside [A, 1 - A] (e.g. 0.05).
    #[arg(long, value_name = "A")]
    pub trim: Option<f64>,
    /// Seed for the random order and the bootstrap: the same seed gives identical output at
    /// any thread count.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub run: RunArgs,
    /// Write a CSV with one line per analysed unit, matched or not, in file order (MatchIt's
    /// match.data with drop.unmatched = FALSE, without the data columns: join on row). Columns:
    /// row (spreadsheet row of the unit; the header is row 1), treated (1/0), distance
    /// (propensity score or its logit; empty when none was estimated), weight (0 = not in the
    /// matched sample), subclass (matched pair or stratum; empty when none), discarded (1 =
    /// outside the common support) and matched_rows (spreadsheet rows of its matches,
    /// space-separated). Rows dropped for missing values are not listed.
    #[arg(long = "save-matched", value_name = "PATH")]
    pub save_matched: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MethodArg {
    Nearest,
    Cem,
    Ipw,
    Aipw,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DistanceArg {
    Ps,
    Logit,
    Mahalanobis,
    RobustMahalanobis,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EstimandArg {
    Att,
    Atc,
    Ate,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OrderArg {
    Largest,
    Smallest,
    Random,
    Data,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TiesArg {
    Canonical,
    Data,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DiscardArg {
    None,
    Treated,
    Control,
    Both,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SeArg {
    Auto,
    Cr1,
    Cr2,
    Hc3,
    AbadieImbens,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CiArg {
    Percentile,
    Bca,
    Basic,
    Normal,
}

/// The JSON document: the top-level fields, then everything else.
#[derive(Debug, Serialize)]
struct Output<'a> {
    estimate: Option<f64>,
    std_error: Option<f64>,
    conf_low: Option<f64>,
    conf_high: Option<f64>,
    p_value: Option<f64>,
    n_matched_treated: usize,
    n_matched_control: usize,
    n_unmatched_treated: usize,
    n_unmatched_control: usize,
    balance: &'a [BalanceRow],
    counterfactual: Option<&'a Counterfactual>,
    tidy: Vec<TidyRow>,
    glance: Glance,
    estimand: &'static str,
    statistic: Option<f64>,
    df: Option<f64>,
    level: Option<f64>,
    inference: Option<&'a InferenceNote>,
    effect: Option<&'a effekt_matching::Effect>,
    sizes: &'a effekt_matching::SampleSizes,
    dropped: &'a [effekt_matching::Dropped],
    smd_threshold: f64,
    love_plot: &'a [effekt_matching::LovePoint],
    ps_model: Option<&'a effekt_matching::PsModel>,
    caliper: Option<&'a effekt_matching::CaliperInfo>,
    cem: Option<&'a [effekt_matching::Coarsening]>,
    weighting: Option<&'a effekt_matching::WeightingInfo>,
    settings: &'a effekt_matching::Settings,
    n: usize,
    data: DataInfo,
    warnings: &'a [effekt_notes::Note],
    /// Design checks (balance after matching or weighting), typed with their numbers.
    checks: Vec<effekt_notes::checks::Check>,
    #[serde(skip)]
    fit: &'a MatchFit,
}

#[derive(Debug, Serialize)]
struct DataInfo {
    source: String,
    treatment: String,
    outcome: Option<String>,
    rows_analysed: usize,
    rows_dropped_missing: usize,
    missing_by_column: Vec<(String, usize)>,
}

fn parse_pairs(list: &[String], what: &str) -> CliResult<Vec<(String, String)>> {
    list.iter()
        .map(|s| {
            s.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .filter(|(a, b)| !a.is_empty() && !b.is_empty())
                .ok_or_else(|| CliError::bad_msg(format!("{what}: expected COL=VALUE, got {s:?}")))
        })
        .collect()
}

fn parse_cut(col: &str, spec: &str) -> CliResult<Cut> {
    let s = spec.trim();
    if s.eq_ignore_ascii_case("sturges") {
        return Ok(Cut::Sturges);
    }
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let pts: Result<Vec<f64>, _> = split_list(inner).iter().map(|v| v.parse::<f64>()).collect();
        return pts.map(Cut::Points).map_err(|_| {
            CliError::bad_msg(format!("--cutpoints {col}: cut points must be numbers, e.g. '{col}=[20,25,30]', got {spec:?}"))
        });
    }
    s.parse::<usize>().map(Cut::Bins).map_err(|_| {
        CliError::bad_msg(format!(
            "--cutpoints {col}: use sturges, a number of bins (e.g. {col}=4) or cut points (e.g. '{col}=[20,25,30]'), got {spec:?}"
        ))
    })
}

fn config(args: &Args) -> CliResult<(MatchConfig, Vec<String>)> {
    let covariates = split_list(&args.covariates);
    if covariates.is_empty() {
        return Err(CliError::bad_msg(
            "--covariates: name at least one covariate, e.g. --covariates age,sex",
        ));
    }
    let exact = args.exact.as_deref().map(split_list).unwrap_or_default();
    let calipers: Vec<CovariateCaliper> =
        parse_pairs(&args.caliper_covariate, "--caliper-covariate")?
            .into_iter()
            .map(|(c, v)| {
                v.parse::<f64>()
                    .map(|width| CovariateCaliper {
                        covariate: c.clone(),
                        width,
                    })
                    .map_err(|_| {
                        CliError::bad_msg(format!(
                            "--caliper-covariate {c}: {v:?} is not a number of standard deviations"
                        ))
                    })
            })
            .collect::<CliResult<_>>()?;
    let cuts: Vec<CemCut> = parse_pairs(&args.cutpoints, "--cutpoints")?
        .into_iter()
        .map(|(c, v)| parse_cut(&c, &v).map(|cut| CemCut { covariate: c, cut }))
        .collect::<CliResult<_>>()?;
    if !cuts.is_empty() && !matches!(args.method, MethodArg::Cem) {
        return Err(CliError::bad_msg("--cutpoints is for --method cem"));
    }
    if (args.stabilize || args.trim.is_some())
        && !matches!(args.method, MethodArg::Ipw | MethodArg::Aipw)
    {
        return Err(CliError::bad_msg(
            "--stabilize and --trim are for --method ipw or aipw",
        ));
    }
    // every column with a role must be selected from the file
    let mut all = covariates.clone();
    for c in exact.iter().chain(calipers.iter().map(|c| &c.covariate)) {
        if !all.contains(c) {
            all.push(c.clone());
        }
    }
    let cfg = MatchConfig {
        method: match args.method {
            MethodArg::Nearest => Method::Nearest,
            MethodArg::Cem => Method::Cem,
            MethodArg::Ipw => Method::Ipw,
            MethodArg::Aipw => Method::Aipw,
        },
        distance: match args.distance {
            DistanceArg::Ps => Distance::Ps,
            DistanceArg::Logit => Distance::Logit,
            DistanceArg::Mahalanobis => Distance::Mahalanobis,
            DistanceArg::RobustMahalanobis => Distance::RobustMahalanobis,
        },
        estimand: match args.estimand {
            EstimandArg::Att => Estimand::Att,
            EstimandArg::Atc => Estimand::Atc,
            EstimandArg::Ate => Estimand::Ate,
        },
        covariates,
        ratio: args.ratio,
        replace: args.replace,
        caliper: args.caliper,
        covariate_calipers: calipers,
        exact,
        order: args.order.map(|o| match o {
            OrderArg::Largest => Order::Largest,
            OrderArg::Smallest => Order::Smallest,
            OrderArg::Random => Order::Random,
            OrderArg::Data => Order::Data,
        }),
        ties: match args.ties {
            TiesArg::Canonical => Ties::Canonical,
            TiesArg::Data => Ties::Data,
        },
        discard: match args.discard {
            DiscardArg::None => Discard::None,
            DiscardArg::Treated => Discard::Treated,
            DiscardArg::Control => Discard::Control,
            DiscardArg::Both => Discard::Both,
        },
        cem_cuts: cuts,
        ipw: IpwOptions {
            stabilize: args.stabilize,
            trim: args.trim,
        },
        effect: EffectOptions {
            adjust: args.adjust,
            se: match args.se {
                SeArg::Auto => SeMethod::Auto,
                SeArg::Cr1 => SeMethod::Cr1,
                SeArg::Cr2 => SeMethod::Cr2,
                SeArg::Hc3 => SeMethod::Hc3,
                SeArg::AbadieImbens => SeMethod::AbadieImbens,
            },
            ai_variance_matches: args.ai_matches,
            level: args.level,
            bootstrap: BootstrapOptions {
                resamples: args.bootstrap.unwrap_or(0),
                interval: match args.ci {
                    CiArg::Percentile => effekt_resample::IntervalMethod::Percentile,
                    CiArg::Bca => effekt_resample::IntervalMethod::Bca,
                    CiArg::Basic => effekt_resample::IntervalMethod::Basic,
                    CiArg::Normal => effekt_resample::IntervalMethod::Normal,
                },
            },
        },
        seed: args.seed,
    };
    if args.bootstrap == Some(0) {
        return Err(CliError::bad_msg(
            "--bootstrap must be at least 1 resample (e.g. 1999)",
        ));
    }
    Ok((cfg, all))
}

pub fn run(args: Args) -> CliResult {
    args.run
        .plan(&args.data.data)
        .file("--save-matched", args.save_matched.as_deref())
        .check()?;
    check_level(args.level)?;
    let (cfg, all_covariates) = config(&args)?;
    let roles = Roles {
        treatment: Some(args.treatment.clone()),
        outcome: args.outcome.clone(),
        covariates: all_covariates,
        ..Default::default()
    };
    let (table, ds) = args.data.load_with_table(&roles)?;
    let resamples = cfg.effect.bootstrap.resamples;
    let progress = (resamples > 0).then(|| Progress::new(resamples as u64, "bootstrap"));
    let tick = |n: u64| {
        if let Some(p) = &progress {
            p.tick(n);
        }
    };
    let result =
        with_threads(args.run.threads, || fit(&ds, &cfg, Some(&tick)))?.map_err(CliError::bad)?;
    if let Some(p) = &progress {
        p.finish();
    }
    if let Some(path) = &args.save_matched {
        output::write_file(path, matched_csv(&table, &result).as_bytes())?;
    }
    let effect = result.effect.as_ref();
    let out = Output {
        estimate: effect.map(|e| e.estimate),
        std_error: effect.map(|e| e.std_error),
        conf_low: effect.map(|e| e.conf_low),
        conf_high: effect.map(|e| e.conf_high),
        p_value: effect.map(|e| e.p_value),
        n_matched_treated: result.n_matched_treated,
        n_matched_control: result.n_matched_control,
        n_unmatched_treated: result.n_unmatched_treated,
        n_unmatched_control: result.n_unmatched_control,
        balance: &result.balance,
        counterfactual: result.counterfactual(),
        tidy: result.tidy(),
        glance: result.glance(),
        estimand: effect.map_or(result.settings.estimand.name(), |e| match e.term.as_str() {
            "ATE" => "ATE",
            "ATC" => "ATC",
            _ => "ATT",
        }),
        statistic: effect.map(|e| e.statistic),
        df: effect.and_then(|e| e.df),
        level: effect.map(|e| e.level),
        inference: effect.map(|e| &e.inference),
        effect,
        sizes: &result.sizes,
        dropped: &result.dropped,
        smd_threshold: result.smd_threshold,
        checks: result.balance_check().into_iter().collect(),
        love_plot: &result.love_plot,
        ps_model: result.ps_model.as_ref(),
        caliper: result.caliper.as_ref(),
        cem: result.cem.as_deref(),
        weighting: result.weighting.as_ref(),
        settings: &result.settings,
        n: result.n,
        data: data_info(&ds, &args),
        warnings: &result.warnings,
        fit: &result,
    };
    args.run.emit(&out, |o| print_table(o, &table, &ds))
}

fn data_info(ds: &Dataset, args: &Args) -> DataInfo {
    DataInfo {
        source: ds.source.clone(),
        treatment: args.treatment.clone(),
        outcome: args.outcome.clone(),
        rows_analysed: ds.n(),
        rows_dropped_missing: ds.dropped,
        missing_by_column: ds.missing_by_column.clone(),
    }
}

fn matched_csv(table: &Table, f: &MatchFit) -> String {
    let mut s = String::from("row,treated,distance,weight,subclass,discarded,matched_rows\n");
    for u in &f.units() {
        let matched: Vec<String> = u
            .matched_to
            .iter()
            .map(|&r| table.row_number(r).to_string())
            .collect();
        s.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            table.row_number(u.row),
            u8::from(u.treated),
            u.distance.map(|d| format!("{d:.17}")).unwrap_or_default(),
            u.weight,
            u.subclass.map(|c| c.to_string()).unwrap_or_default(),
            u8::from(u.discarded),
            matched.join(" ")
        ));
    }
    s
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| ".".into())
}

fn print_table(o: &Output<'_>, _table: &Table, ds: &Dataset) {
    let f = o.fit;
    let g = &o.glance;
    outln!("Matching: {}", g.method);
    outln!(
        "  data {}: {} rows analysed{}",
        ds.source,
        ds.n(),
        if ds.dropped > 0 {
            format!(" ({} with missing values dropped)", ds.dropped)
        } else {
            String::new()
        }
    );
    if let Some(c) = &f.caliper {
        if let (Some(sd), Some(w)) = (c.sd_units, c.width) {
            outln!("  caliper {sd} SD of the distance = {w:.6}");
        }
        for cc in &c.covariates {
            outln!(
                "  caliper on {}: {} SD = {:.6}",
                cc.covariate,
                cc.sd_units,
                cc.width
            );
        }
    }
    if let Some(order) = f.settings.order {
        outln!(
            "  order: {}; ties broken {}",
            order.name(),
            match f.settings.ties {
                Ties::Canonical => "canonically (independent of the row order)",
                Ties::Data => "in file order (as MatchIt)",
            }
        );
    }
    outln!();
    outln!("  Sample sizes        {:>10} {:>10}", "control", "treated");
    let s = &f.sizes;
    outln!(
        "    all               {:>10} {:>10}",
        s.control.all,
        s.treated.all
    );
    outln!(
        "    matched           {:>10} {:>10}",
        s.control.matched,
        s.treated.matched
    );
    outln!(
        "    matched (ESS)     {:>10.2} {:>10.2}",
        s.control.matched_ess,
        s.treated.matched_ess
    );
    outln!(
        "    unmatched         {:>10} {:>10}",
        s.control.unmatched,
        s.treated.unmatched
    );
    outln!(
        "    discarded         {:>10} {:>10}",
        s.control.discarded,
        s.treated.discarded
    );
    if !f.dropped.is_empty() {
        outln!("  Not in the matched sample:");
        for d in &f.dropped {
            outln!("    {:>6} {:<8} {}", d.count, d.group, d.description);
        }
    }
    outln!();
    outln!(
        "  Balance (SMD: {} SD; flagged when |SMD| > {})",
        match f.settings.estimand {
            Estimand::Att => "treated",
            Estimand::Atc => "control",
            Estimand::Ate => "pooled",
        },
        f.smd_threshold
    );
    outln!(
        "    {:<22} {:>11} {:>11} {:>9} {:>9} {:>9}",
        "covariate",
        "SMD before",
        "SMD after",
        "VR after",
        "eCDF max",
        ""
    );
    for b in &f.balance {
        outln!(
            "    {:<22} {:>11} {:>11} {:>9} {:>9} {:>9}",
            b.covariate,
            opt(b.smd_before, 4),
            opt(b.smd_after, 4),
            opt(b.var_ratio_after, 3),
            opt(b.ecdf_max_after, 4),
            if b.flagged { "> 0.1" } else { "" }
        );
    }
    print_checks(&f.balance_check().into_iter().collect::<Vec<_>>());
    outln!();
    match &f.effect {
        None => outln!("  No outcome given (--outcome): matching and balance only."),
        Some(e) => {
            let lvl = e.level * 100.0;
            outln!(
                "  Effect ({}) {}",
                e.term,
                if e.adjusted {
                    "with regression adjustment"
                } else {
                    ""
                }
            );
            outln!("    estimate   {:>14.6}", e.estimate);
            outln!("    std. error {:>14.6}", e.std_error);
            outln!(
                "    {lvl:.0}% CI     [{:.6}, {:.6}]   p = {:.4}{}",
                e.conf_low,
                e.conf_high,
                e.p_value,
                e.df.map(|d| format!("   df = {d:.2}")).unwrap_or_default()
            );
            let c = &e.counterfactual;
            outln!(
                "    treated mean {:.4}; counterfactual (without treatment) {:.4}; matched comparison mean {:.4}",
                c.treated_observed,
                c.treated_counterfactual,
                c.control
            );
            outln!(
                "    (all controls before matching: mean {:.4})",
                e.control_mean_unmatched
            );
            outln!();
            outln!("  Inference: {}", e.inference.method);
            outln!("    why: {}", e.inference.reason);
            for w in &e.inference.warnings {
                outln!("    warning: {w}");
            }
        }
    }
    for w in &f.warnings {
        outln!("  note: {w}");
    }
}

/// The design checks under the table they read: a failed one loud, a caution marked, a passed
/// one as a plain line.
pub(crate) fn print_checks(checks: &[effekt_notes::checks::Check]) {
    use effekt_notes::checks::Verdict;
    for c in checks {
        match c.verdict() {
            Verdict::Failed => outln!("  CHECK FAILED: {c}"),
            Verdict::Caution => outln!("  caution: {c}"),
            Verdict::Passed => outln!("  check passed: {c}"),
        }
    }
}
