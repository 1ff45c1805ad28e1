//! `effekt rct`: analyse a randomised trial — difference in means (estimatr definitions), ANCOVA
//! or Lin's interacted regression; blocks and clusters; binary outcomes; randomisation inference
//! and bootstrap.

use crate::cli::common::{
    CliError, CliResult, DataArgs, Progress, RunArgs, check_level, parse_permutations,
    parse_resamples, split_list, with_threads,
};
use crate::cli::output;
use effekt_rct::{ClusterAssignment, Design, Estimator, OutcomeType, RctConfig, RctError, RctFit};
use serde::Serialize;
use std::fmt::Write as _;

const EXAMPLES: &str = "Examples:
  effekt rct --data datasets/thornton_hiv.csv --outcome got --treatment any --missing drop
  effekt rct --data trial.csv --outcome closed_lower --treatment ihf --outcome-type binary --json -
  effekt rct --data pilot.csv --outcome score --treatment t --clusters municipality --blocks region
  effekt rct --data trial.csv --outcome y --treatment t --covariates age,baseline --estimator lin";

/// Analyse a randomised trial.
///
/// The default estimator is the difference in means exactly as R estimatr's
/// difference_in_means (Neyman/Welch; blocked; matched pairs; CR2 with clusters). With fewer
/// than 30 randomisation units in an arm, randomisation inference is added automatically. The
/// output always says which inference was used and why.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Outcome column.
    #[arg(long, value_name = "COL")]
    pub outcome: String,
    /// Treatment column: 0/1 or true/false (1 = treated).
    #[arg(long, value_name = "COL")]
    pub treatment: String,
    /// Baseline covariates for ancova/lin, comma-separated (text columns are dummy-coded).
    #[arg(long, value_name = "LIST")]
    pub covariates: Option<String>,
    /// Block (stratum) column of a blocked or matched-pairs design (also `--block`).
    #[arg(long, value_name = "COL", visible_alias = "block")]
    pub blocks: Option<String>,
    /// Cluster column (e.g. municipality): CR2 standard errors with Satterthwaite df (also
    /// `--cluster`, as in the other subcommands).
    #[arg(long, value_name = "COL", visible_alias = "cluster")]
    pub clusters: Option<String>,
    /// Whether whole clusters were randomised (default) or individuals within them.
    #[arg(long, value_enum, default_value_t = ClusterAssignmentArg::Cluster)]
    pub cluster_assignment: ClusterAssignmentArg,
    /// Estimator.
    #[arg(long, value_enum, default_value_t = EstimatorArg::DifferenceInMeans)]
    pub estimator: EstimatorArg,
    /// Outcome type: binary adds risk difference, risk/odds ratios and Fisher's exact test;
    /// auto treats an outcome whose non-missing values are all 0 or 1 as binary.
    #[arg(long, value_enum, default_value_t = OutcomeTypeArg::Auto)]
    pub outcome_type: OutcomeTypeArg,
    /// Randomisation inference with N random assignments (all of them when there are at most
    /// 100,000); 0 = off; at most 10,000,000 [default: on with 10,000 when an arm has fewer
    /// than 30 units].
    #[arg(long, value_name = "N", value_parser = parse_permutations)]
    pub randomization_inference: Option<usize>,
    /// Bootstrap with B replicates (resampling as the design: within arms/blocks, clusters),
    /// 2 to 10,000,000.
    #[arg(long, value_name = "B", value_parser = parse_resamples)]
    pub bootstrap: Option<usize>,
    /// Seed: the same seed gives identical results at any thread count.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Confidence level, 1e-12 to 1 - 1e-12.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EstimatorArg {
    DifferenceInMeans,
    Ancova,
    Lin,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutcomeTypeArg {
    Auto,
    Continuous,
    Binary,
}

