//! `effekt power`: analytic power, sample size and minimum detectable effect, and simulation
//! power from a TOML config.

use crate::cli::common::{
    CliError, CliResult, Progress, check_alpha, parse_simulations, parse_threads, with_threads,
};
use crate::cli::input;
use crate::cli::output::{self, outln};
use effekt_power::PowerError;
use effekt_power::analytic::{
    self, Alternative, Cluster, CurveOver, CurveSpec, Design, Paired, PowerResult,
    ProportionMethod, ProportionScale, Targets, TestStatistic, TwoMeans, TwoProportions,
    WaveCorrelation, Waves,
};
use effekt_power::sim::builtin::{SimulationConfig, SimulationReport, run_config};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: PowerCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PowerCommand {
    /// Two independent means (t-test; as R pwr.t.test / pwr.t2n.test).
    TwoMeans(TwoMeansArgs),
    /// Paired / pre-post design: t-test on within-pair differences (n = pairs).
    Paired(PairedArgs),
    /// Two groups, baseline-adjusted (ANCOVA) over one or more pre and post waves.
    Ancova(WavesArgs),
    /// Two groups, difference-in-differences (change scores) over pre and post waves.
    Did(WavesArgs),
    /// Two independent proportions (arcsine as R pwr.2p.test, pooled, unpooled).
    TwoProportions(ProportionArgs),
    /// Cluster-randomised trial (design effect with ICC and unequal cluster sizes).
    Cluster(ClusterArgs),
    /// Simulation power, bias and coverage of the analysis that will be used (rct, matching,
    /// ipw, did or a textbook test) on a synthetic design, from a TOML file.
    Simulate(SimulateArgs),
}

/// What every analytic calculation shares. Leave out exactly one of n, the effect and the
/// power to solve for it; give all three and leave out --alpha to solve for alpha.
#[derive(Debug, Clone, clap::Args)]
pub struct CommonArgs {
    /// Sample size of group 1 (pairs for `paired`); omit to solve for it.
    #[arg(long)]
    pub n: Option<f64>,
    /// Power, in (0, 1); omit to compute it.
    #[arg(long)]
    pub power: Option<f64>,
    /// Significance level, 1e-12 to 1 - 1e-12 [default: 0.05; solved for when n, effect and
    /// power are all given and --alpha is not].
    #[arg(long)]
    pub alpha: Option<f64>,
    #[arg(long, value_enum, default_value_t = AlternativeArg::TwoSided)]
    pub alternative: AlternativeArg,
    /// Write the result as JSON to PATH (`-` = stdout).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Add a power curve over n: FROM:TO[:POINTS] (default 20 points).
    #[arg(long, value_name = "FROM:TO[:POINTS]", conflicts_with = "curve_effect")]
    pub curve_n: Option<String>,
    /// Add a power curve over the effect: FROM:TO[:POINTS].
    #[arg(long, value_name = "FROM:TO[:POINTS]", allow_hyphen_values = true)]
    pub curve_effect: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AlternativeArg {
    TwoSided,
    Greater,
    Less,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TestArg {
    /// Noncentral t (exact for normal outcomes; right for small samples).
    T,
    /// Normal approximation.
    Z,
}

#[derive(Debug, clap::Args)]
pub struct TwoMeansArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Standardised effect (Cohen's d = difference / SD); omit (with --effect) to solve for it.
    #[arg(long, conflicts_with_all = ["effect", "sd"])]
    pub effect_size: Option<f64>,
    /// Raw difference in means (group 1 − group 2); needs --sd.
    #[arg(long, requires = "sd")]
    pub effect: Option<f64>,
    /// SD of the outcome (the effect is then raw).
    #[arg(long)]
    pub sd: Option<f64>,
    /// Allocation ratio n2 / n1.
    #[arg(long, default_value_t = 1.0)]
    pub ratio: f64,
    #[arg(long, value_enum, default_value_t = TestArg::T)]
    pub test: TestArg,
}

#[derive(Debug, clap::Args)]
pub struct PairedArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Standardised effect d_z (mean difference / SD of the differences).
    #[arg(long, conflicts_with_all = ["effect", "sd", "sd_diff", "correlation"])]
    pub effect_size: Option<f64>,
    /// Raw mean difference; needs --sd-diff, or --sd with --correlation.
    #[arg(long)]
    pub effect: Option<f64>,
    /// SD of the within-pair differences.
    #[arg(long, conflicts_with_all = ["sd", "correlation"])]
    pub sd_diff: Option<f64>,
    /// SD of the outcome at each time point (with --correlation).
    #[arg(long, requires = "correlation")]
    pub sd: Option<f64>,
    /// Correlation between the two measurements (with --sd).
    #[arg(long, requires = "sd")]
    pub correlation: Option<f64>,
    #[arg(long, value_enum, default_value_t = TestArg::T)]
    pub test: TestArg,
}

#[derive(Debug, clap::Args)]
pub struct WavesArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Effect in SD units of one wave's outcome.
    #[arg(long, conflicts_with_all = ["effect", "sd"])]
    pub effect_size: Option<f64>,
    /// Raw effect; needs --sd.
    #[arg(long, requires = "sd")]
    pub effect: Option<f64>,
    /// SD of the outcome in one wave.
    #[arg(long)]
    pub sd: Option<f64>,
    /// Number of pre-intervention waves.
    #[arg(long, default_value_t = 1)]
    pub pre_waves: u32,
    /// Number of post-intervention waves.
    #[arg(long, default_value_t = 1)]
    pub post_waves: u32,
    /// Correlation between any two waves of the same unit.
    #[arg(long, conflicts_with_all = ["corr_pre", "corr_post", "corr_cross"])]
    pub correlation: Option<f64>,
    /// Mean correlation among pre waves (with --corr-post and --corr-cross).
    #[arg(long, requires_all = ["corr_post", "corr_cross"])]
    pub corr_pre: Option<f64>,
    /// Mean correlation among post waves.
    #[arg(long, requires_all = ["corr_pre", "corr_cross"])]
    pub corr_post: Option<f64>,
    /// Mean correlation between a pre and a post wave.
    #[arg(long, requires_all = ["corr_pre", "corr_post"])]
    pub corr_cross: Option<f64>,
    /// Allocation ratio n2 / n1.
    #[arg(long, default_value_t = 1.0)]
    pub ratio: f64,
    #[arg(long, value_enum, default_value_t = TestArg::T)]
    pub test: TestArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    /// Arcsine transformation, Cohen's h (as R pwr.2p.test).
    Arcsine,
    /// z-test, pooled variance under H0 (as R power.prop.test).
    Pooled,
    /// z-test, unpooled variance.
    Unpooled,
}

