//! Proof by enumeration that no suppressed count can be derived from a report.
//!
//! The audit reads only `report.json` (as a reader of the report would) and the data file's
//! shape (rows, units, rows of the analysed wave: what decides whether an outsider's guess
//! "the panel is balanced" is right). It extracts every published count — exact, suppressed
//! (`null`, known to be 1 … k − 1) or coarsened (`{"low", "high"}`) — every share of a 0/1
//! outcome with its denominator, and the links between counts the report's definitions imply
//! (a total and its parts). Then it checks, independently of the report's own engine:
//!
//! * **one subtraction**: for every link and every suppressed or coarsened member, the
//!   interval the other members give (exact values, 1 … k − 1 for suppressed ones; coarsened
//!   ranges and the rows of the analysed wave, which the report does not show, as narrowed by
//!   the other links — a total recomputed from its published parts) does not pin it to one
//!   value;
//! * **one multiplication**: no share × its exact denominator (observed, comparison and
//!   counterfactual means, the 2×2 risks, trajectory points, subgroup levels; the JSON's full
//!   precision, stronger than any rounded display) gives 1 … k − 1 individuals with or without
//!   the outcome, and a coarsened denominator does not single one out;
//! * no count of 1 … k − 1 is published exactly (JSON or the subgroup notes);
//! * every coarsening is listed and the privacy statement says counts were rounded.
//!
//! It runs on the shipped example studies (resampling replicates lowered: no count or share
//! depends on them) and on constructed studies with small cells in each place, in English and
//! Swedish.

use effekt_data::{ReadOptions, Table, read_csv_str, read_table};
use effekt_report::{
    Format, Language, NoProgress, RunInputs, RunOptions, Study, render, run_study,
};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// What an outsider knows of a count: an interval (`hi` may be infinite).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Known {
    Exact(f64),
    Suppressed,
    Range(f64, f64),
    /// Not published (the rows of the analysed wave) or published only as "about …".
    Unknown,
}

struct Audit {
    k: f64,
    names: Vec<String>,
    known: Vec<Known>,
    index: HashMap<String, usize>,
    /// Σ coefficient × cell = 0, with where it comes from.
    links: Vec<(Vec<(usize, f64)>, String)>,
    /// (share, denominator cell, what).
    shares: Vec<(f64, usize, String)>,
    problems: Vec<String>,
}

fn known(v: &Value) -> Known {
    match v {
        Value::Null => Known::Suppressed,
        Value::Number(n) => Known::Exact(n.as_f64().unwrap()),
        Value::Object(o) => Known::Range(
            o["low"].as_f64().unwrap(),
            o["high"].as_f64().unwrap_or(f64::INFINITY),
        ),
        other => panic!("not a count: {other}"),
    }
}