/// `auto`: binary when the outcome column is numeric and every non-missing value is 0 or 1
/// (at least one of each); otherwise continuous. An unknown column is left to the fit's error.
fn detect_outcome_type(table: &effekt_data::Table, outcome: &str) -> OutcomeType {
    match table.numeric(outcome) {
        Ok(v) => {
            let present: Vec<f64> = v.into_iter().flatten().collect();
            let zero_one = present.iter().all(|&x| x == 0.0 || x == 1.0);
            let both = present.contains(&0.0) && present.contains(&1.0);
            if zero_one && both {
                OutcomeType::Binary
            } else {
                OutcomeType::Continuous
            }
        }
        Err(_) => OutcomeType::Continuous,
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ClusterAssignmentArg {
    Cluster,
    Individual,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    /// File name of the data.
    data: &'a str,
    #[serde(flatten)]
    fit: &'a RctFit,
}

fn rct_error(e: RctError) -> CliError {
    if e.is_bad_input() {
        CliError::bad(e)
    } else {
        CliError::internal(e)
    }
}

pub fn run(args: Args) -> CliResult {
    args.run.plan(&args.data.data).check()?;
    check_level(args.level)?;
    let mut config = RctConfig::new(args.outcome.clone(), args.treatment.clone());
    config.covariates = args
        .covariates
        .as_deref()
        .map(split_list)
        .unwrap_or_default();
    config.blocks = args.blocks.clone();
    config.clusters = args.clusters.clone();
    config.cluster_assignment = match args.cluster_assignment {
        ClusterAssignmentArg::Cluster => ClusterAssignment::Cluster,
        ClusterAssignmentArg::Individual => ClusterAssignment::Individual,
    };
    config.estimator = match args.estimator {
        EstimatorArg::DifferenceInMeans => Estimator::DifferenceInMeans,
        EstimatorArg::Ancova => Estimator::Ancova,
        EstimatorArg::Lin => Estimator::Lin,
    };
    config.outcome_type = match args.outcome_type {
        OutcomeTypeArg::Continuous | OutcomeTypeArg::Auto => OutcomeType::Continuous,
        OutcomeTypeArg::Binary => OutcomeType::Binary,
    };
    config.randomization_inference = args.randomization_inference;
    config.bootstrap = args.bootstrap;
    config.seed = args.seed;
    config.level = args.level;
    if args.clusters.is_none()
        && matches!(args.cluster_assignment, ClusterAssignmentArg::Individual)
    {
        return Err(CliError::bad_msg(
            "--cluster-assignment individual needs --clusters COL",
        ));
    }
    let table = args.data.read()?;
    if matches!(args.outcome_type, OutcomeTypeArg::Auto) {
        config.outcome_type = detect_outcome_type(&table, &args.outcome);
    }
    let rct = config.validate().map_err(rct_error)?;
    let missing = args.data.missing_policy();
    let total =
        args.randomization_inference.unwrap_or(0) as u64 + args.bootstrap.unwrap_or(0) as u64;
    let progress = Progress::new(total, "resampling");
    let tick = |n: u64| progress.tick(n);
    let fit = with_threads(args.run.threads, || {
        rct.fit_table(&table, missing, Some(&tick))
    })?;
    progress.finish();
    let fit = fit.map_err(rct_error)?;
    match &args.run.json {
        Some(path) => output::write_json(
            path,
            &Output {
                data: table.source(),
                fit: &fit,
            },
        ),
        None => {
            output::stdout::print_str(&render(&fit, table.source()));
            Ok(())
        }
    }
}

fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NA".into()
        } else if x > 0.0 {
            "Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{x:.3e}")
    } else {
        format!("{x:.4}")
    }
}

