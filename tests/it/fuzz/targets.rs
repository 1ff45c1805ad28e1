//! The fuzz targets (run inside the worker process) and their seeds (shipped files).

use effekt_data::{MissingPolicy, ReadOptions, read_table};
use effekt_power::sim::builtin::SimulationConfig;
use effekt_report::Study;
use std::path::{Path, PathBuf};

/// What one input did. `Bad` breaks the property (the message says how); `Ok` and `Err` with
/// a message are both fine.
pub enum Verdict {
    Ok,
    Err,
    Bad(String),
}

/// The targets: a name (also the corpus directory) and the file extensions of its inputs.
pub const TARGETS: &[(&str, &[&str])] = &[
    ("csv", &["csv"]),
    ("sheet", &["xlsx", "ods"]),
    ("study", &["toml"]),
    ("power", &["toml"]),
];

/// An `Err`'s message must say something.
fn error_message<E: std::fmt::Display + std::fmt::Debug>(what: &str, e: &E) -> Verdict {
    let shown = e.to_string();
    if shown.trim().is_empty() {
        Verdict::Bad(format!(
            "{what} returned an error with an empty message: {e:?}"
        ))
    } else {
        Verdict::Err
    }
}

/// Run `target` on `bytes` (`ext`: the input's file extension); `scratch` is a private
/// directory for the input file.
pub fn run(target: &str, ext: &str, bytes: &[u8], scratch: &Path) -> Verdict {
    match target {
        "csv" | "sheet" => read_file(ext, bytes, scratch),
        "study" => study(bytes),
        "power" => power(bytes),
        other => Verdict::Bad(format!("unknown fuzz target {other:?}")),
    }
}

/// effekt-data's `read_table` on the bytes saved as `input.EXT`, with the options chosen from
/// the input's length (auto-detection most of the time); on success every column is read back.
fn read_file(ext: &str, bytes: &[u8], scratch: &Path) -> Verdict {
    let path = scratch.join(format!("input.{ext}"));
    if let Err(e) = std::fs::write(&path, bytes) {
        return Verdict::Bad(format!(
            "fuzz harness: cannot write {}: {e}",
            path.display()
        ));
    }
    let mut options = ReadOptions::default();
    match bytes.len() % 7 {
        0 => options.delimiter = Some(';'),
        1 => options.decimal = Some(effekt_data::Decimal::Comma),
        2 => options.sheet = Some("Sheet2".into()),
        _ => {}
    }
    match read_table(&path, &options) {
        Ok(table) => {
            let names: Vec<String> = table.column_names().iter().map(|s| s.to_string()).collect();
            for name in &names {
                let col = match table.column(name) {
                    Ok(c) => c,
                    Err(e) => return Verdict::Bad(format!("column {name:?} listed but: {e}")),
                };
                for i in 0..col.data.len().min(50) {
                    let _ = col.data.display(i);
                }
                let _ = table.numeric(name);
            }
            if table.nrows() > 0 {
                let _ = table.row_number(table.nrows() - 1);
            }
            select(&table, &names, bytes.len())
        }
        Err(e) => error_message("read_table", &e),
    }
}

/// effekt-data's `select` with roles given to the table's columns in turn (which column gets
/// which role rotates with `salt`), as every subcommand calls it after reading.
fn select(table: &effekt_data::Table, names: &[String], salt: usize) -> Verdict {
    if names.is_empty() {
        return Verdict::Ok;
    }
    let col = |k: usize| Some(names[(salt + k) % names.len()].clone());
    let roles = effekt_data::Roles {
        outcome: col(0),
        treatment: col(1),
        group: None,
        unit: if salt.is_multiple_of(3) { col(2) } else { None },
        time: if salt.is_multiple_of(3) { col(3) } else { None },
        cluster: if salt % 3 == 1 { col(2) } else { None },
        strata: if salt % 5 == 2 { col(3) } else { None },
        weights: if salt % 5 == 3 { col(4) } else { None },
        covariates: (2..names.len().min(6)).filter_map(col).collect(),
    };
    let missing = if salt.is_multiple_of(2) {
        MissingPolicy::Drop
    } else {
        MissingPolicy::Error
    };
    // the file was read: a clear refusal of these roles still counts as parsed
    match table.select(&roles, missing) {
        Ok(_) => Verdict::Ok,
        Err(e) => match error_message("Table::select", &e) {
            Verdict::Err => Verdict::Ok,
            other => other,
        },
    }
}

