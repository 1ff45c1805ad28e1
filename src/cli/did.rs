//! `effekt did`: difference-in-differences (2x2, TWFE, event study, Callaway–Sant'Anna) with the
//! wild cluster bootstrap, from a CSV/xlsx panel.

use effekt_data::{DataError, Dataset, MissingPolicy, Roles, Table};
use effekt_did::{
    DidConfig, DidData, DidError, DidFit, DidMethod, VcovChoice, WildBootstrapConfig, WildKind,
    WildWeights,
};
use effekt_models::{InferenceNote, TidyRow};
use serde::Serialize;

use crate::cli::common::{
    CliError, CliResult, DataArgs, Progress, RunArgs, check_level, parse_cs_bootstrap, parse_wild,
    split_list, with_threads,
};
use crate::cli::output::outln;

const EXAMPLES: &str = "Examples:
  effekt did --data datasets/castle.csv --outcome l_homicide --unit sid --time year --treatment post
  effekt did --data datasets/castle.csv --outcome l_homicide --unit sid --time year --treatment post --wild-bootstrap 9999 --seed 1
  effekt did --data datasets/df_het.csv --outcome dep_var --unit unit --time year --first-treated g --method event-study --cluster state --window -6,6
  effekt did --data panel.csv --outcome closed_lower --unit family --time wave --treatment ihf --method 2x2 --json -";