#[derive(Debug, clap::Args)]
pub struct ProportionArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Proportion in group 1.
    #[arg(long)]
    pub p1: Option<f64>,
    /// Proportion in group 2; omit to solve for the detectable p2.
    #[arg(long, requires = "p1")]
    pub p2: Option<f64>,
    /// Cohen's h instead of p1/p2 (arcsine method only).
    #[arg(long, conflicts_with_all = ["p1", "p2"])]
    pub h: Option<f64>,
    #[arg(long, value_enum, default_value_t = MethodArg::Arcsine)]
    pub method: MethodArg,
    /// Continuity correction (pooled / unpooled).
    #[arg(long)]
    pub continuity: bool,
    /// Allocation ratio n2 / n1.
    #[arg(long, default_value_t = 1.0)]
    pub ratio: f64,
    /// Count only the tail in the direction of the effect (R power.prop.test default).
    #[arg(long)]
    pub one_tail_only: bool,
    /// When solving for p2 with a two-sided test, look below p1 instead of above.
    #[arg(long)]
    pub p2_below_p1: bool,
}

#[derive(Debug, clap::Args)]
pub struct ClusterArgs {
    /// Clusters in arm 1; omit to solve for it.
    #[arg(long)]
    pub clusters: Option<f64>,
    /// Mean cluster size; omit to solve for it.
    #[arg(long)]
    pub cluster_size: Option<f64>,
    /// Intraclass correlation, in [0, 1).
    #[arg(long)]
    pub icc: f64,
    /// Coefficient of variation of cluster sizes (0 = equal sizes).
    #[arg(long, default_value_t = 0.0)]
    pub cv: f64,
    /// Standardised effect (difference / total SD).
    #[arg(long, conflicts_with_all = ["effect", "sd"])]
    pub effect_size: Option<f64>,
    /// Raw effect; needs --sd.
    #[arg(long, requires = "sd")]
    pub effect: Option<f64>,
    /// Total SD of the individual outcome.
    #[arg(long)]
    pub sd: Option<f64>,
    /// Power, in (0, 1); omit to compute it.
    #[arg(long)]
    pub power: Option<f64>,
    /// Significance level, 1e-12 to 1 - 1e-12 [default: 0.05; solved for when everything else
    /// is given].
    #[arg(long)]
    pub alpha: Option<f64>,
    #[arg(long, value_enum, default_value_t = AlternativeArg::TwoSided)]
    pub alternative: AlternativeArg,
    /// Ratio of clusters, arm 2 / arm 1.
    #[arg(long, default_value_t = 1.0)]
    pub ratio: f64,
    #[arg(long, value_enum, default_value_t = TestArg::T)]
    pub test: TestArg,
    /// Write the result as JSON to PATH (`-` = stdout).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Add a power curve over the number of clusters: FROM:TO[:POINTS].
    #[arg(long, value_name = "FROM:TO[:POINTS]", conflicts_with = "curve_effect")]
    pub curve_clusters: Option<String>,
    /// Add a power curve over the effect: FROM:TO[:POINTS].
    #[arg(long, value_name = "FROM:TO[:POINTS]", allow_hyphen_values = true)]
    pub curve_effect: Option<String>,
}