/// effekt-report's study parser (as `effekt run` calls it), then what the runner asks of a
/// parsed study before reading data.
fn study(bytes: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(bytes);
    match Study::parse(&text, "study.toml") {
        Ok(study) => {
            let _ = study.outcome_names();
            let _ = study.resolved_outcomes();
            let _ = study.named_columns();
            let _ = study.locate("data.path");
            Verdict::Ok
        }
        Err(e) => error_message("Study::parse", &e),
    }
}

/// effekt-power's simulation config (as `effekt power simulate --config` reads it): parse,
/// check, prepare the analysis and describe it — everything before the first simulation.
fn power(bytes: &[u8]) -> Verdict {
    let text = String::from_utf8_lossy(bytes);
    match SimulationConfig::from_toml_str(&text) {
        Ok(cfg) => {
            if let Err(e) = cfg.check() {
                return error_message("SimulationConfig::check", &e);
            }
            let _ = cfg.options();
            match cfg.prepared() {
                Ok(p) => {
                    let _ = p.describe();
                    Verdict::Ok
                }
                Err(e) => error_message("SimulationConfig::prepared", &e),
            }
        }
        Err(e) => error_message("SimulationConfig::from_toml_str", &e),
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The regression corpus of `target`: `tests/fuzz/corpus/<target>/` (inputs that once failed,
/// or that reach a path worth keeping), replayed by every `cargo test`.
pub fn corpus_dir(target: &str) -> PathBuf {
    root().join("tests/fuzz/corpus").join(target)
}

/// Files in `dir` (not recursive) with one of `exts`, sorted.
fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .and_then(|e| e.to_str())
                            .is_some_and(|e| exts.contains(&e))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Largest seed used whole; longer CSV files contribute their first [`SEED_LINES`] lines.
const SEED_BYTES: usize = 64 * 1024;
const SEED_LINES: usize = 300;

/// The seeds of `target`: shipped files of its kind and its corpus, as (extension, bytes).
pub fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let r = root();
    let mut paths: Vec<PathBuf> = Vec::new();
    match target {
        "csv" => {
            paths.extend(files(&r.join("datasets"), &["csv"]));
            for c in crates() {
                paths.extend(files(&c.join("tests/fixtures"), &["csv"]));
            }
        }
        "sheet" => {
            for c in crates() {
                paths.extend(files(&c.join("tests/fixtures"), &["xlsx", "ods"]));
            }
        }
        "study" => {
            for d in subdirs(&r.join("datasets")) {
                paths.extend(files(&d, &["toml"]));
            }
            let fx = r.join("crates/effekt-report/tests/fixtures");
            paths.extend(files(&fx, &["toml"]));
            for d in subdirs(&fx) {
                paths.extend(files(&d, &["toml"]));
            }
        }
        "power" => paths.extend(files(&r.join("crates/effekt-power/configs"), &["toml"])),
        _ => {}
    }
    let exts = TARGETS
        .iter()
        .find(|(t, _)| *t == target)
        .map_or(&[][..], |(_, e)| e);
    paths.extend(files(&corpus_dir(target), exts));
    paths
        .into_iter()
        .filter_map(|p| {
            let ext = p.extension()?.to_str()?.to_string();
            let mut bytes = std::fs::read(&p).ok()?;
            if ext == "csv" && bytes.len() > SEED_BYTES {
                let cut = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .nth(SEED_LINES)
                    .map_or(SEED_BYTES, |(i, _)| i + 1);
                bytes.truncate(cut);
            }
            Some((ext, bytes))
        })
        .collect()
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn crates() -> Vec<PathBuf> {
    subdirs(&root().join("crates"))
}