/// Difference-in-differences: what happened to the treated compared with how the comparison
/// group changed.
///
/// Treatment is either an indicator that is 1 from a unit's first treated period on
/// (--treatment) or the first treated period of each unit (--first-treated; 0 or empty = never
/// treated). Standard errors are cluster-robust by unit unless --cluster is given: CR2 with
/// Satterthwaite df below 30 clusters, CR1 with G - 1 df otherwise (--vcov to choose).
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Outcome column.
    #[arg(long, value_name = "COL")]
    pub outcome: String,
    /// Unit column (person, family, municipality).
    #[arg(long, value_name = "COL")]
    pub unit: String,
    /// Time column: numbers in time order (year, quarter number, wave 1, 2, 3).
    #[arg(long, value_name = "COL")]
    pub time: String,
    /// Treatment indicator: 1 in the periods a unit is treated (stays on once it starts).
    #[arg(
        long,
        value_name = "COL",
        conflicts_with = "first_treated",
        required_unless_present = "first_treated"
    )]
    pub treatment: Option<String>,
    /// First treated period of each unit; 0 or empty = never treated.
    #[arg(long, value_name = "COL")]
    pub first_treated: Option<String>,
    /// Estimator.
    #[arg(long, value_enum, default_value_t = MethodArg::Twfe)]
    pub method: MethodArg,
    /// Covariates, comma-separated.
    #[arg(long, value_name = "LIST")]
    pub covariates: Option<String>,
    /// Cluster column for standard errors and the wild bootstrap [default: the unit].
    #[arg(long, value_name = "COL")]
    pub cluster: Option<String>,
    /// Cluster-robust variance: auto (CR2 below 30 clusters, else CR1), cr1 or cr2.
    #[arg(long, value_enum, default_value_t = VcovArg::Auto)]
    pub vcov: VcovArg,
    /// Regression weights column (non-negative).
    #[arg(long, value_name = "COL")]
    pub weight_column: Option<String>,
    /// Event study: reference event time.
    #[arg(long, value_name = "K", default_value_t = -1, allow_hyphen_values = true)]
    pub reference: i64,
    /// Event study: bin event times outside LO,HI into the end points (e.g. -6,6).
    #[arg(long, value_name = "LO,HI", allow_hyphen_values = true)]
    pub window: Option<String>,
    /// Callaway-Sant'Anna: comparison units.
    #[arg(long, value_enum)]
    pub control: Option<ControlArg>,
    /// Callaway-Sant'Anna: estimator (doubly robust, inverse probability weighting, outcome regression).
    #[arg(long, value_enum)]
    pub estimator: Option<EstimatorArg>,
    /// Callaway-Sant'Anna: anticipation periods.
    #[arg(long, value_name = "K")]
    pub anticipation: Option<u32>,
    /// Callaway-Sant'Anna: aggregation of ATT(g,t) for the headline.
    #[arg(long, value_enum)]
    pub aggregate: Option<AggregateArg>,
    /// Callaway-Sant'Anna: how the rows were sampled. panel (default) drops units not observed
    /// in every period, and says how many; unbalanced-panel keeps them (R did's
    /// allow_unbalanced_panel = TRUE); repeated-cross-section treats every row as its own unit.
    #[arg(long, value_enum)]
    pub sampling: Option<SamplingArg>,
    /// Callaway-Sant'Anna: multiplier bootstrap replicates (uniform bands), at most 200,000.
    #[arg(long, value_name = "B", value_parser = parse_cs_bootstrap)]
    pub bootstrap: Option<usize>,
    /// Wild cluster bootstrap of the 2x2 / TWFE coefficient with B replicates, at most
    /// 1,000,000.
    #[arg(long, value_name = "B", value_parser = parse_wild)]
    pub wild_bootstrap: Option<usize>,
    /// Wild bootstrap weight distribution: auto = Webb with 5 or fewer clusters (Rademacher
    /// weights then have at most 32 distinct draws and too coarse p-values), Rademacher
    /// otherwise; the output says which was used.
    #[arg(long, value_enum, default_value_t = WeightsArg::Auto)]
    pub weights: WeightsArg,
    /// Wild bootstrap type: wcr (null imposed, recommended) or wcu.
    #[arg(long, value_enum, default_value_t = WildKindArg::Wcr)]
    pub wild_type: WildKindArg,
    /// Confidence level, 1e-12 to 1 - 1e-12.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Seed: the same seed gives byte-identical output at any thread count.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MethodArg {
    #[value(name = "2x2")]
    TwoByTwo,
    Twfe,
    EventStudy,
    Cs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VcovArg {
    Auto,
    Cr1,
    Cr2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SamplingArg {
    Panel,
    UnbalancedPanel,
    RepeatedCrossSection,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ControlArg {
    NeverTreated,
    NotYetTreated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EstimatorArg {
    Dr,
    Ipw,
    Or,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AggregateArg {
    Simple,
    Group,
    Dynamic,
    Calendar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WeightsArg {
    Auto,
    Rademacher,
    Webb,
    Mammen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WildKindArg {
    Wcr,
    Wcu,
}

/// The wild bootstrap part of the JSON output.
#[derive(Debug, Serialize)]
struct WildOut<'a> {
    p_value: f64,
    conf_low: Option<f64>,
    conf_high: Option<f64>,
    resamples: usize,
    weights: &'static str,
    kind: WildKind,
    full_enumeration: bool,
    seed: u64,
    null: f64,
    t_stat: f64,
    level: f64,
    method: &'a str,
    /// The weights chosen automatically, or Rademacher weights with too few clusters.
    warnings: &'a [effekt_notes::Note],
}

#[derive(Debug, Serialize)]
struct Output<'a> {
    method: &'static str,
    description: String,
    outcome: &'a str,
    term: &'a str,
    estimate: f64,
    std_error: f64,
    statistic: f64,
    df: Option<f64>,
    p_value: f64,
    conf_low: f64,
    conf_high: f64,
    level: f64,
    inference: &'a InferenceNote,
    /// Whether the estimates are weighted (--weight-column).
    weights: WeightsOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    wild_bootstrap: Option<WildOut<'a>>,
    counterfactual_summary: &'a effekt_models::Counterfactual,
    counterfactual: &'a [effekt_did::PeriodCounterfactual],
    #[serde(skip_serializing_if = "Option::is_none")]
    event_study: Option<&'a [effekt_did::EventStudyRow]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pretrend: Option<&'a effekt_did::PreTrendTest>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell_means: Option<&'a effekt_did::CellMeans>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bacon: Option<&'a effekt_did::BaconDecomposition>,
    tidy: Vec<TidyRow>,
    glance: effekt_models::Glance,
    panel: &'a effekt_did::PanelSummary,
    dropped_rows: usize,
    notes: Vec<effekt_notes::Note>,
    warnings: Vec<String>,
    /// Design checks (the pre-trend test of an event study), typed with their numbers.
    checks: Vec<effekt_notes::checks::Check>,
}

/// Whether and how the estimates are weighted (`--weight-column`).
#[derive(Debug, Serialize)]
struct WeightsOut {
    /// The weights column, `None` when unweighted.
    column: Option<String>,
    /// `true` when the estimates are weighted.
    weighted: bool,
    /// In words, as the table prints it.
    description: String,
}

impl WeightsOut {
    fn new(column: Option<&str>, cs: bool) -> Self {
        let description = match column {
            None => "unweighted (every row counts once; --weight-column to weight)".to_string(),
            Some(c) if cs => format!(
                "weighted: estimates use the sampling weights in column {c:?} (did's weightsname: weighted cohort shares, propensity scores, outcome regressions and aggregations)"
            ),
            Some(c) => format!(
                "weighted: estimates are weighted least squares with the weights in column {c:?} (means, coefficients, standard errors and counterfactuals are weighted)"
            ),
        };
        Self {
            column: column.map(str::to_string),
            weighted: column.is_some(),
            description,
        }
    }
}
fn did_error(e: DidError) -> CliError {
    match e {
        DidError::Model { .. } => CliError::bad(e),
        other => CliError::bad(other),
    }
}

/// Select the role columns; a text time column gets a message about ordered periods.
fn select(table: &Table, roles: &Roles, policy: MissingPolicy, time: &str) -> CliResult<Dataset> {
    table.select(roles, policy).map_err(|e| match e {
        DataError::NonNumeric { ref column, ref value, row, ref file } if column == time => CliError::bad_msg(format!(
            "{file}, column {column:?}, row {row}: the time column must hold numbers in time order (year, quarter number, wave 1, 2, 3), found {value:?}; text periods cannot be ordered reliably: use or add a numeric period column"
        )),
        other => CliError::from(other),
    })
}

/// Read the data file and select the analysed rows (both estimator paths): outcome, unit, time,
/// the treatment indicator, cluster, weight and covariate columns as given, under the
/// missing-data policy; the table is returned too, for the first-treated column.
fn load(args: &Args) -> CliResult<(Table, Dataset)> {
    let roles = Roles {
        outcome: Some(args.outcome.clone()),
        treatment: args.treatment.clone(),
        unit: Some(args.unit.clone()),
        time: Some(args.time.clone()),
        cluster: args.cluster.clone(),
        weights: args.weight_column.clone(),
        covariates: args
            .covariates
            .as_deref()
            .map(split_list)
            .unwrap_or_default(),
        ..Roles::default()
    };
    let table = args.data.read()?;
    let ds = select(&table, &roles, args.data.missing_policy(), &args.time)?;
    Ok((table, ds))
}

fn parse_window(s: &str) -> CliResult<[i64; 2]> {
    let parts = split_list(s);
    let bad = || {
        CliError::bad_msg(format!(
            "--window must be two event times LO,HI (e.g. -6,6), got {s:?}"
        ))
    };
    if parts.len() != 2 {
        return Err(bad());
    }
    let lo: i64 = parts[0].parse().map_err(|_| bad())?;
    let hi: i64 = parts[1].parse().map_err(|_| bad())?;
    Ok([lo, hi])
}

pub fn run(args: Args) -> CliResult {
    args.run.plan(&args.data.data).check()?;
    check_level(args.level)?;
    let cs_only: Vec<&str> = [
        ("--control", args.control.is_some()),
        ("--estimator", args.estimator.is_some()),
        ("--anticipation", args.anticipation.is_some()),
        ("--aggregate", args.aggregate.is_some()),
        ("--sampling", args.sampling.is_some()),
        ("--bootstrap", args.bootstrap.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, given)| given.then_some(n))
    .collect();
    if args.method != MethodArg::Cs && !cs_only.is_empty() {
        return Err(CliError::bad_msg(format!(
            "{} only apply to --method cs (Callaway-Sant'Anna)",
            cs_only.join(", ")
        )));
    }
    if args.method == MethodArg::Cs {
        if args.wild_bootstrap.is_some() {
            return Err(CliError::bad_msg(
                "--wild-bootstrap tests the 2x2 or TWFE coefficient; Callaway-Sant'Anna uses the multiplier bootstrap (--bootstrap B)",
            ));
        }
        if args.vcov != VcovArg::Auto {
            return Err(CliError::bad_msg(
                "--vcov applies to 2x2, twfe and event-study; Callaway-Sant'Anna uses influence-function standard errors and the multiplier bootstrap (--bootstrap B)",
            ));
        }
        return run_cs(&args);
    }
    if args.method == MethodArg::EventStudy && args.wild_bootstrap.is_some() {
        return Err(CliError::bad_msg(
            "--wild-bootstrap tests the 2x2 or TWFE coefficient; use --method 2x2 or twfe with it",
        ));
    }
    if args.window.is_some() && args.method != MethodArg::EventStudy {
        return Err(CliError::bad_msg(
            "--window only applies to --method event-study",
        ));
    }
    let window = args.window.as_deref().map(parse_window).transpose()?;
    if let Some(b) = args.wild_bootstrap
        && b < effekt_did::wild::MIN_WILD_RESAMPLES
    {
        return Err(CliError::bad_msg(format!(
            "--wild-bootstrap needs at least {} replicates, got {b} (9999 or more recommended)",
            effekt_did::wild::MIN_WILD_RESAMPLES
        )));
    }

    let (table, ds) = load(&args)?;
    let first_treated = match &args.first_treated {
        Some(col) => {
            let values = table.numeric(col)?;
            Some((
                col.clone(),
                ds.rows
                    .iter()
                    .map(|&i| values.get(i).copied().flatten())
                    .collect(),
            ))
        }
        None => None,
    };
    let row_numbers: Vec<usize> = ds.rows.iter().map(|&i| table.row_number(i)).collect();
    let mut data = DidData::from_dataset(
        &ds,
        first_treated,
        args.treatment.clone(),
        Some(row_numbers),
    )
    .map_err(did_error)?;
    data.outcome_name = args.outcome.clone();
    data.time_name = args.time.clone();

    let wild = args.wild_bootstrap.map(|b| WildBootstrapConfig {
        resamples: b,
        weights: match args.weights {
            WeightsArg::Auto => WildWeights::Auto,
            WeightsArg::Rademacher => WildWeights::Rademacher,
            WeightsArg::Webb => WildWeights::Webb,
            WeightsArg::Mammen => WildWeights::Mammen,
        },
        kind: match args.wild_type {
            WildKindArg::Wcr => WildKind::Wcr,
            WildKindArg::Wcu => WildKind::Wcu,
        },
        seed: args.seed,
        level: args.level,
        ..Default::default()
    });
    let config = DidConfig {
        method: match args.method {
            MethodArg::TwoByTwo => DidMethod::TwoByTwo,
            MethodArg::Twfe => DidMethod::Twfe,
            MethodArg::EventStudy => DidMethod::EventStudy,
            MethodArg::Cs => DidMethod::Cs,
        },
        vcov: match args.vcov {
            VcovArg::Auto => VcovChoice::Auto,
            VcovArg::Cr1 => VcovChoice::Cr1,
            VcovArg::Cr2 => VcovChoice::Cr2,
        },
        level: args.level,
        reference: args.reference,
        window,
        wild_bootstrap: wild,
        decompose: true,
    };
    let progress = Progress::new(args.wild_bootstrap.unwrap_or(0) as u64, "wild bootstrap");
    let tick = |n: u64| progress.tick(n);
    let fitted = with_threads(args.run.threads, || {
        effekt_did::fit(&data, &config, Some(&tick))
    })?
    .map_err(did_error)?;
    progress.finish();

    let h = fitted.headline().clone();
    let mut warnings: Vec<String> = fitted
        .inference()
        .warnings
        .iter()
        .map(|n| n.to_string())
        .collect();
    if let Some(w) = fitted.wild_bootstrap() {
        warnings.extend(w.warnings.iter().map(|n| n.to_string()));
    }
    if ds.dropped > 0 {
        warnings.push(format!(
            "{} row(s) with missing values were dropped (--missing drop)",
            ds.dropped
        ));
    }
    let (method, description, notes, event_study, pretrend, cell_means, bacon) = match &fitted {
        DidFit::TwoByTwo(f) => (
            "2x2",
            format!(
                "2x2 difference-in-differences of {}: treated units vs never-treated units, before vs from period {} (regression form, term treated:post)",
                args.outcome, f.treatment_start
            ),
            f.notes.clone(),
            None,
            None,
            Some(&f.cell_means),
            None,
        ),
        DidFit::Twfe(f) => (
            "twfe",
            format!(
                "two-way fixed effects (unit and period) coefficient of {} on the treatment indicator",
                args.outcome
            ),
            f.notes.clone(),
            None,
            None,
            None,
            f.bacon.as_ref(),
        ),
        DidFit::EventStudy(f) => (
            "event-study",
            format!(
                "event study of {}: leads and lags relative to the first treated period, reference {}{}; headline = average of the post-treatment coefficients weighted by treated rows",
                args.outcome,
                f.reference,
                f.window
                    .map(|[a, b]| format!(", end points binned at {a} and {b}"))
                    .unwrap_or_default()
            ),
            f.notes.clone(),
            Some(f.rows.as_slice()),
            f.pretrend.as_ref(),
            None,
            None,
        ),
    };
    let wb = fitted.wild_bootstrap();
    let out = Output {
        method,
        description,
        outcome: &args.outcome,
        term: &h.term,
        estimate: h.estimate,
        std_error: h.std_error,
        statistic: h.statistic,
        df: h.df,
        p_value: h.p_value,
        conf_low: h.conf_low,
        conf_high: h.conf_high,
        level: args.level,
        inference: fitted.inference(),
        weights: WeightsOut::new(args.weight_column.as_deref(), false),
        wild_bootstrap: wb.map(|w| WildOut {
            p_value: w.p_value,
            conf_low: w.conf_low,
            conf_high: w.conf_high,
            resamples: w.resamples,
            weights: w.weights.name(),
            kind: w.kind,
            full_enumeration: w.full_enumeration,
            seed: w.seed,
            null: w.null,
            t_stat: w.t_stat,
            level: w.level,
            method: &w.method,
            warnings: &w.warnings,
        }),
        counterfactual_summary: fitted.counterfactual(),
        counterfactual: fitted.by_period(),
        event_study,
        pretrend,
        cell_means,
        bacon,
        tidy: fitted.tidy(),
        glance: fitted.glance(),
        panel: fitted.panel(),
        dropped_rows: ds.dropped,
        notes,
        warnings,
        checks: pretrend
            .and_then(|t| t.check(event_study.unwrap_or_default(), 1.0 - args.level))
            .into_iter()
            .collect(),
    };
    args.run.emit(&out, print_table)
}

fn num(x: Option<f64>) -> String {
    x.map_or("—".to_string(), |v| format!("{v:.6}"))
}

fn print_table(o: &Output<'_>) {
    let p = o.panel;
    outln!(
        "Difference-in-differences ({}): {}",
        o.method,
        o.description
    );
    outln!(
        "  {} rows, {} units ({} treated, {} never treated), {} periods{}, {} clusters ({})",
        p.n,
        p.n_units,
        p.n_treated_units,
        p.n_never_treated_units,
        p.n_periods,
        if p.balanced {
            " (balanced)"
        } else {
            " (unbalanced)"
        },
        p.n_clusters,
        p.cluster
    );
    if !p.cohorts.is_empty() {
        let c: Vec<String> = p
            .cohorts
            .iter()
            .map(|c| format!("{} ({} units)", c.first_treated, c.units))
            .collect();
        outln!("  first treated: {}", c.join(", "));
    }
    if o.weights.weighted {
        outln!("  weights: {}", o.weights.description);
    }
    outln!();
    outln!("  effect ({})", o.term);
    outln!("    estimate   {:>12.6}", o.estimate);
    outln!("    std. error {:>12.6}", o.std_error);
    outln!(
        "    {:.0}% CI     [{:.6}, {:.6}]   t = {:.3}{}, p = {:.4}",
        o.level * 100.0,
        o.conf_low,
        o.conf_high,
        o.statistic,
        o.df.map(|d| format!(" on {d:.1} df")).unwrap_or_default(),
        o.p_value
    );
    outln!("  inference: {}", o.inference.method);
    outln!("    why: {}", o.inference.reason);
    if let Some(w) = &o.wild_bootstrap {
        outln!("  {}", w.method);
        outln!(
            "    p = {:.4}, {:.0}% CI [{}, {}]",
            w.p_value,
            w.level * 100.0,
            num(w.conf_low),
            num(w.conf_high)
        );
    }
    let cf = o.counterfactual_summary;
    outln!();
    outln!(
        "  treated observed {:.6}, counterfactual (observed − effect) {:.6}, comparison {:.6}",
        cf.treated_observed,
        cf.treated_counterfactual,
        cf.control
    );
    outln!();
    outln!(
        "  {:>10} {:>8} {:>12} {:>14} {:>12} {:>12}",
        "period",
        "treated",
        "observed",
        "counterfactual",
        "effect",
        "comparison"
    );
    for r in o.counterfactual {
        outln!(
            "  {:>10} {:>8} {:>12} {:>14} {:>12} {:>12}",
            r.period,
            r.n_treated,
            num(r.treated_observed),
            num(r.treated_counterfactual),
            num(r.effect),
            num(r.control)
        );
    }
    if let Some(rows) = o.event_study {
        outln!();
        outln!(
            "  {:>10} {:>8} {:>12} {:>12} {:>12} {:>12}",
            "event time",
            "rows",
            "estimate",
            "std. error",
            "conf. low",
            "conf. high"
        );
        for r in rows {
            outln!(
                "  {:>10} {:>8} {:>12} {:>12} {:>12} {:>12}{}",
                r.event_time,
                r.n_obs,
                num(r.estimate),
                num(r.std_error),
                num(r.conf_low),
                num(r.conf_high),
                if r.reference {
                    "  (reference)"
                } else if r.binned {
                    "  (end point bin)"
                } else {
                    ""
                }
            );
        }
    }
    if let Some(pt) = o.pretrend {
        outln!(
            "  pre-trend test ({} leads): F = {:.3}, p = {}  [{}]",
            pt.terms.len(),
            pt.statistic,
            pt.p_value.map_or("—".into(), |p| format!("{p:.4}")),
            pt.method
        );
    }
    super::matching::print_checks(&o.checks);
    if let Some(c) = o.cell_means {
        outln!();
        outln!("  cell means     before        after");
        outln!(
            "    treated  {:>12.6} {:>12.6}",
            c.treated_pre,
            c.treated_post
        );
        outln!(
            "    control  {:>12.6} {:>12.6}",
            c.control_pre,
            c.control_post
        );
        outln!("    difference of changes: {:.6}", c.did);
    }
    if let Some(b) = o.bacon {
        outln!();
        outln!("  Goodman-Bacon decomposition of the TWFE coefficient:");
        for s in &b.summary {
            outln!(
                "    {:<58} weight {:>6.3}  average {:>10.6}",
                s.description,
                s.weight,
                s.estimate
            );
        }
    }
    for n in &o.notes {
        outln!("  note: {n}");
    }
    for w in &o.warnings {
        outln!("  warning: {w}");
    }
}

#[derive(Debug, Serialize)]
struct CsOutput<'a> {
    method: &'static str,
    description: String,
    outcome: &'a str,
    term: &'static str,
    estimate: f64,
    std_error: Option<f64>,
    statistic: Option<f64>,
    df: Option<f64>,
    p_value: Option<f64>,
    conf_low: Option<f64>,
    conf_high: Option<f64>,
    level: f64,
    inference: &'a InferenceNote,
    /// Whether the estimates are weighted (--weight-column).
    weights: WeightsOut,
    /// The aggregation asked for with --aggregate (shown in the table).
    aggregate: &'static str,
    counterfactual: &'a [effekt_did::cs::CsPeriodCounterfactual],
    group_time: &'a [effekt_did::cs::AttGt],
    #[serde(skip_serializing_if = "Option::is_none")]
    event_study: Option<&'a effekt_did::cs::CsAggregate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a effekt_did::cs::CsAggregate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calendar: Option<&'a effekt_did::cs::CsAggregate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pretest: Option<&'a effekt_did::cs::CsPretest>,
    tidy: Vec<TidyRow>,
    glance: effekt_models::Glance,
    cs: &'a effekt_did::cs::CsFit,
    dropped_rows: usize,
    warnings: Vec<String>,
    /// Design checks (the pre-test), typed with their numbers.
    checks: Vec<effekt_notes::checks::Check>,
}

/// `--method cs`: Callaway & Sant'Anna (2021) through `effekt_did::cs::fit_cs`.
fn run_cs(args: &Args) -> CliResult {
    use effekt_did::cs::{
        Aggregation, ControlGroup, CsConfig, CsData, CsEstimator, Sampling, fit_cs,
    };
    let (table, ds) = load(args)?;
    // the first-treated period per table row: the column, or derived from the indicator
    let first: Vec<Option<f64>> = match &args.first_treated {
        Some(col) => table.numeric(col)?,
        None => {
            let rows: Vec<usize> = ds.rows.iter().map(|&i| table.row_number(i)).collect();
            let data = DidData::from_dataset(&ds, None, args.treatment.clone(), Some(rows))
                .map_err(did_error)?;
            let panel = effekt_did::Panel::new(&data).map_err(did_error)?;
            let mut full = vec![None; table.nrows()];
            for (k, &i) in ds.rows.iter().enumerate() {
                full[i] = panel.cohort[panel.unit[k]].map(|g| panel.periods[g]);
            }
            full
        }
    };
    let mut input =
        CsData::from_dataset(&ds, &first).map_err(|e| CliError::bad(DidError::from(e)))?;
    input.row_numbers = ds.rows.iter().map(|&i| table.row_number(i)).collect();
    let aggregate = args.aggregate.unwrap_or(AggregateArg::Simple);
    let config = CsConfig {
        control_group: match args.control.unwrap_or(ControlArg::NeverTreated) {
            ControlArg::NeverTreated => ControlGroup::NeverTreated,
            ControlArg::NotYetTreated => ControlGroup::NotYetTreated,
        },
        estimator: match args.estimator.unwrap_or(EstimatorArg::Dr) {
            EstimatorArg::Dr => CsEstimator::Dr,
            EstimatorArg::Ipw => CsEstimator::Ipw,
            EstimatorArg::Or => CsEstimator::Or,
        },
        anticipation: args.anticipation.unwrap_or(0),
        sampling: match args.sampling.unwrap_or(SamplingArg::Panel) {
            SamplingArg::Panel => Sampling::Panel,
            SamplingArg::UnbalancedPanel => Sampling::UnbalancedPanel,
            SamplingArg::RepeatedCrossSection => Sampling::RepeatedCrossSection,
        },
        aggregations: vec![
            Aggregation::Simple,
            Aggregation::Group,
            Aggregation::Dynamic,
            Aggregation::Calendar,
        ],
        bootstrap: args.bootstrap.unwrap_or(1000),
        seed: args.seed,
        level: args.level,
        cluster: args.cluster.clone(),
        ..CsConfig::default()
    };
    let progress = Progress::new(config.bootstrap as u64, "multiplier bootstrap");
    let tick = |n: u64| progress.tick(n);
    let fitted = with_threads(args.run.threads, || fit_cs(&input, &config, Some(&tick)))?
        .map_err(|e| CliError::bad(DidError::from(e)))?;
    progress.finish();
    let h = fitted.headline();
    let mut warnings: Vec<String> = Vec::new();
    for w in fitted.inference.warnings.iter().chain(&fitted.warnings) {
        let w = w.to_string();
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    if ds.dropped > 0 {
        warnings.push(format!(
            "{} row(s) with missing values were dropped (--missing drop)",
            ds.dropped
        ));
    }
    let out = CsOutput {
        method: "cs",
        description: format!(
            "{} of {}; headline = simple aggregation of the post-treatment ATT(g,t) (cohort-size weights)",
            fitted.method, args.outcome
        ),
        outcome: &args.outcome,
        term: "ATT (simple)",
        estimate: h.estimate,
        std_error: h.std_error,
        statistic: h.statistic,
        df: None,
        p_value: h.p_value,
        conf_low: h.conf_low,
        conf_high: h.conf_high,
        level: args.level,
        inference: &fitted.inference,
        weights: WeightsOut::new(args.weight_column.as_deref(), true),
        aggregate: match aggregate {
            AggregateArg::Simple => "simple",
            AggregateArg::Group => "group",
            AggregateArg::Dynamic => "dynamic",
            AggregateArg::Calendar => "calendar",
        },
        counterfactual: &fitted.counterfactual,
        group_time: &fitted.att_gt,
        event_study: fitted.dynamic.as_ref(),
        group: fitted.group.as_ref(),
        calendar: fitted.calendar.as_ref(),
        pretest: fitted.pretest.as_ref(),
        tidy: fitted.tidy(),
        glance: fitted.glance(),
        cs: &fitted,
        dropped_rows: ds.dropped,
        warnings,
        checks: fitted
            .pretest
            .as_ref()
            .and_then(|p| p.check(fitted.dynamic.as_ref(), 1.0 - args.level))
            .into_iter()
            .collect(),
    };
    args.run.emit(&out, |o| print_cs(o, aggregate))
}

/// One line of the table on units, rows or periods the Callaway–Sant'Anna data checks dropped
/// or recoded (the same facts as `cs.dropped[]` in the JSON).
fn dropped_line(d: &effekt_did::cs::CsDropped) -> String {
    use effekt_did::cs::DropReason;
    let what = match d.reason {
        DropReason::Unbalanced => format!(
            "dropped: {} unit(s) ({} rows) not observed in every period, to balance the panel; \
             --sampling unbalanced-panel keeps them",
            d.units, d.rows
        ),
        DropReason::AlreadyTreated => format!(
            "dropped: {} unit(s) ({} rows) already treated in the first period (no \
             pre-treatment period)",
            d.units, d.rows
        ),
        DropReason::NoControlsInLatePeriods => format!(
            "dropped: {} row(s) of the periods without not-yet-treated controls",
            d.rows
        ),
        DropReason::TreatedAfterLastPeriod => format!(
            "recoded: {} unit(s) first treated after the last period count as never treated",
            d.units
        ),
    };
    let detail = match d.reason {
        DropReason::NoControlsInLatePeriods => format!(": {}", d.detail),
        _ => String::new(),
    };
    if d.examples.is_empty() {
        format!("{what}{detail}")
    } else {
        format!("{what}{detail} (e.g. {})", d.examples.join(", "))
    }
}

fn print_cs(o: &CsOutput<'_>, aggregate: AggregateArg) {
    let f = o.cs;
    outln!("Difference-in-differences (cs): {}", o.description);
    outln!(
        "  {} units ({} never treated), {} rows, {} periods{}",
        f.n_units,
        f.n_never_treated,
        f.n_rows,
        f.periods.len(),
        f.n_clusters
            .map(|g| format!(", {g} clusters"))
            .unwrap_or_default()
    );
    let c: Vec<String> = f
        .cohorts
        .iter()
        .map(|c| format!("{} ({} units)", c.cohort, c.units))
        .collect();
    outln!("  first treated: {}", c.join(", "));
    for d in &f.dropped {
        outln!("  {}", dropped_line(d));
    }
    if o.weights.weighted {
        outln!("  weights: {}", o.weights.description);
    }
    outln!();
    outln!("  effect ({})", o.term);
    outln!("    estimate   {:>12.6}", o.estimate);
    outln!("    std. error {:>12}", num(o.std_error));
    outln!(
        "    {:.0}% CI     [{}, {}]   p = {}",
        o.level * 100.0,
        num(o.conf_low),
        num(o.conf_high),
        num(o.p_value)
    );
    outln!("  inference: {}", o.inference.method);
    outln!("    why: {}", o.inference.reason);
    let agg = match aggregate {
        AggregateArg::Simple => None,
        AggregateArg::Group => o.group,
        AggregateArg::Dynamic => o.event_study,
        AggregateArg::Calendar => o.calendar,
    };
    if let Some(a) = agg {
        outln!();
        outln!(
            "  aggregation {} (overall {:.6}, SE {}):",
            o.aggregate,
            a.overall.estimate,
            num(a.overall.std_error)
        );
        outln!(
            "  {:>10} {:>12} {:>12} {:>12} {:>12}",
            "key",
            "estimate",
            "std. error",
            "band low",
            "band high"
        );
        for r in &a.rows {
            outln!(
                "  {:>10} {:>12.6} {:>12} {:>12} {:>12}",
                r.key,
                r.effect.estimate,
                num(r.effect.std_error),
                num(r.effect.band_low),
                num(r.effect.band_high)
            );
        }
    }
    outln!();
    outln!(
        "  {:>10} {:>8} {:>12} {:>14} {:>12} {:>12}",
        "period",
        "treated",
        "observed",
        "counterfactual",
        "effect",
        "comparison"
    );
    for r in o.counterfactual {
        outln!(
            "  {:>10} {:>8} {:>12.6} {:>14.6} {:>12.6} {:>12.6}",
            r.period,
            r.n_treated,
            r.counterfactual.treated_observed,
            r.counterfactual.treated_counterfactual,
            r.effect,
            r.counterfactual.control
        );
    }
    if let Some(p) = o.pretest {
        outln!(
            "  pre-test (all pre-treatment ATT(g,t) = 0): chi2 = {:.3} on {} df, p = {:.4}",
            p.statistic,
            p.df,
            p.p_value
        );
    }
    super::matching::print_checks(&o.checks);
    for w in &o.warnings {
        outln!("  warning: {w}");
    }
}
