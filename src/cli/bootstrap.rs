//! `effekt bootstrap`: bootstrap confidence intervals for a mean, median, proportion, difference
//! or ratio, from a CSV/xlsx file.

use crate::cli::common::{
    CliError, CliResult, DataArgs, Progress, RunArgs, check_level, parse_resamples, split_list,
    with_threads,
};
use crate::cli::output::outln;
use effekt_data::{Dataset, Roles, Table};
use effekt_resample::{
    BootstrapConfig, BootstrapResult, IntervalMethod, Layout, LinearKind, LinearStatistic, Median,
    MedianDiff, Scheme, bootstrap, bootstrap_linear,
};
use serde::Serialize;

const EXAMPLES: &str = "Examples:
  effekt bootstrap --data datasets/lalonde.csv --outcome re78 --group treat --ci percentile,bca
  effekt bootstrap --data export.csv --outcome closed_lower --group ihf --statistic proportion-diff --json -
  effekt bootstrap --data waves.csv --outcome rating --cluster family_id --statistic mean";

/// Bootstrap confidence intervals.
///
/// Two-group statistics compare the second group with the first (groups sorted: 0 before 1,
/// numbers in numeric order, text alphabetically) and resample within each group (stratified);
/// with --cluster whole clusters are resampled (the right scheme when a person has several
/// measurement waves).
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Outcome column.
    #[arg(long, value_name = "COL")]
    pub outcome: String,
    /// Group column for two-group statistics (exactly two values, e.g. 0/1).
    #[arg(long, value_name = "COL")]
    pub group: Option<String>,
    /// Cluster column (e.g. person or family id): resample whole clusters.
    #[arg(long, value_name = "COL")]
    pub cluster: Option<String>,
    /// Statistic [default: mean-diff with --group, mean without].
    #[arg(long, value_enum)]
    pub statistic: Option<StatisticArg>,
    /// Interval methods, comma-separated: percentile, basic, normal, studentized, bca.
    #[arg(long, value_name = "LIST", default_value = "percentile,bca")]
    pub ci: String,
    /// Confidence level, 1e-12 to 1 - 1e-12.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Number of bootstrap resamples, 2 to 10,000,000.
    #[arg(long, default_value_t = 9999, value_parser = parse_resamples)]
    pub resamples: usize,
    /// Seed: the same seed gives bit-identical results at any thread count.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Resampling scheme [default: stratified by group for two-group statistics, cluster with
    /// --cluster, otherwise iid].
    #[arg(long, value_enum)]
    pub scheme: Option<SchemeArg>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatisticArg {
    Mean,
    Median,
    Proportion,
    MeanDiff,
    MedianDiff,
    ProportionDiff,
    RatioOfMeans,
}

