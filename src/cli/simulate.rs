//! `effekt simulate`: write synthetic evaluation data (IHF, TFCO, cluster-randomised,
//! staggered adoption) with the true effects in a JSON sidecar beside it.

use crate::cli::common::{CliError, CliResult};
use crate::cli::input;
use crate::cli::output::{self, outln};
use crate::cli::power::power_error;
use effekt_power::dgp::{
    Assignment, ClusterRctConfig, DgpConfig, IhfConfig, Population, StaggeredConfig, TfcoConfig,
    config_from_toml, generate_seeded, to_csv,
};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which data set to generate.
    #[arg(value_enum)]
    pub kind: Kind,
    /// Units: families (ihf), youths (tfco), clusters (cluster-rct), units (staggered).
    #[arg(long)]
    pub n: Option<usize>,
    /// Effect: ihf = added probability of closing to a lower level by the last wave (0.12 =
    /// 12 points); tfco = hazard ratio of moving to a lower intensity; cluster-rct = difference
    /// in SD units; staggered = effect at adoption.
    #[arg(long)]
    pub effect: Option<f64>,
    /// Seed (the data use random stream (seed, simulation, 0)).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output CSV; the true effects go to the same name with .json.
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
    /// Full generator configuration in TOML (fields of the generator's config; command-line
    /// options override it).
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// Municipalities (ihf, tfco).
    #[arg(long)]
    pub municipalities: Option<usize>,
    /// Measurement waves including intake, 2-4 (ihf).
    #[arg(long)]
    pub waves: Option<u32>,
    /// Treatment assignment (ihf, tfco).
    #[arg(long, value_enum)]
    pub assignment: Option<AssignmentArg>,
    /// Share treated (ihf, tfco, cluster-rct).
    #[arg(long)]
    pub share: Option<f64>,
    /// Strength of selection on baseline risk and age (observational assignment), 0 to 20.
    #[arg(long)]
    pub selection: Option<f64>,
    /// Mean cluster size (cluster-rct).
    #[arg(long)]
    pub cluster_size: Option<usize>,
    /// Intraclass correlation (cluster-rct).
    #[arg(long)]
    pub icc: Option<f64>,
    /// Periods (staggered).
    #[arg(long)]
    pub periods: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// Intensive home-based family treatment: families x waves.
    Ihf,
    /// Treatment Foster Care Oregon: youths in placement.
    Tfco,
    /// Generic cluster-randomised trial.
    ClusterRct,
    /// Staggered-adoption panel.
    Staggered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AssignmentArg {
    /// Individually randomised.
    Randomised,
    /// Randomised by municipality.
    Municipality,
    /// Observational: selection on baseline risk and age (matching needed).
    Observational,
}

fn read_config<T: serde::de::DeserializeOwned + Default>(path: Option<&Path>) -> CliResult<T> {
    match path {
        None => Ok(T::default()),
        Some(p) => {
            let text = input::read_text(p, "the --config file")?;
            config_from_toml(&text).map_err(|e| CliError::bad_msg(format!("{}: {e}", p.display())))
        }
    }
}

fn assignment(current: Assignment, a: &Args) -> Assignment {
    let (share0, sel0) = match current {
        Assignment::Individual { share } | Assignment::Municipality { share } => (share, 1.0),
        Assignment::Observational { share, selection } => (share, selection),
    };
    let share = a.share.unwrap_or(share0);
    let selection = a.selection.unwrap_or(sel0);
    match a.assignment {
        Some(AssignmentArg::Randomised) => Assignment::Individual { share },
        Some(AssignmentArg::Municipality) => Assignment::Municipality { share },
        Some(AssignmentArg::Observational) => Assignment::Observational { share, selection },
        None => match current {
            Assignment::Individual { .. } => Assignment::Individual { share },
            Assignment::Municipality { .. } => Assignment::Municipality { share },
            Assignment::Observational { .. } => Assignment::Observational { share, selection },
        },
    }
}

fn reject(a: &Args, allowed: &[&str]) -> CliResult {
    let given = [
        ("--municipalities", a.municipalities.is_some()),
        ("--waves", a.waves.is_some()),
        ("--assignment", a.assignment.is_some()),
        ("--selection", a.selection.is_some()),
        ("--cluster-size", a.cluster_size.is_some()),
        ("--icc", a.icc.is_some()),
        ("--periods", a.periods.is_some()),
        ("--share", a.share.is_some()),
    ];
    for (name, set) in given {
        if set && !allowed.contains(&name) {
            return Err(CliError::bad_msg(format!(
                "{name} does not apply to this data set"
            )));
        }
    }
    Ok(())
}