const SIMULATE_HELP: &str = "Designs ([dgp] kind): two-groups (baseline_correlation adds a \
covariate `baseline`), two-proportions, cluster-rct, ihf, tfco (covariates: child_age, \
child_sex, baseline_risk / age, sex, previous_placements, months_in_care, baseline_risk), \
staggered (a panel).

Analyses ([analysis] kind):
  rct        effekt-rct as `effekt rct`: difference in means, Welch df; CR2 + Satterthwaite df
             when clusters were randomised; adjust = \"ancova\" | \"lin\" on the covariates;
             cluster_robust = true for CR2 when individuals were randomised
  matching   effekt-matching as `effekt match` (nearest neighbour 1:1 on the propensity
             score, ATT, CR2 on the pairs); any effekt match option as a TOML field, e.g.
             distance = \"logit\", replace = true, caliper = 0.2 (needs covariates: ihf, tfco)
  ipw        effekt-matching inverse probability weighting (sandwich standard error)
  did        effekt-did on the staggered panel: method = \"twfe\" (CR2/CR1 by unit; vcov =
             \"auto\" | \"cr1\" | \"cr2\") or \"cs\" (Callaway-Sant'Anna simple ATT, analytic SE)
  welch, student, z-pooled, cluster-means, ols-cr2   textbook tests computed by effekt-power

An analysis that cannot use the design (matching without covariates, did on two arms, ...) is
a configuration error (exit 2). Randomisation inference (rct) and the multiplier bootstrap
(cs) are off in simulations: the simulated test is the analytic headline test.