impl StatisticArg {
    fn two_group(self) -> bool {
        matches!(
            self,
            Self::MeanDiff | Self::MedianDiff | Self::ProportionDiff | Self::RatioOfMeans
        )
    }
    fn name(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::Median => "median",
            Self::Proportion => "proportion",
            Self::MeanDiff => "mean-diff",
            Self::MedianDiff => "median-diff",
            Self::ProportionDiff => "proportion-diff",
            Self::RatioOfMeans => "ratio-of-means",
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemeArg {
    Iid,
    Stratified,
    Cluster,
    Bayesian,
    Poisson,
}

#[derive(Debug, Serialize)]
struct GroupSize {
    group: String,
    n: usize,
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    statistic: &'static str,
    /// What the estimate is, in words.
    description: String,
    outcome: &'a str,
    estimate: f64,
    std_error: f64,
    bias: f64,
    resamples: usize,
    seed: u64,
    n: usize,
    scheme: Scheme,
    scheme_description: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<GroupSize>,
    dropped_rows: usize,
    nonfinite_replicates: usize,
    intervals: &'a [effekt_resample::Interval],
    #[serde(skip_serializing_if = "Option::is_none")]
    bias_correction: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acceleration: Option<f64>,
    warnings: Vec<String>,
}

fn parse_methods(s: &str) -> CliResult<Vec<IntervalMethod>> {
    let mut out = Vec::new();
    for m in split_list(s) {
        let method = match m.to_ascii_lowercase().as_str() {
            "percentile" | "perc" => IntervalMethod::Percentile,
            "basic" => IntervalMethod::Basic,
            "normal" | "norm" => IntervalMethod::Normal,
            "studentized" | "studentised" | "stud" => IntervalMethod::Studentized,
            "bca" => IntervalMethod::Bca,
            other => {
                return Err(CliError::bad_msg(format!(
                    "--ci: unknown interval method {other:?}; use percentile, basic, normal, studentized or bca"
                )));
            }
        };
        if !out.contains(&method) {
            out.push(method);
        }
    }
    if out.is_empty() {
        return Err(CliError::bad_msg("--ci: give at least one interval method"));
    }
    Ok(out)
}

/// Check that a proportion's outcome is 0/1, naming the first offending row.
fn check_binary(table: &Table, ds: &Dataset, y: &[f64], column: &str) -> CliResult {
    if let Some(i) = y.iter().position(|v| *v != 0.0 && *v != 1.0) {
        return Err(CliError::bad_msg(format!(
            "{}, column {column:?}, row {}: a proportion needs a 0/1 outcome, found {}; use --statistic mean or recode the column",
            ds.source,
            table.row_number(ds.rows[i]),
            y[i]
        )));
    }
    Ok(())
}

pub fn run(args: Args) -> CliResult {
    args.run.plan(&args.data.data).check()?;
    let statistic = args.statistic.unwrap_or(if args.group.is_some() {
        StatisticArg::MeanDiff
    } else {
        StatisticArg::Mean
    });
    if statistic.two_group() && args.group.is_none() {
        return Err(CliError::bad_msg(format!(
            "--statistic {} compares two groups: give the group column with --group",
            statistic.name()
        )));
    }
    if !statistic.two_group() && args.group.is_some() {
        return Err(CliError::bad_msg(format!(
            "--group is only used by two-group statistics (mean-diff, median-diff, proportion-diff, ratio-of-means), not by --statistic {}",
            statistic.name()
        )));
    }
    let methods = parse_methods(&args.ci)?;
    check_level(args.level)?;
    if args.resamples < 2 {
        return Err(CliError::bad_msg(format!(
            "--resamples must be at least 2, got {}",
            args.resamples
        )));
    }
    let roles = Roles {
        outcome: Some(args.outcome.clone()),
        group: args.group.clone(),
        cluster: args.cluster.clone(),
        ..Default::default()
    };
    let (table, ds) = args.data.load_with_table(&roles)?;
    let y = ds.outcome.clone().unwrap_or_default();
    if matches!(
        statistic,
        StatisticArg::Proportion | StatisticArg::ProportionDiff
    ) {
        check_binary(&table, &ds, &y, &args.outcome)?;
    }
    let mut warnings = Vec::new();
    let (codes, groups) = match &ds.group {
        Some(g) => {
            if g.n_groups() != 2 {
                return Err(CliError::bad_msg(format!(
                    "{}, column {:?}: --statistic {} needs exactly 2 groups, found {}: {}",
                    ds.source,
                    g.column,
                    statistic.name(),
                    g.n_groups(),
                    g.labels.join(", ")
                )));
            }
            let counts = g.counts();
            for (label, &n) in g.labels.iter().zip(&counts) {
                if n < 20 {
                    warnings.push(format!("group {label:?} has only {n} rows; bootstrap intervals can undercover in groups this small"));
                }
            }
            let sizes = g
                .labels
                .iter()
                .zip(counts)
                .map(|(l, n)| GroupSize {
                    group: l.clone(),
                    n,
                })
                .collect();
            (Some(g.codes.clone()), sizes)
        }
        None => (None, Vec::new()),
    };
    if codes.is_none() && ds.n() < 20 {
        warnings.push(format!(
            "only {} rows; bootstrap intervals can undercover in samples this small",
            ds.n()
        ));
    }
    let clusters = ds.cluster.as_ref().map(|c| c.codes.clone());
    let scheme = match args.scheme {
        Some(SchemeArg::Iid) => Scheme::Iid,
        Some(SchemeArg::Stratified) => Scheme::Stratified,
        Some(SchemeArg::Cluster) => Scheme::Cluster,
        Some(SchemeArg::Bayesian) => Scheme::Bayesian,
        Some(SchemeArg::Poisson) => Scheme::Poisson,
        None if clusters.is_some() => Scheme::Cluster,
        None if codes.is_some() => Scheme::Stratified,
        None => Scheme::Iid,
    };
    if scheme == Scheme::Cluster && clusters.is_none() {
        return Err(CliError::bad_msg(
            "--scheme cluster needs the cluster column: give --cluster COL",
        ));
    }
    if scheme == Scheme::Stratified && codes.is_none() {
        return Err(CliError::bad_msg(
            "--scheme stratified resamples within groups: give --group COL",
        ));
    }
    if let Some(c) = &ds.cluster {
        let g = c.n_groups();
        if g < 10 {
            warnings.push(format!(
                "only {g} clusters; the cluster bootstrap is unreliable with fewer than 10 clusters"
            ));
        }
    }
    // Strata: the groups (when clusters are nested in groups, clusters are resampled within them).
    let layout = match Layout::new(ds.n(), codes.as_deref(), clusters.as_deref()) {
        Ok(l) => l,
        Err(_) if clusters.is_some() => {
            warnings.push("clusters contain rows of both groups, so whole clusters are resampled without stratifying by group".into());
            Layout::new(ds.n(), None, clusters.as_deref()).map_err(CliError::bad)?
        }
        Err(e) => return Err(CliError::bad(e)),
    };
    let config = BootstrapConfig {
        resamples: args.resamples,
        seed: args.seed,
        scheme,
        intervals: methods,
        level: args.level,
        ..Default::default()
    };

    let progress = Progress::new(args.resamples as u64, "bootstrap");
    let tick = |n: u64| progress.tick(n);
    let result: BootstrapResult = with_threads(
        args.run.threads,
        || -> Result<BootstrapResult, effekt_resample::ResampleError> {
            let g = codes.as_deref();
            match statistic {
                StatisticArg::Mean | StatisticArg::Proportion => bootstrap_linear(
                    &LinearStatistic::new(LinearKind::Mean, &y, None, None)?,
                    &layout,
                    &config,
                    Some(&tick),
                ),
                StatisticArg::MeanDiff | StatisticArg::ProportionDiff => bootstrap_linear(
                    &LinearStatistic::new(LinearKind::MeanDiff, &y, None, g)?,
                    &layout,
                    &config,
                    Some(&tick),
                ),
                StatisticArg::RatioOfMeans => bootstrap_linear(
                    &LinearStatistic::new(LinearKind::MeanRatio, &y, None, g)?,
                    &layout,
                    &config,
                    Some(&tick),
                ),
                StatisticArg::Median => bootstrap(&Median::new(&y)?, &layout, &config, Some(&tick)),
                StatisticArg::MedianDiff => bootstrap(
                    &MedianDiff::new(&y, g.unwrap_or(&[]))?,
                    &layout,
                    &config,
                    Some(&tick),
                ),
            }
        },
    )?
    .map_err(CliError::bad)?;
    progress.finish();

    let description = match (&ds.group, statistic) {
        (Some(g), StatisticArg::RatioOfMeans) => {
            format!(
                "mean of {} in group {} divided by the mean in group {}",
                args.outcome, g.labels[1], g.labels[0]
            )
        }
        (Some(g), s) => format!(
            "{} of {} in group {} minus group {}",
            match s {
                StatisticArg::MedianDiff => "median",
                StatisticArg::ProportionDiff => "proportion",
                _ => "mean",
            },
            args.outcome,
            g.labels[1],
            g.labels[0]
        ),
        (None, s) => format!("{} of {}", s.name(), args.outcome),
    };
    if ds.dropped > 0 {
        warnings.push(format!(
            "{} row(s) with missing values were dropped (--missing drop)",
            ds.dropped
        ));
    }
    warnings.extend(result.warnings.iter().map(|n| n.to_string()));
    let out = Output {
        statistic: statistic.name(),
        description,
        outcome: &args.outcome,
        estimate: result.estimate,
        std_error: result.std_error,
        bias: result.bias,
        resamples: result.resamples,
        seed: result.seed,
        n: result.n,
        scheme: result.scheme,
        scheme_description: result.scheme.describe(),
        groups,
        dropped_rows: ds.dropped,
        nonfinite_replicates: result.nonfinite,
        intervals: &result.intervals,
        bias_correction: result.bias_correction,
        acceleration: result.acceleration,
        warnings,
    };
    args.run.emit(&out, print_table)
}

fn print_table(o: &Output<'_>) {
    outln!("Bootstrap: {}", o.description);
    outln!(
        "  n = {}{}",
        o.n,
        if o.dropped_rows > 0 {
            format!(" ({} rows with missing values dropped)", o.dropped_rows)
        } else {
            String::new()
        }
    );
    for g in &o.groups {
        outln!("  group {:>12}: n = {}", g.group, g.n);
    }
    outln!(
        "  {} , {} resamples, seed {}",
        o.scheme_description,
        o.resamples,
        o.seed
    );
    outln!();
    outln!("  estimate   {:>14.6}", o.estimate);
    outln!("  std. error {:>14.6}   (bootstrap)", o.std_error);
    outln!("  bias       {:>14.6}", o.bias);
    outln!();
    outln!(
        "  {:<13} {:>6} {:>14} {:>14}",
        "interval",
        "level",
        "low",
        "high"
    );
    for iv in o.intervals {
        let name = match iv.requested {
            Some(r) => format!("{} (for {})", iv.method.name(), r.name()),
            None => iv.method.name().to_string(),
        };
        outln!(
            "  {:<13} {:>5.1}% {:>14.6} {:>14.6}",
            name,
            iv.level * 100.0,
            iv.low,
            iv.high
        );
    }
    if o.nonfinite_replicates > 0 {
        outln!(
            "\n  {} replicate(s) gave a non-finite statistic and were left out",
            o.nonfinite_replicates
        );
    }
    for w in &o.warnings {
        outln!("  warning: {w}");
    }
}