impl Audit {
    fn new(k: u32) -> Self {
        Self {
            k: f64::from(k),
            names: Vec::new(),
            known: Vec::new(),
            index: HashMap::new(),
            links: Vec::new(),
            shares: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn cell(&mut self, name: &str, what: Known) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        if let Known::Exact(v) = what
            && v >= 1.0
            && v < self.k
        {
            self.problems.push(format!(
                "{name} = {v} is published although below {}",
                self.k
            ));
        }
        self.names.push(name.to_string());
        self.known.push(what);
        self.index.insert(name.to_string(), self.names.len() - 1);
        self.names.len() - 1
    }

    fn count(&mut self, name: &str, v: &Value) -> usize {
        self.cell(name, known(v))
    }

    /// `total = Σ coefficient × part`.
    fn link(&mut self, total: usize, parts: &[(usize, f64)], what: &str) {
        let mut terms = vec![(total, 1.0)];
        terms.extend(parts.iter().map(|&(p, a)| (p, -a)));
        self.links.push((terms, what.to_string()));
    }

    fn interval(&self, i: usize, virtual_: &[(f64, f64)]) -> (f64, f64) {
        match self.known[i] {
            Known::Exact(v) => (v, v),
            Known::Suppressed => (1.0, self.k - 1.0),
            Known::Range(..) | Known::Unknown => virtual_[i],
        }
    }

    /// The interval of member `j` of link `terms` given the other members.
    fn solve(&self, terms: &[(usize, f64)], j: usize, v: &[(f64, f64)]) -> (f64, f64) {
        let (mut lo, mut hi) = (0.0, 0.0);
        let mut aj = 0.0;
        for &(i, a) in terms {
            if i == j {
                aj += a;
                continue;
            }
            let (l, h) = self.interval(i, v);
            let (tl, th) = if a >= 0.0 {
                (a * l, a * h)
            } else {
                (a * h, a * l)
            };
            lo += tl;
            hi += th;
        }
        // aj·x = −(rest)
        let (xl, xh) = if aj > 0.0 {
            (-hi / aj, -lo / aj)
        } else {
            (-lo / aj, -hi / aj)
        };
        (xl.ceil(), xh.floor())
    }

    fn check(&mut self) {
        // What the published counts say of the unpublished and coarsened ones (a total
        // recomputed from its published parts, one step from each link).
        let mut v: Vec<(f64, f64)> = self
            .known
            .iter()
            .map(|k| match *k {
                Known::Range(lo, hi) => (lo, hi),
                _ => (0.0, f64::INFINITY),
            })
            .collect();
        for _ in 0..3 {
            for (terms, _) in &self.links {
                for &(j, _) in terms {
                    if matches!(self.known[j], Known::Unknown | Known::Range(..)) {
                        let (l, h) = self.solve(terms, j, &v);
                        v[j] = (v[j].0.max(l), v[j].1.min(h));
                    }
                }
            }
        }
        let mut problems = Vec::new();
        for (terms, what) in &self.links {
            for &(j, _) in terms {
                let own = match self.known[j] {
                    Known::Suppressed | Known::Range(..) => self.interval(j, &v),
                    _ => continue,
                };
                let (l, h) = self.solve(terms, j, &v);
                let (l, h) = (l.max(own.0), h.min(own.1));
                if l >= h {
                    problems.push(format!(
                        "{} = {l} follows from {what} ({})",
                        self.names[j],
                        terms
                            .iter()
                            .map(|&(i, a)| format!("{a}·{}={:?}", self.names[i], self.known[i]))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        for (share, n, what) in &self.shares {
            let small =
                |e: f64, n: f64| (e >= 1.0 && e < self.k) || (n - e >= 1.0 && n - e < self.k);
            let whole = |n: f64| {
                let e = share * n;
                ((e - e.round()).abs() < 1e-6).then_some(e.round())
            };
            let candidates: Vec<(f64, f64)> = match self.known[*n] {
                Known::Exact(m) => whole(m).map(|e| (m, e)).into_iter().collect(),
                Known::Range(lo, hi) if hi - lo <= 1000.0 => (lo as u64..=hi as u64)
                    .filter_map(|m| whole(m as f64).map(|e| (m as f64, e)))
                    .collect(),
                _ => Vec::new(),
            };
            if candidates.len() == 1 && small(candidates[0].1, candidates[0].0) {
                problems.push(format!(
                    "{what}: {share} × {} = {} individuals",
                    self.names[*n], candidates[0].1
                ));
            }
        }
        self.problems.extend(problems);
    }
}

/// The data file's shape: what an outsider's guesses about it would have to match.
struct Shape {
    rows: f64,
    units: Option<f64>,
    /// Rows of the analysed wave (panel data analysed at one wave).
    wave_rows: Option<f64>,
    /// Per outcome column and wave: rows with the outcome and the treatment observed.
    observed: HashMap<(String, String), f64>,
}

fn shape(table: &Table, study: &Study, period: Option<f64>) -> Shape {
    let data = &study.config.data;
    let distinct = |col: &str| {
        let c = table.column(col).unwrap();
        let mut labels: Vec<String> = (0..table.nrows())
            .filter_map(|i| c.data.display(i))
            .collect();
        labels.sort();
        labels.dedup();
        labels.len() as f64
    };
    let wave_rows = data.time.as_ref().zip(period).map(|(t, p)| {
        let times = table.numeric(t).unwrap();
        times.iter().filter(|x| **x == Some(p)).count() as f64
    });
    let mut observed = HashMap::new();
    if let Some(time) = &data.time {
        let times = table.numeric(time).unwrap();
        let treated = table.column(&data.treatment).unwrap();
        for o in &study.config.outcomes {
            let y = table.column(&o.column).unwrap();
            for (i, t) in times.iter().enumerate() {
                if let Some(t) = t
                    && !y.data.is_missing(i)
                    && !treated.data.is_missing(i)
                {
                    *observed
                        .entry((o.column.clone(), t.to_string()))
                        .or_insert(0.0) += 1.0;
                }
            }
        }
    }
    Shape {
        rows: table.nrows() as f64,
        units: data.unit.as_deref().map(distinct),
        wave_rows,
        observed,
    }
}

/// The number a subgroup note gives for units without a level: exact, "< k" or unknown.
fn note_count(notes: &[Value], column: &str) -> Known {
    for n in notes.iter().filter_map(Value::as_str) {
        let tail_en = format!(" analysed unit(s) have no value in `{column}`");
        let tail_sv = format!(" analyserade enheter saknar värde i `{column}`");
        for tail in [tail_en, tail_sv] {
            if let Some(at) = n.find(&tail) {
                let head = n[..at].trim();
                return match head.parse::<f64>() {
                    Ok(v) => Known::Exact(v),
                    Err(_) if head.starts_with('<') => Known::Suppressed,
                    Err(_) => Known::Unknown,
                };
            }
        }
    }
    Known::Exact(0.0)
}

/// Every count, share and link of a report.
fn audit(r: &Value, shape: &Shape) -> Audit {
    let mut a = Audit::new(r["privacy"]["threshold"].as_u64().unwrap() as u32);
    let data = &r["study"]["data"];
    let design = r["study"]["design"]["kind"].as_str().unwrap();
    let waves = data["periods"].as_array().unwrap().len() as f64;
    let rows = a.count("rows", &data["rows"]);
    let units = a.count("n_units", &data["n_units"]);
    if shape.units.is_none() {
        a.link(units, &[(rows, 1.0)], "units = rows (no unit column)");
    }
    let analysed = !data["analysed_period"].is_null() && design != "did";
    let wave = analysed.then(|| a.cell("rows of the analysed wave", Known::Unknown));
    if let (Some(w), Some(wr)) = (wave, shape.wave_rows) {
        if shape.units == Some(wr) {
            a.link(units, &[(w, 1.0)], "units = rows of the analysed wave");
        }
        if shape.rows == waves * wr {
            a.link(rows, &[(w, waves)], "rows = waves × rows of a wave");
        }
    }
    for (i, o) in r["outcomes"].as_array().unwrap().iter().enumerate() {
        let id = o["id"].as_str().unwrap();
        let name = |what: &str| format!("{id}.{what}");
        let n = a.count(&name("n"), &o["n"]);
        let t = a.count(&name("n_treated"), &o["n_treated"]);
        let c = a.count(&name("n_control"), &o["n_control"]);
        if design == "rct" {
            a.link(n, &[(t, 1.0), (c, 1.0)], "n = treated + comparison");
        }
        let miss = &data["missing"]["by_outcome"][i];
        let d = a.count(&name("rows left out"), &miss["rows_dropped"]);
        if design != "did" {
            match wave {
                Some(w) => a.link(w, &[(n, 1.0), (d, 1.0)], "analysed wave = n + left out"),
                None => a.link(rows, &[(n, 1.0), (d, 1.0)], "rows = n + left out"),
            }
        }
        let cols = miss["by_column"].as_array().unwrap();
        if let [only] = cols.as_slice() {
            let col = a.count(
                &name(&format!("missing in {}", only["column"])),
                &only["count"],
            );
            a.link(
                d,
                &[(col, 1.0)],
                "left out = the only column with missing values",
            );
        }
        outcome_links(&mut a, o, design, [n, t, c], wave, shape);
    }
    a
}

/// The trajectory, subgroups, matched sample and shares of one outcome.
fn outcome_links(
    a: &mut Audit,
    o: &Value,
    design: &str,
    [n, t, c]: [usize; 3],
    wave: Option<usize>,
    shape: &Shape,
) {
    let id = o["id"].as_str().unwrap().to_string();
    let binary = o["outcome_type"] == "binary";
    let share = |a: &mut Audit, v: &Value, cell: usize, what: String| {
        if binary && let Some(p) = v.as_f64() {
            a.shares.push((p, cell, what));
        }
    };
    let cf = &o["counterfactual"];
    share(a, &cf["treated_observed"], t, format!("{id} treated"));
    share(a, &cf["control"], c, format!("{id} comparison"));
    share(
        a,
        &cf["treated_counterfactual"],
        c,
        format!("{id} counterfactual"),
    );
    let b = &o["robustness"]["binary"];
    share(a, &b["risk_treated"], t, format!("{id} risk treated"));
    share(a, &b["risk_control"], c, format!("{id} risk comparison"));
    for (j, p) in o["plots"]["trajectory"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let wt = a.count(&format!("{id}.wave {j} treated"), &p["n_treated"]);
        let wc = a.count(&format!("{id}.wave {j} comparison"), &p["n_control"]);
        if p["period"] == o["period"] {
            a.link(t, &[(wt, 1.0)], "treated at the analysed wave");
            a.link(c, &[(wc, 1.0)], "comparison at the analysed wave");
        }
        // An outsider's guess "everyone was observed at this wave", when it is right.
        let period = p["period"].as_f64().unwrap().to_string();
        let total = shape.observed.get(&(id.clone(), period)).copied();
        if let Some(w) = wave
            && total.is_some()
            && total == shape.wave_rows
        {
            a.link(
                w,
                &[(wt, 1.0), (wc, 1.0)],
                "wave total = rows of the analysed wave",
            );
        }
        share(
            a,
            &p["treated_observed"],
            wt,
            format!("{id} wave {j} treated"),
        );
        share(a, &p["control"], wc, format!("{id} wave {j} comparison"));
        share(
            a,
            &p["treated_counterfactual"],
            wc,
            format!("{id} wave {j} cf"),
        );
    }
    for s in o["subgroups"].as_array().unwrap() {
        let col = s["column"].as_str().unwrap();
        let m = a.cell(
            &format!("{id}.{col} without a level"),
            note_count(s["notes"].as_array().unwrap(), col),
        );
        let mut parts = vec![(m, 1.0)];
        for l in s["levels"].as_array().unwrap() {
            if l["suppressed"] == true {
                continue;
            }
            let level = l["level"].as_str().unwrap();
            let lt = a.count(&format!("{id}.{col}={level} treated"), &l["n_treated"]);
            let lc = a.count(&format!("{id}.{col}={level} comparison"), &l["n_control"]);
            parts.extend([(lt, 1.0), (lc, 1.0)]);
            share(
                a,
                &l["treated_observed"],
                lt,
                format!("{id} {col}={level} treated"),
            );
            share(
                a,
                &l["control"],
                lc,
                format!("{id} {col}={level} comparison"),
            );
        }
        if design == "rct" && parts.len() > 1 {
            a.link(n, &parts, "n = levels + units without a level");
        }
    }
    let smp = &o["sample"];
    if smp.is_object() {
        let mut all = Vec::new();
        for (g, arm, key) in [("treated", t, "treated"), ("control", c, "control")] {
            let all_g = a.count(&format!("{id}.{g} all"), &smp[key]["all"]);
            let matched = a.count(&format!("{id}.{g} matched"), &smp[key]["matched"]);
            let unmatched = a.count(&format!("{id}.{g} unmatched"), &smp[key]["unmatched"]);
            a.link(
                all_g,
                &[(matched, 1.0), (unmatched, 1.0)],
                "all = matched + left out",
            );
            a.link(arm, &[(matched, 1.0)], "arm = matched");
            let reasons: Vec<(usize, f64)> = smp["dropped"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .filter(|(_, d)| d["group"] == g)
                .map(|(j, d)| (a.count(&format!("{id}.{g} reason {j}"), &d["count"]), 1.0))
                .collect();
            if !reasons.is_empty() {
                a.link(unmatched, &reasons, "left out = Σ reasons");
            }
            if !smp[key]["effective"].is_null() && !smp[key]["matched"].is_number() {
                a.problems
                    .push(format!("{id}.{g}: effective n beside a hidden count"));
            }
            all.push((all_g, 1.0));
        }
        a.link(n, &all, "n = treated all + comparison all");
        share(
            a,
            &cf["control_unadjusted"],
            all[1].0,
            format!("{id} comparison before"),
        );
    }
}

/// Run a study on a table and audit its `report.json`; returns the report.
fn prove(name: &str, study_text: &str, table: &Table, lang: Language) -> Value {
    let study = Study::parse(study_text, "study.toml").unwrap();
    let inputs = RunInputs {
        study: &study,
        table,
        data_file: "data.csv",
        data_sha256: String::new(),
        study_sha256: String::new(),
    };
    let options = RunOptions {
        language: Some(lang),
    };
    let report = run_study(&inputs, &options, &NoProgress).unwrap();
    let r: Value = serde_json::from_str(&render(&report, Format::Json).unwrap()).unwrap();
    let period = r["study"]["data"]["analysed_period"].as_f64();
    let mut a = audit(&r, &shape(table, &study, period));
    a.check();
    let text = serde_json::to_string(&r).unwrap();
    let coarsened = text.contains("\"low\":");
    let privacy = &r["privacy"];
    let listed = privacy["suppressions"].as_array().unwrap();
    let word = match lang {
        Language::En => "rounded",
        Language::Sv => "avrundat",
    };
    if coarsened
        && !listed
            .iter()
            .any(|s| s["reason"].as_str().unwrap().contains(word))
    {
        a.problems.push("a coarsened count is not listed".into());
    }
    if coarsened
        != privacy["statement"]
            .as_str()
            .unwrap()
            .contains("report.json")
    {
        a.problems
            .push("the privacy statement does not say whether counts were rounded".into());
    }
    if a.known.contains(&Known::Suppressed) && listed.is_empty() {
        a.problems
            .push("suppressed values but no suppression listed".into());
    }
    assert!(
        a.problems.is_empty(),
        "{name} ({lang:?}): a suppressed count can be derived:\n{}",
        a.problems.join("\n")
    );
    r
}

fn both(name: &str, study: &str, csv: &str) -> [Value; 2] {
    let table = read_csv_str("data.csv", csv, &ReadOptions::default()).unwrap();
    [Language::En, Language::Sv].map(|lang| prove(name, study, &table, lang))
}

const INFERENCE: &str = "[inference]\nbootstrap = 99\nseed = 1\n";

fn rct(extra: &str, outcomes: &str) -> String {
    format!(
        "[data]\npath = \"data.csv\"\nmissing = \"drop\"\ntreatment = \"t\"\n{extra}[design]\nkind = \"rct\"\n{outcomes}{INFERENCE}"
    )
}

fn outcome(column: &str, kind: &str) -> String {
    format!("[[outcomes]]\ncolumn = \"{column}\"\ntype = \"{kind}\"\n")
}

fn flag(b: bool) -> u8 {
    u8::from(b)
}

#[test]
fn rows_left_out_cannot_be_derived_from_the_rows_of_the_file() {
    // The brief's case: 80 rows, n = 39 + 39, 2 rows without an outcome.
    let mut csv = String::from("t,y\n");
    for i in 0..80 {
        let y = if i < 2 {
            String::new()
        } else {
            (i % 7).to_string()
        };
        csv.push_str(&format!("{},{y}\n", i % 2));
    }
    let [en, sv] = both("rows left out", &rct("", &outcome("y", "continuous")), &csv);
    assert_eq!(en["outcomes"][0]["n"], 78);
    assert!(en["study"]["data"]["missing"]["by_outcome"][0]["rows_dropped"].is_null());
    assert_eq!(en["study"]["data"]["rows"]["low"], 79);
    assert_eq!(en["study"]["data"]["rows"]["high"], 82);
    assert!(
        en["study"]["summary"]
            .as_str()
            .unwrap()
            .contains("about 80 rows")
    );
    assert!(
        sv["study"]["summary"]
            .as_str()
            .unwrap()
            .contains("ca 80 rader")
    );
}

#[test]
fn left_out_counts_of_other_outcomes_do_not_reveal_a_small_one() {
    // y1: 2 rows without a value, y2: 12 (the only column with missing values for each).
    let mut csv = String::from("t,y1,y2\n");
    for i in 0..80 {
        let y1 = if i < 2 {
            String::new()
        } else {
            (i % 5).to_string()
        };
        let y2 = if (10..22).contains(&i) {
            String::new()
        } else {
            (i % 3).to_string()
        };
        csv.push_str(&format!("{},{y1},{y2}\n", i % 2));
    }
    let outcomes = outcome("y1", "continuous") + &outcome("y2", "continuous");
    let [en, _] = both("two outcomes", &rct("", &outcomes), &csv);
    let missing = &en["study"]["data"]["missing"]["by_outcome"][1];
    assert!(missing["rows_dropped"].is_object(), "{missing}");
}

#[test]
fn few_events_in_a_binary_outcome_suppress_its_statistics() {
    // 3 of 40 treated had the outcome: 7.5 % of 40 is 3.
    let mut csv = String::from("t,y\n");
    for i in 0..80 {
        let t = i % 2 == 1;
        let y = if t { i < 6 } else { i % 4 == 0 };
        csv.push_str(&format!("{},{}\n", flag(t), flag(y)));
    }
    let [en, sv] = both("few events", &rct("", &outcome("y", "binary")), &csv);
    let o = &en["outcomes"][0];
    assert!(o["headline"].is_null() && o["counterfactual"].is_null());
    assert_eq!(o["n_treated"], 40);
    let reason = sv["privacy"]["suppressions"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("hade utfallet"), "{reason}");
}

#[test]
fn a_small_arm_cannot_be_derived_from_n_and_the_other_arm() {
    let mut csv = String::from("t,y\n");
    for i in 0..24 {
        csv.push_str(&format!("{},{}\n", flag(i < 4), i % 3));
    }
    let [en, _] = both("small arm", &rct("", &outcome("y", "continuous")), &csv);
    let o = &en["outcomes"][0];
    assert!(o["n_treated"].is_null());
    assert_eq!(o["n_control"], 20);
    assert!(o["n"].is_object() && en["study"]["data"]["rows"].is_object());
}

#[test]
fn waves_with_small_counts_and_an_intake_wave_with_everyone() {
    // 40 families, 3 waves; wave 1: 3 treated observed; wave 2 (analysed): 2 without an
    // outcome — the intake wave has all 40.
    let mut csv = String::from("id,wave,t,y\n");
    for id in 0..40 {
        let t = id % 2;
        for wave in 0..3 {
            let gap = (wave == 1 && t == 1 && id > 5) || (wave == 2 && id < 2);
            let y = if gap {
                String::new()
            } else {
                ((id + wave) % 4).to_string()
            };
            csv.push_str(&format!("{id},{wave},{t},{y}\n"));
        }
    }
    let study = rct(
        "unit = \"id\"\ntime = \"wave\"\n",
        &outcome("y", "continuous"),
    );
    let [en, _] = both("waves", &study, &csv);
    let traj = en["outcomes"][0]["plots"]["trajectory"].as_array().unwrap();
    assert!(traj[1]["suppressed"] == true && traj[1]["n_treated"].is_null());
    assert_eq!(traj[1]["n_control"], 20);
    assert!(en["study"]["data"]["n_units"].is_object());
}

#[test]
fn subgroup_levels_and_units_without_a_level() {
    // g: level "b" has 3 units per arm (the breakdown is suppressed); h: large levels, but 2
    // units have no value in h.
    let mut csv = String::from("t,y,g,h\n");
    for i in 0..60 {
        let g = if i < 6 { "b" } else { "a" };
        let h = match i {
            0 | 1 => "",
            _ if i % 4 < 2 => "x",
            _ => "z",
        };
        csv.push_str(&format!("{},{},{g},{h}\n", i % 2, i % 5));
    }
    let study = rct(
        "",
        &(outcome("y", "continuous") + "[subgroups]\ncolumns = [\"g\", \"h\"]\n"),
    );
    let [en, sv] = both("subgroups", &study, &csv);
    let subs = en["outcomes"][0]["subgroups"].as_array().unwrap();
    assert!(
        subs[0]["levels"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["suppressed"] == true)
    );
    let notes = subs[1]["notes"].to_string();
    assert!(notes.contains("< 5 analysed unit(s)"), "{notes}");
    let notes = sv["outcomes"][0]["subgroups"][1]["notes"].to_string();
    assert!(notes.contains("< 5 analyserade enheter"), "{notes}");
}

#[test]
fn few_events_in_a_subgroup_level_suppress_the_breakdown() {
    // 15 events per arm overall, but 2 of the 20 girls in the comparison group.
    let mut csv = String::from("t,y,sex\n");
    for i in 0..80 {
        let t = i % 2 == 1;
        let girl = (i / 2) % 2 == 0;
        let k = i / 4; // 0..20 within each arm and sex
        let y = match (t, girl) {
            (false, true) => k < 2,
            (false, false) => k < 13,
            (true, _) => k < 8,
        };
        csv.push_str(&format!(
            "{},{},{}\n",
            flag(t),
            flag(y),
            if girl { "girl" } else { "boy" }
        ));
    }
    let study = rct(
        "",
        &(outcome("y", "binary") + "[subgroups]\nsex = \"sex\"\n"),
    );
    let [en, _] = both("subgroup events", &study, &csv);
    let o = &en["outcomes"][0];
    assert!(!o["headline"].is_null());
    let levels = o["subgroups"][0]["levels"].as_array().unwrap();
    assert!(levels.iter().all(|l| l["suppressed"] == true));
}

#[test]
fn unmatched_units_cannot_be_derived_from_the_matched_sample() {
    // 30 treated like the comparison group and 2 far outside it: the caliper drops them.
    let mut csv = String::from("t,x,y\n");
    for i in 0..60 {
        csv.push_str(&format!("0,{},{}\n", f64::from(i) / 60.0, i % 4));
    }
    for i in 0..32 {
        let x = if i < 2 {
            5.0 + f64::from(i)
        } else {
            0.2 + f64::from(i) / 60.0
        };
        csv.push_str(&format!("1,{x},{}\n", i % 3));
    }
    let study = format!(
        "[data]\npath = \"data.csv\"\ntreatment = \"t\"\n[design]\nkind = \"matching\"\ncovariates = [\"x\"]\ncaliper = 0.1\n{}{INFERENCE}",
        outcome("y", "continuous")
    );
    let [en, _] = both("matching", &study, &csv);
    let s = &en["outcomes"][0]["sample"];
    assert!(s["treated"]["unmatched"].is_null(), "{s}");
    assert!(!s["treated"]["all"].is_number() || !en["outcomes"][0]["n"].is_number());
}

/// A shipped example with its resampling lowered (no count or share depends on it).
fn example(dir: &str) -> [Value; 2] {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets");
    let path = root.join(dir).join("study.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("bootstrap = 1999", "bootstrap = 99")
        .replace("bootstrap = 999", "bootstrap = 99")
        .replace(
            "randomization_inference = 10000",
            "randomization_inference = 99",
        );
    let study = Study::parse(&text, "study.toml").unwrap();
    let data = root.join(dir).join(&study.config.data.path);
    let table = read_table(&data, &ReadOptions::default()).unwrap();
    [Language::En, Language::Sv].map(|lang| prove(dir, &text, &table, lang))
}

#[test]
fn the_shipped_examples_disclose_no_suppressed_count() {
    for dir in ["ihf", "thornton", "castle"] {
        let [en, sv] = example(dir);
        assert_eq!(en["study"]["data"]["rows"], sv["study"]["data"]["rows"]);
    }
}
