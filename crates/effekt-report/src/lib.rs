//! Effect-versus-counterfactual reports: study files, the runner, HTML / Markdown / JSON output
//! with SVG plots, in English and Swedish.
//!
//! An evaluator's deliverable is not a coefficient but a report a social-services committee can
//! read: what the intervention changed compared with what would have happened without it, how
//! sure we are, for whom (girls and boys, women and men), and whether the design holds up. This
//! crate turns a study file (TOML) and its data into that report.
//!
//! # Design
//!
//! * **A neutral document model** ([`model::Report`], versioned by [`model::SCHEMA_VERSION`] and
//!   documented in `crates/effekt-report/docs/report-schema.md`) holds everything the report says. Renderers
//!   ([`render`]) take only the model: self-contained HTML with inline CSS and inline SVG plots
//!   (no external resources, opens offline, prints well), Markdown, and JSON (the model itself).
//! * **Estimation is behind adapters** ([`adapt`]), one per design, and the report holds no
//!   estimator of its own: randomised designs go through effekt-rct (estimatr's definitions,
//!   randomisation inference, 2×2 measures, the design's bootstrap), matching and weighting
//!   through effekt-matching (MatchIt's definitions, balance, IPW/AIPW beside the match),
//!   difference in differences through effekt-did (TWFE, event study, Callaway–Sant'Anna, wild
//!   cluster bootstrap, Goodman-Bacon). Each adapter fills an [`analysis::OutcomeEstimate`] —
//!   the effect, its interval and p-value, the counterfactual, tidy rows, bootstrap replicates,
//!   balance, event-study coefficients, the design's trajectory — and chooses what the report
//!   shows (which interval heads it, which alternatives sit beside it). Subgroups are analysed
//!   with the interaction regression (randomised designs) or by re-fitting the design within
//!   each level (matching, DiD), with a test that the effects differ.
//! * **Privacy by default** ([`build`]): no individual-level rows anywhere; any count or
//!   statistic based on fewer individuals than the threshold (default 5, never below 3) is
//!   suppressed, whole breakdowns when one level is small (secondary suppression), and every
//!   suppression is listed in the report.
//! * **Two languages** ([`i18n`]): every fixed text is in one catalogue with English and Swedish
//!   side by side; Swedish uses the evaluators' terms and Swedish number formatting.
//! * **Errors name the line.** Study files reject unknown keys, options of another design and
//!   bad values; a column missing from the data, or contract shares that do not sum to 1, are
//!   reported with the study-file key and its line ([`study`], [`locate`]).
//! * **Reproducible.** The report carries a manifest: data and study SHA-256, seed, replicates,
//!   effekt version and the full resolved study configuration; the JSON holds nothing that
//!   varies between runs with the same seed.
//!
//! # Example
//! ```
//! use effekt_report::{RunInputs, RunOptions, NoProgress, Study, run_study, render::render_all};
//! use effekt_data::{ReadOptions, read_csv_str};
//!
//! let study = Study::parse(r#"
//!     [study]
//!     intervention = "IHF"
//!     units = "families"
//!     [data]
//!     path = "pilot.csv"
//!     treatment = "ihf"
//!     [design]
//!     kind = "rct"
//!     [[outcomes]]
//!     column = "closed"
//!     template = "closed_lower_level"
//!     [inference]
//!     bootstrap = 199
//!     seed = 7
//! "#, "study.toml")?;
//! let mut csv = String::from("ihf,closed\n");
//! for i in 0..40 {
//!     csv.push_str(&format!("{},{}\n", i % 2, u8::from(i % 3 == 0 || (i % 2 == 1 && i % 5 == 0))));
//! }
//! let table = read_csv_str("pilot.csv", &csv, &ReadOptions::default())?;
//! let inputs = RunInputs {
//!     study: &study,
//!     table: &table,
//!     data_file: "pilot.csv",
//!     data_sha256: effekt_report::sha256_hex(csv.as_bytes()),
//!     study_sha256: String::new(),
//! };
//! let report = run_study(&inputs, &RunOptions::default(), &NoProgress)?;
//! let headline = report.outcomes[0].headline.as_ref().unwrap();
//! assert!(headline.sentence.contains("percentage points"));
//! let files = render_all(&report, &study.config.report.formats)?;
//! assert!(files[0].content.contains("<svg"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod adapt;
pub mod analysis;
pub mod build;
mod error;
pub mod i18n;
pub mod locate;
pub mod methods;
pub mod model;
pub mod plots;
pub mod render;
pub mod runner;
pub mod study;
pub mod templates;

pub use error::{MissingColumn, ReportError, StudyLocation};
pub use i18n::Language;
pub use model::{Report, SCHEMA_VERSION};
pub use render::{RenderedFile, render, render_all};
pub use runner::{NoProgress, ProgressSink, RunInputs, RunOptions, run_study, sha256_hex};
pub use study::{Format, Study, StudyConfig};