Example:
  seed = 1
  simulations = 2000
  [dgp]
  kind = \"ihf\"
  outcome = \"closed_lower_level\"
  wave = 2
  estimand = \"att\"
  [dgp.config]
  assignment = { kind = \"observational\", share = 0.3, selection = 1.0 }
  [analysis]
  kind = \"matching\"
  distance = \"logit\"

More examples: crates/effekt-power/configs/*.toml.";

/// Simulation power, bias, RMSE and CI coverage of the analysis that will really be used, on
/// synthetic data from a documented design.
#[derive(Debug, clap::Args)]
#[command(after_help = SIMULATE_HELP)]
pub struct SimulateArgs {
    /// Simulation study in TOML (seed, simulations, alpha, [dgp], [analysis]); see below and
    /// `effekt_power::sim::builtin`.
    #[arg(long, value_name = "FILE.toml")]
    pub config: PathBuf,
    /// Override the seed of the config.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override the number of simulations of the config (1 to 1,000,000).
    #[arg(long, value_parser = parse_simulations)]
    pub simulations: Option<u64>,
    /// Worker threads, 1 to 1024 (default: all cores). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Write the result as JSON to PATH (`-` = stdout).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
}

pub fn run(args: Args) -> CliResult {
    match args.command {
        PowerCommand::TwoMeans(a) => {
            let (effect, raw) = pick_effect(a.effect_size, a.effect, a.sd);
            let design = Design::TwoMeans(TwoMeans {
                sd: raw,
                ratio: a.ratio,
                alternative: alt(a.common.alternative),
                test: test(a.test),
            });
            analytic_run(&design, &a.common, effect)
        }
        PowerCommand::Paired(a) => {
            let effect = a.effect_size.or(a.effect);
            if a.effect.is_some() && a.sd_diff.is_none() && a.sd.is_none() {
                return Err(CliError::bad_msg(
                    "--effect is a raw mean difference: give --sd-diff, or --sd with \
                     --correlation (or use --effect-size for d_z)",
                ));
            }
            let design = Design::Paired(Paired {
                sd_diff: a.sd_diff,
                sd: a.sd,
                correlation: a.correlation,
                alternative: alt(a.common.alternative),
                test: test(a.test),
            });
            analytic_run(&design, &a.common, effect)
        }
        PowerCommand::Ancova(a) => {
            let (design, effect) = waves(&a)?;
            analytic_run(&Design::Ancova(design), &a.common, effect)
        }
        PowerCommand::Did(a) => {
            let (design, effect) = waves(&a)?;
            analytic_run(&Design::Did(design), &a.common, effect)
        }
        PowerCommand::TwoProportions(a) => {
            let (scale, effect) = match (a.h, a.p1, a.p2) {
                (Some(h), _, _) => (ProportionScale::CohenH, Some(h)),
                (None, Some(p1), p2) => (ProportionScale::Difference, p2.map(|p2| p1 - p2)),
                (None, None, _) => {
                    return Err(CliError::bad_msg(
                        "give --p1 (and --p2, or leave --p2 out to solve for it), or --h",
                    ));
                }
            };
            let design = Design::TwoProportions(TwoProportions {
                p1: a.p1,
                scale,
                method: match a.method {
                    MethodArg::Arcsine => ProportionMethod::Arcsine,
                    MethodArg::Pooled => ProportionMethod::Pooled,
                    MethodArg::Unpooled => ProportionMethod::Unpooled,
                },
                continuity: a.continuity,
                ratio: a.ratio,
                alternative: alt(a.common.alternative),
                one_tail_only: a.one_tail_only,
                p2_below_p1: a.p2_below_p1,
            });
            analytic_run(&design, &a.common, effect)
        }
        PowerCommand::Cluster(a) => {
            let (effect, raw) = pick_effect(a.effect_size, a.effect, a.sd);
            let design = Design::Cluster(Cluster {
                cluster_size: a.cluster_size,
                icc: a.icc,
                cv: a.cv,
                sd: raw,
                ratio: a.ratio,
                alternative: alt(a.alternative),
                test: test(a.test),
            });
            let common = CommonArgs {
                n: a.clusters,
                power: a.power,
                alpha: a.alpha,
                alternative: a.alternative,
                json: a.json,
                curve_n: a.curve_clusters,
                curve_effect: a.curve_effect,
            };
            analytic_run(&design, &common, effect)
        }
        PowerCommand::Simulate(a) => simulate(a),
    }
}

fn pick_effect(
    effect_size: Option<f64>,
    effect: Option<f64>,
    sd: Option<f64>,
) -> (Option<f64>, Option<f64>) {
    match (effect_size, effect) {
        (Some(d), _) => (Some(d), None),
        (None, e) => (e, sd),
    }
}

fn alt(a: AlternativeArg) -> Alternative {
    match a {
        AlternativeArg::TwoSided => Alternative::TwoSided,
        AlternativeArg::Greater => Alternative::Greater,
        AlternativeArg::Less => Alternative::Less,
    }
}

fn test(t: TestArg) -> TestStatistic {
    match t {
        TestArg::T => TestStatistic::T,
        TestArg::Z => TestStatistic::Z,
    }
}

fn waves(a: &WavesArgs) -> CliResult<(Waves, Option<f64>)> {
    let correlation = match (a.correlation, a.corr_pre, a.corr_post, a.corr_cross) {
        (Some(r), ..) => WaveCorrelation::Equal(r),
        (None, Some(pre), Some(post), Some(cross)) => WaveCorrelation::Blocks { pre, post, cross },
        _ => {
            return Err(CliError::bad_msg(
                "give the correlation between waves: --correlation R, or --corr-pre, \
                 --corr-post and --corr-cross",
            ));
        }
    };
    let (effect, sd) = pick_effect(a.effect_size, a.effect, a.sd);
    Ok((
        Waves {
            sd,
            ratio: a.ratio,
            pre_waves: a.pre_waves,
            post_waves: a.post_waves,
            correlation,
            alternative: alt(a.common.alternative),
            test: test(a.test),
        },
        effect,
    ))
}

/// Parse FROM:TO[:POINTS].
fn parse_curve(text: &str, over: CurveOver) -> CliResult<CurveSpec> {
    let parts: Vec<&str> = text.split(':').collect();
    let bad = || {
        CliError::bad_msg(format!(
            "curve {text:?}: expected FROM:TO or FROM:TO:POINTS, e.g. 10:200:20"
        ))
    };
    let num = |s: &str| s.trim().parse::<f64>().map_err(|_| bad());
    match parts.as_slice() {
        [from, to] => Ok(CurveSpec {
            over,
            from: num(from)?,
            to: num(to)?,
            points: 20,
        }),
        [from, to, points] => Ok(CurveSpec {
            over,
            from: num(from)?,
            to: num(to)?,
            points: points.trim().parse::<usize>().map_err(|_| bad())?,
        }),
        _ => Err(bad()),
    }
}

pub(crate) fn power_error(e: PowerError) -> CliError {
    match e {
        PowerError::Numerical { .. } | PowerError::Table(_) => CliError::internal(e),
        other => CliError::bad(other),
    }
}

fn analytic_run(design: &Design, common: &CommonArgs, effect: Option<f64>) -> CliResult {
    output::Plan::new()
        .json("--json", common.json.as_deref())
        .check()?;
    let cluster_size_unknown = matches!(design, Design::Cluster(c) if c.cluster_size.is_none());
    let all_given =
        common.n.is_some() && effect.is_some() && common.power.is_some() && !cluster_size_unknown;
    if let Some(a) = common.alpha {
        check_alpha(a)?;
    }
    let alpha = match common.alpha {
        Some(a) => Some(a),
        None if all_given => None,
        None => Some(0.05),
    };
    let targets = Targets {
        n: common.n,
        effect,
        power: common.power,
        alpha,
    };
    let curve = match (&common.curve_n, &common.curve_effect) {
        (Some(c), _) => Some(parse_curve(c, CurveOver::N)?),
        (None, Some(c)) => Some(parse_curve(c, CurveOver::Effect)?),
        _ => None,
    };
    let result = analytic::solve(design, &targets, curve.as_ref()).map_err(power_error)?;
    show(common.json.as_deref(), &result, print_result)
}

/// Print the readable table of `value` unless the JSON goes to stdout (`--json -`), then write
/// the JSON where `--json` says (a file gets the JSON beside the printed table).
fn show<T: serde::Serialize>(json: Option<&Path>, value: &T, print: impl FnOnce(&T)) -> CliResult {
    let to_stdout = json.is_some_and(|p| p.as_os_str() == "-");
    if !to_stdout {
        print(value);
    }
    if let Some(path) = json {
        output::write_json(path, value)?;
    }
    Ok(())
}

fn fmt(x: f64) -> String {
    if x == x.round() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.6}")
    }
}

fn print_result(r: &PowerResult) {
    outln!("Power analysis: {}", r.method);
    outln!("Solved for: {}", r.solved_for);
    let alt = match r.alternative {
        Alternative::TwoSided => "two-sided",
        Alternative::Greater => "one-sided (greater)",
        Alternative::Less => "one-sided (less)",
    };
    let rows: Vec<(String, String)> = {
        let mut v = Vec::new();
        if let Some(c) = &r.cluster {
            v.push((
                "clusters in arm 1 (unrounded)".into(),
                fmt(c.clusters_per_arm),
            ));
            v.push((
                "clusters required".into(),
                format!(
                    "{} in arm 1, {} in arm 2",
                    c.clusters_required, c.clusters_required_arm2
                ),
            ));
            v.push(("mean cluster size (unrounded)".into(), fmt(c.cluster_size)));
            v.push((
                "cluster size required".into(),
                c.cluster_size_required.to_string(),
            ));
            v.push(("design effect".into(), fmt(c.design_effect)));
            v.push((
                "ICC / cv of cluster sizes".into(),
                format!("{} / {}", c.icc, c.cv),
            ));
        }
        let unit = if r.design == "paired" {
            "pairs"
        } else {
            "n per group (group 1)"
        };
        v.push((format!("{unit}, unrounded"), fmt(r.n_per_group)));
        match (r.n_required_group2, r.n_group2) {
            (Some(n2), Some(_)) => v.push((
                "n required".into(),
                format!(
                    "{} in group 1, {} in group 2, {} in total",
                    r.n_required, n2, r.n_total_required
                ),
            )),
            _ => v.push(("n required".into(), r.n_required.to_string())),
        }
        v.push(("power".into(), fmt(r.power)));
        v.push(("power at the rounded n".into(), fmt(r.power_at_n_required)));
        v.push(("effect (group 1 - group 2)".into(), fmt(r.effect)));
        v.push((r.effect_size_kind.to_string(), fmt(r.effect_size)));
        if let (Some(p1), Some(p2)) = (r.p1, r.p2) {
            v.push(("p1 / p2".into(), format!("{} / {}", fmt(p1), fmt(p2))));
        }
        if let Some(f) = r.variance_factor {
            v.push(("variance factor f".into(), fmt(f)));
        }
        v.push(("alpha".into(), format!("{} ({alt})", fmt(r.alpha))));
        if let Some(df) = r.df {
            v.push(("degrees of freedom".into(), fmt(df)));
        }
        v
    };
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in &rows {
        outln!("  {k:<width$}  {v}");
    }
    outln!("Why this method: {}", why(r));
    for n in &r.notes {
        outln!("Note: {n}");
    }
    if let Some(c) = &r.curve {
        let label = match c.over {
            CurveOver::N => {
                if r.design == "cluster" {
                    "clusters"
                } else {
                    "n"
                }
            }
            CurveOver::Effect => "effect",
        };
        outln!("Power curve:");
        outln!("  {label:>12}  power");
        for p in &c.points {
            outln!("  {:>12}  {:.4}", fmt(p.x), p.power);
        }
    }
}

fn why(r: &PowerResult) -> &'static str {
    match (r.design, r.df.is_some()) {
        ("two-proportions", _) => {
            "normal approximation for two proportions; the arcsine (Cohen's h) version is R \
             pwr's, pooled matches R power.prop.test; for very small samples or proportions near \
             0 or 1, check by simulation (effekt power simulate)"
        }
        ("cluster", true) => {
            "noncentral t on cluster-level degrees of freedom: with few clusters the normal \
             approximation overstates power (Hayes & Moulton 2017)"
        }
        (_, true) => {
            "noncentral t: exact for normal outcomes and valid in small samples (as R pwr and \
             statsmodels TTestIndPower)"
        }
        (_, false) => "normal approximation (z), as requested with --test z",
    }
}

fn simulate(a: SimulateArgs) -> CliResult {
    output::Plan::new()
        .input("--config", &a.config)
        .json("--json", a.json.as_deref())
        .check()?;
    let text = input::read_text(&a.config, "the --config file")?;
    let mut cfg = SimulationConfig::from_toml_str(&text)
        .map_err(|e| CliError::bad_msg(format!("{}: {e}", a.config.display())))?;
    if let Some(s) = a.seed {
        cfg.seed = s;
    }
    if let Some(n) = a.simulations {
        cfg.simulations = n;
    }
    cfg.check().map_err(power_error)?;
    let bar = Progress::new(cfg.simulations, "simulating");
    let report =
        with_threads(a.threads, || run_config(&cfg, &|k| bar.tick(k)))?.map_err(power_error)?;
    bar.finish();
    show(a.json.as_deref(), &report, print_simulation)
}

fn print_simulation(r: &SimulationReport) {
    let s = &r.summary;
    outln!("Simulation power");
    outln!("  design:    {}", r.dgp);
    outln!("  analysis:  {} (alpha {})", r.analysis, s.alpha);
    outln!(
        "  simulations: {} of {} (seed {}{})",
        s.simulations_run,
        s.simulations_requested,
        s.seed,
        if s.stopped_early {
            ", stopped early: Monte Carlo target reached"
        } else {
            ""
        }
    );
    outln!("  {:<22} {:>10}  {:>12}", "", "value", "MC s.e.");
    for (name, v) in [
        ("power", s.power),
        ("bias", s.bias),
        ("RMSE", s.rmse),
        ("empirical SE", s.empirical_se),
        ("CI coverage", s.coverage),
    ] {
        outln!("  {name:<22} {:>10.4}  {:>12.4}", v.value, v.mc_se);
    }
    outln!("  {:<22} {:>10.4}", "mean reported SE", s.mean_std_error);
    outln!("  {:<22} {:>10.4}", "mean true effect", s.mean_truth);
    if s.n_non_finite + s.n_failed > 0 {
        outln!(
            "  {} simulation(s) gave non-finite results and {} failed; they count as \
             non-rejections and are left out of bias, RMSE and coverage",
            s.n_non_finite,
            s.n_failed
        );
        if let Some(m) = &s.first_failure {
            outln!("  first failure: {m}");
        }
    }
    if let Some(a) = &r.analytic {
        let z = (s.power.value - a.power) / s.power.mc_se.max(1e-12);
        outln!(
            "  analytic power (same design and test): {:.4} ({}); difference {:+.1} MC s.e.",
            a.power,
            a.method,
            z
        );
    }
    outln!(
        "Monte Carlo s.e. as in Morris, White & Crowther (2019); simulation s uses random stream \
         (seed, s), so the result is the same on any number of threads."
    );
}