fn fmt_p(p: f64) -> String {
    if p.is_nan() {
        "NA".into()
    } else if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// "= 0.123" or "< 0.001".
fn p_eq(p: f64) -> String {
    let f = fmt_p(p);
    if f.starts_with('<') {
        f
    } else {
        format!("= {f}")
    }
}

fn fmt_opt(x: Option<f64>, inf: &str) -> String {
    x.map_or(inf.to_string(), fmt_num)
}

/// The readable report printed without --json.
fn render(fit: &RctFit, source: &str) -> String {
    let mut s = String::new();
    let pct = (fit.level * 100.0).round();
    let _ = writeln!(
        s,
        "Randomised trial: effect of {} on {} ({source})",
        fit.treatment, fit.outcome
    );
    let _ = writeln!(
        s,
        "Design: {} — estimator {}; n = {} ({} treated, {} control){}{}",
        fit.design.describe(),
        fit.estimator.name(),
        fit.n,
        fit.n_treated,
        fit.n_control,
        fit.n_blocks
            .map_or(String::new(), |b| format!(", {b} blocks")),
        fit.n_clusters.map_or(String::new(), |g| {
            if matches!(
                fit.design,
                Design::Standard | Design::Blocked | Design::MatchedPair
            ) {
                format!(
                    ", {g} clusters for the standard errors (units were randomised individually)"
                )
            } else {
                format!(", {g} clusters")
            }
        }),
    );
    if fit.dropped_rows > 0 {
        let by: Vec<String> = fit
            .missing_by_column
            .iter()
            .map(|m| format!("{}: {}", m.column, m.count))
            .collect();
        let _ = writeln!(
            s,
            "Rows dropped for missing values: {} ({})",
            fit.dropped_rows,
            by.join(", ")
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  {:<24} {:>11} {:>11} {:>9} {:>9}   {}% CI",
        "", "estimate", "std.error", "df", "p-value", pct
    );
    let _ = writeln!(
        s,
        "  {:<24} {:>11} {:>11} {:>9} {:>9}   [{}, {}]",
        format!("Effect ({})", fit.treatment),
        fmt_num(fit.estimate),
        fmt_num(fit.std_error),
        fit.df.map_or("normal".into(), |d| format!("{d:.1}")),
        fmt_p(fit.p_value),
        fmt_num(fit.conf_low),
        fmt_num(fit.conf_high),
    );
    let _ = writeln!(s);
    let cf = &fit.counterfactual;
    let _ = writeln!(s, "Counterfactual (mean {}):", fit.outcome);
    let _ = writeln!(
        s,
        "  treated, observed                 {}",
        fmt_num(cf.treated_observed)
    );
    let _ = writeln!(
        s,
        "  treated, without the intervention {}  (observed − effect)",
        fmt_num(cf.treated_counterfactual)
    );
    let _ = writeln!(
        s,
        "  control, observed                 {}",
        fmt_num(cf.control)
    );
    if !fit.balance.is_empty() {
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Balance between the arms (SMD: pooled SD of the two arms)"
        );
        let _ = writeln!(s, "  {:<24} {:>9} {:>9}", "covariate", "SMD", "VR");
        for b in &fit.balance {
            let _ = writeln!(
                s,
                "  {:<24} {:>9} {:>9}",
                b.covariate,
                fmt_opt(b.smd, "NA"),
                fmt_opt(b.variance_ratio, "NA")
            );
        }
    }
    for c in &fit.checks {
        use effekt_notes::checks::Verdict;
        let _ = match c.verdict() {
            Verdict::Failed => writeln!(s, "  CHECK FAILED: {c}"),
            Verdict::Caution => writeln!(s, "  caution: {c}"),
            Verdict::Passed => writeln!(s, "  check passed: {c}"),
        };
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "Inference: {}", fit.inference.method);
    let _ = writeln!(s, "  Why: {}", fit.inference.reason);
    for w in &fit.inference.warnings {
        let _ = writeln!(s, "  Warning: {w}");
    }
    if let Some(ri) = &fit.randomization {
        let _ = writeln!(s);
        let how = if ri.exact {
            format!("exact, all {} assignments", ri.assignments)
        } else {
            format!(
                "Monte Carlo, {} assignments, seed {}, MC s.e. of p {}",
                ri.assignments,
                ri.seed.unwrap_or(0),
                fmt_num(ri.mc_std_error.unwrap_or(f64::NAN))
            )
        };
        let _ = writeln!(
            s,
            "Randomisation inference ({how}; re-randomising {}):",
            ri.permuted
        );
        let _ = writeln!(
            s,
            "  sharp null of no effect: p {} (two-sided)",
            p_eq(ri.p_value)
        );
        let _ = writeln!(
            s,
            "  {}% CI for a constant effect (test inversion): [{}, {}]{}",
            pct,
            fmt_opt(ri.conf_low, "-Inf"),
            fmt_opt(ri.conf_high, "Inf"),
            if ri.ci_connected {
                ""
            } else {
                " (hull of a non-connected set)"
            }
        );
    }
    if let Some(b) = &fit.bootstrap {
        let _ = writeln!(s);
        let r = &b.result;
        let _ = writeln!(
            s,
            "Bootstrap ({}; B = {}, seed {}): SE {}",
            b.scheme_description,
            r.resamples,
            r.seed,
            fmt_num(r.std_error)
        );
        for iv in &r.intervals {
            let _ = writeln!(
                s,
                "  {:<11} {}% CI [{}, {}]",
                iv.method.name(),
                pct,
                fmt_num(iv.low),
                fmt_num(iv.high)
            );
        }
    }
    if let Some(b) = &fit.binary {
        let _ = writeln!(s);
        let t = &b.table;
        let _ = writeln!(
            s,
            "Binary outcome: treated {}/{} ({:.1}%), control {}/{} ({:.1}%)",
            t.treated_events,
            t.treated_total,
            100.0 * b.risk_treated,
            t.control_events,
            t.control_total,
            100.0 * b.risk_control
        );
        let pp = &b.risk_difference_pp;
        let _ = writeln!(
            s,
            "  risk difference  {} percentage points, {}% CI [{}, {}] (Newcombe hybrid score)",
            fmt_opt(pp.estimate, "Inf"),
            pct,
            fmt_opt(pp.conf_low, "-Inf"),
            fmt_opt(pp.conf_high, "Inf")
        );
        for (name, e) in [("risk ratio", &b.risk_ratio), ("odds ratio", &b.odds_ratio)] {
            let _ = writeln!(
                s,
                "  {name:<16} {}, {}% CI [{}, {}]{}",
                fmt_opt(e.estimate, "Inf"),
                pct,
                fmt_opt(e.conf_low, "0"),
                fmt_opt(e.conf_high, "Inf"),
                if e.adjusted {
                    " (zero cell: ½ added)"
                } else {
                    ""
                }
            );
        }
        let f = &b.fisher;
        let _ = writeln!(
            s,
            "  Fisher's exact test p {}; conditional ML odds ratio {}, {}% CI [{}, {}]",
            p_eq(f.p_value),
            fmt_opt(f.odds_ratio, "Inf"),
            pct,
            fmt_num(f.conf_low),
            fmt_opt(f.conf_high, "Inf")
        );
        for n in &b.notes {
            let _ = writeln!(s, "  Note: {n}");
        }
    }
    if fit.tidy.len() > 1 {
        let _ = writeln!(s);
        let _ = writeln!(s, "Coefficients:");
        let _ = writeln!(
            s,
            "  {:<28} {:>11} {:>11} {:>9} {:>9}",
            "term", "estimate", "std.error", "df", "p-value"
        );
        for r in &fit.tidy {
            let _ = writeln!(
                s,
                "  {:<28} {:>11} {:>11} {:>9} {:>9}",
                r.term,
                fmt_num(r.estimate),
                fmt_num(r.std_error),
                r.df.map_or("-".into(), |d| format!("{d:.1}")),
                fmt_p(r.p_value)
            );
        }
    }
    for n in &fit.notes {
        let _ = writeln!(s, "Note: {n}");
    }
    s
}
