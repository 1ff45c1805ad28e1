//! `effekt run STUDY --out DIR [--lang en|sv]`: the main job. Reads the study file and its data,
//! runs effekt-report's runner and writes `report.html`, `report.md` and `report.json`
//! (atomically) into the output directory.

use crate::cli::common::{CliError, CliResult, Progress, parse_threads, with_threads};
use crate::cli::input;
use crate::cli::output::{self, Plan, outln};
use effekt_report::{Format, Language, ProgressSink, ReportError, RunInputs, RunOptions, Study};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const EXAMPLES: &str = "Examples:
  effekt run datasets/ihf/study.toml --out report/
  effekt run study.toml --out rapport/ --lang sv";

/// Run a study file and write the report of effects versus counterfactuals.
///
/// The study file (TOML) names the data file (relative to the study file), the design, the
/// outcomes, subgroups, inference settings, an optional outcome contract and the report's
/// language and formats. See crates/effekt-report/docs/report-schema.md for a full annotated example.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Study file (TOML).
    #[arg(value_name = "STUDY")]
    pub study: PathBuf,
    /// Output directory (created if missing); report.html, report.md and report.json are
    /// written there.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Report language; overrides `report.language` in the study file.
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
    /// Worker threads for the bootstrap, 1 to 1024 (all cores when omitted; results do not
    /// depend on it).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LangArg {
    En,
    Sv,
}

/// Progress bars for the runner's long steps.
struct Bars {
    current: Mutex<Option<Progress>>,
}

impl ProgressSink for Bars {
    fn start(&self, label: &str, total: u64) {
        if let Ok(mut c) = self.current.lock() {
            *c = Some(Progress::new(total, label));
        }
    }
    fn tick(&self, n: u64) {
        if let Ok(c) = self.current.lock()
            && let Some(p) = c.as_ref()
        {
            p.tick(n);
        }
    }
    fn finish(&self) {
        if let Ok(mut c) = self.current.lock()
            && let Some(p) = c.take()
        {
            p.finish();
        }
    }
}

/// The data file's bytes (for its SHA-256 in the manifest): a regular file only, so a FIFO
/// named in data.path is refused instead of blocking the run.
fn read_data_bytes(study: &Study, data_path: &Path) -> CliResult<Vec<u8>> {
    let at = study.locate("data.path");
    if let Ok(meta) = std::fs::metadata(data_path)
        && !meta.is_file()
    {
        return Err(CliError::bad_msg(format!(
            "{at}: the data file {} is {}, not a regular file",
            data_path.display(),
            output::describe_kind(&meta)
        )));
    }
    std::fs::read(data_path).map_err(|e| {
        CliError::bad_msg(format!(
            "{at}: cannot read the data file {} (paths are relative to the study file): {e}",
            data_path.display()
        ))
    })
}

fn report_error(e: ReportError) -> CliError {
    if e.is_bad_input() {
        CliError::bad(e)
    } else {
        CliError::internal(e)
    }
}

/// Every file name a report can have (all formats): each is replaced or removed with the
/// report, so none may be an input, a link or a special file.
fn report_files() -> [&'static str; 3] {
    [Format::Html, Format::Markdown, Format::Json].map(Format::file_name)
}

pub fn run(args: Args) -> CliResult {
    let report_files = report_files();
    // Checked before the study is even read (and again with the data file below), so a wrong
    // --out does not cost the whole run.
    Plan::new()
        .input("the study file", &args.study)
        .report_dir(&args.out, &report_files)
        .check()?;
    let text = input::read_text(&args.study, "the study file")?;
    let study_name = args.study.display().to_string();
    let study = Study::parse(&text, &study_name).map_err(report_error)?;

    // Data: relative to the study file.
    let base = args
        .study
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let data_path = base.join(&study.config.data.path);
    Plan::new()
        .input("the study file", &args.study)
        .input("the data file (data.path)", &data_path)
        .report_dir(&args.out, &report_files)
        .check()?;
    let data_bytes = read_data_bytes(&study, &data_path)?;
    let options = effekt_data::ReadOptions {
        delimiter: study.config.data.delimiter,
        decimal: study.config.data.decimal,
        sheet: study.config.data.sheet.clone(),
        max_cells: study.config.data.max_cells,
    };
    let table = effekt_data::read_table(&data_path, &options)?;
    let data_file = data_path.display().to_string();
    let inputs = RunInputs {
        study: &study,
        table: &table,
        data_file: &data_file,
        data_sha256: effekt_report::sha256_hex(&data_bytes),
        study_sha256: effekt_report::sha256_hex(text.as_bytes()),
    };
    let run_options = RunOptions {
        language: args.lang.map(|l| match l {
            LangArg::En => Language::En,
            LangArg::Sv => Language::Sv,
        }),
    };
    let bars = Bars {
        current: Mutex::new(None),
    };
    let report = with_threads(args.threads, || {
        effekt_report::run_study(&inputs, &run_options, &bars)
    })?
    .map_err(report_error)?;
    let files =
        effekt_report::render_all(&report, &study.config.report.formats).map_err(report_error)?;

    let contents: Vec<(&'static str, &[u8])> = files
        .iter()
        .map(|f| (f.file_name, f.content.as_bytes()))
        .collect();
    output::report::write_report(&args.out, &contents, &report_files)?;

    // A short readable summary on stdout, every label in the report's language.
    use effekt_report::i18n::console;
    let lang = report.language;
    outln!("{}", report.title);
    for o in &report.outcomes {
        match &o.headline {
            Some(h) => {
                outln!(
                    "\n{}\n  {}\n  {}",
                    o.label,
                    h.sentence,
                    h.counterfactual_sentence
                );
                for c in o.checks.iter().filter(|c| c.check.raised()) {
                    outln!(
                        "  ⚠ {}: {}",
                        effekt_report::i18n::checks::verdict_label(c.check.verdict(), lang),
                        c.text
                    );
                }
                outln!(
                    "  {}: {} ({})",
                    console::INFERENCE.get(lang),
                    o.inference.method,
                    o.inference.reason
                );
            }
            None => outln!(
                "\n{}\n  {}",
                o.label,
                console::suppressed_outcome(report.privacy.threshold, lang)
            ),
        }
    }
    if !report.privacy.suppressions.is_empty() {
        outln!(
            "\n{}",
            console::suppressed_count(report.privacy.suppressions.len(), lang)
        );
    }
    outln!();
    for f in &files {
        outln!(
            "{} {}",
            console::WROTE.get(lang),
            args.out.join(f.file_name).display()
        );
    }
    Ok(())
}