pub fn run(a: Args) -> CliResult {
    let sidecar = a.out.with_extension("json");
    if sidecar == a.out {
        return Err(CliError::bad_msg(format!(
            "--out {}: give the CSV file name (e.g. data.csv); the true effects are written to \
             the same name with .json",
            a.out.display()
        )));
    }
    if let Ok(meta) = std::fs::metadata(&a.out)
        && !meta.is_file()
        && !meta.is_dir()
    {
        return Err(CliError::bad_msg(format!(
            "--out {}: that is {}; the true effects are written beside the data ({}), so give \
             the name of a CSV file in a directory of your own",
            a.out.display(),
            output::describe_kind(&meta),
            sidecar.display()
        )));
    }
    let mut plan = output::Plan::new()
        .file("--out", Some(&a.out))
        .file("the true-effects sidecar of --out", Some(&sidecar));
    if let Some(c) = &a.config {
        plan = plan.input("--config", c);
    }
    plan.check()?;
    let cfg_path = a.config.as_deref();
    let config = match a.kind {
        Kind::Ihf => {
            reject(
                &a,
                &[
                    "--municipalities",
                    "--waves",
                    "--assignment",
                    "--selection",
                    "--share",
                ],
            )?;
            let mut c: IhfConfig = read_config(cfg_path)?;
            c.families = a.n.unwrap_or(c.families);
            c.effect = a.effect.unwrap_or(c.effect);
            c.municipalities = a.municipalities.unwrap_or(c.municipalities);
            c.waves = a.waves.unwrap_or(c.waves);
            c.assignment = assignment(c.assignment, &a);
            DgpConfig::Ihf(c)
        }
        Kind::Tfco => {
            reject(
                &a,
                &["--municipalities", "--assignment", "--selection", "--share"],
            )?;
            let mut c: TfcoConfig = read_config(cfg_path)?;
            c.youths = a.n.unwrap_or(c.youths);
            c.hazard_ratio = a.effect.unwrap_or(c.hazard_ratio);
            c.municipalities = a.municipalities.unwrap_or(c.municipalities);
            c.assignment = assignment(c.assignment, &a);
            DgpConfig::Tfco(c)
        }
        Kind::ClusterRct => {
            reject(&a, &["--cluster-size", "--icc", "--share"])?;
            let mut c: ClusterRctConfig = read_config(cfg_path)?;
            c.clusters = a.n.unwrap_or(c.clusters);
            c.effect = a.effect.unwrap_or(c.effect);
            c.cluster_size = a.cluster_size.unwrap_or(c.cluster_size);
            c.icc = a.icc.unwrap_or(c.icc);
            c.share = a.share.unwrap_or(c.share);
            DgpConfig::ClusterRct(c)
        }
        Kind::Staggered => {
            reject(&a, &["--periods"])?;
            let mut c: StaggeredConfig = read_config(cfg_path)?;
            c.units = a.n.unwrap_or(c.units);
            c.effect = a.effect.unwrap_or(c.effect);
            c.periods = a.periods.unwrap_or(c.periods);
            DgpConfig::Staggered(c)
        }
    };
    let sim = generate_seeded(&config, a.seed).map_err(power_error)?;
    output::write_file(&a.out, to_csv(&sim.table).as_bytes())?;
    output::write_json(&sidecar, &sim.truth)?;
    let t = &sim.truth;
    outln!(
        "Wrote {} ({} rows, {} units, {} treated) and the true effects to {}",
        a.out.display(),
        t.n_rows,
        t.n_units,
        t.n_treated,
        sidecar.display()
    );
    outln!("Data-generating process: {} (seed {})", t.dgp, a.seed);
    let main: Vec<(String, f64, &str)> = match a.kind {
        Kind::Ihf => {
            let last = t.estimands.iter().filter_map(|e| e.wave).max();
            [
                "closed_lower_level",
                "goals_met",
                "parent_rating",
                "problem_score",
            ]
            .iter()
            .flat_map(|o| {
                [(Population::All, "ATE"), (Population::Treated, "ATT")]
                    .into_iter()
                    .filter_map(move |(p, n)| {
                        t.find(o, p, last)
                            .map(|v| (format!("{o} (wave {})", last.unwrap_or(0)), v, n))
                    })
            })
            .collect()
        }
        Kind::Tfco => [(Population::All, "ATE"), (Population::Treated, "ATT")]
            .into_iter()
            .filter_map(|(p, n)| {
                t.find("moved_lower_intensity", p, None)
                    .map(|v| ("moved_lower_intensity".to_string(), v, n))
            })
            .collect(),
        _ => t
            .estimands
            .iter()
            .filter(|e| e.wave.is_none())
            .map(|e| {
                (
                    e.outcome.clone(),
                    e.value,
                    if e.population == Population::All {
                        "ATE"
                    } else {
                        "ATT"
                    },
                )
            })
            .collect(),
    };
    outln!("True effects (exact, from the model):");
    for (o, v, n) in main {
        outln!("  {n} {o:<32} {v:+.4}");
    }
    Ok(())
}
