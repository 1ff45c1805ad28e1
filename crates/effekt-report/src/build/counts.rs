//! Every count of individuals a report publishes, as linked cells of a [`Disclosure`], and
//! what is shown for each.
//!
//! [`register`] adds one cell per published count and the facts that link them (each added
//! only when the data satisfy it; see [`Disclosure`]):
//!
//! * rows of the file and units (`n_units`; the rows themselves without a unit column):
//!   units = rows without a unit column; for a panel analysed at one wave, units = the rows of
//!   that wave and rows = waves × the rows of that wave (balanced panels);
//! * per outcome: n = treated + comparison; the rows of the analysed wave (all rows without
//!   a time column) = n + rows left out; for a difference in differences rows = waves × n +
//!   rows left out and units = n; rows left out ≥ each column's missing count and ≤ their sum;
//! * the trajectory: each wave's treated and comparison counts (= the outcome's arms at the
//!   analysed wave; their sum = the rows of the analysed wave or the units when everyone is
//!   observed);
//! * subgroups: the levels' counts plus the units without a level = each arm;
//! * the matched sample: all = matched + left out, left out = Σ reasons, matched = the arm,
//!   n = treated all + comparison all.
//!
//! Priorities (lower is coarsened first): the file's rows and units 1, missing-value counts 2,
//! wave counts, subgroup levels and the matched sample's left-out counts 3, totals n and "all"
//! 4, arms and matched counts 5.

use super::disclosure::{CellId, Disclosure, Shown};
use super::{OutcomePlan, OutcomeResult, Privacy};
use crate::i18n::{Language, fmt_count_shown, sentences};
use crate::model::Count;
use crate::study::{DesignConfig, Study};
use effekt_data::Table;
use std::collections::{HashMap, HashSet};

const FILE: u8 = 1;
const MISSING: u8 = 2;
const DETAIL: u8 = 3;
const TOTAL: u8 = 4;
const ARM: u8 = 5;

/// Where a count is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// Rows of the data file.
    Rows,
    /// Units in the data file.
    Units,
    /// Outcome `i`: units analysed.
    N(usize),
    /// Outcome `i`: treated units.
    Treated(usize),
    /// Outcome `i`: comparison units.
    Control(usize),
    /// Outcome `i`: rows left out for missing values.
    Dropped(usize),
    /// Outcome `i`, column `j` of its missing-value counts.
    Missing(usize, usize),
    /// Outcome `i`, trajectory point `j`, treated (`true`) or comparison arm.
    Wave(usize, usize, bool),
    /// Outcome `i`, subgroup `j`, level `l`, arm.
    Level(usize, usize, usize, bool),
    /// Outcome `i`, subgroup `j`: units without a level.
    LevelMissing(usize, usize),
    /// Outcome `i`, matched sample, arm, stage.
    Sample(usize, bool, Stage),
    /// Outcome `i`, matched sample, drop reason `j`.
    Reason(usize, usize),
}

/// Stage of the matched sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Analysed before matching.
    All,
    /// In the matched sample.
    Matched,
    /// Left out.
    Unmatched,
}

/// The decided counts of a report.
pub struct Counts {
    disclosure: Disclosure,
    shown: Vec<Shown>,
    slots: HashMap<Slot, CellId>,
    noted: HashSet<Slot>,
}

impl Counts {
    /// The count published at `slot` (a missing slot is suppressed). The first lookup of a
    /// slot records its suppression (when `note_small`) or coarsening under `location`.
    pub fn get(
        &mut self,
        slot: Slot,
        location: &str,
        note_small: bool,
        privacy: &mut Privacy,
    ) -> Count {
        let Some(&id) = self.slots.get(&slot) else {
            return Count::Suppressed;
        };
        let count = match self.shown[id.0] {
            Shown::Exact | Shown::Unpublished => Count::Exact(self.disclosure.value(id)),
            Shown::Small => Count::Suppressed,
            Shown::Coarsened { low, high } => Count::Range { low, high },
        };
        if self.noted.insert(slot) {
            let (threshold, lang) = (privacy.threshold, privacy.lang);
            match count {
                Count::Suppressed if note_small => privacy.note(
                    location.to_string(),
                    sentences::suppressed(location, threshold, lang),
                ),
                Count::Range { .. } => privacy.note(
                    location.to_string(),
                    sentences::coarsened(location, &fmt_count_shown(count, threshold, lang), lang),
                ),
                _ => {}
            }
        }
        count
    }

    /// Whether any count is coarsened.
    pub fn any_coarsened(&self) -> bool {
        self.shown
            .iter()
            .any(|s| matches!(s, Shown::Coarsened { .. }))
    }
}

/// Distinct non-missing labels of a column (`None` when it does not exist).
fn distinct(table: &Table, column: &str) -> Option<usize> {
    let col = table.column(column).ok()?;
    let mut labels: Vec<String> = (0..table.nrows())
        .filter_map(|i| col.data.display(i))
        .collect();
    labels.sort();
    labels.dedup();
    Some(labels.len())
}

/// Units in the data file as the data section shows them: distinct labels of the unit column,
/// or the rows without one.
pub fn n_units(study: &Study, table: &Table) -> Option<usize> {
    match &study.config.data.unit {
        Some(u) => distinct(table, u),
        None => Some(table.nrows()),
    }
}

/// Rows of the analysed wave (panel data analysed at one wave).
fn wave_rows(study: &Study, table: &Table, period: Option<f64>) -> Option<usize> {
    let time = study.config.data.time.as_ref()?;
    let period = period?;
    let times = table.numeric(time).ok()?;
    Some(times.iter().filter(|t| **t == Some(period)).count())
}

struct Builder {
    d: Disclosure,
    slots: HashMap<Slot, CellId>,
}

impl Builder {
    fn cell(&mut self, slot: Slot, value: usize, priority: u8) -> CellId {
        let id = self.d.published(value, priority);
        self.slots.insert(slot, id);
        id
    }

    fn one(&mut self, a: CellId, b: CellId) {
        self.d.sum(a, &[(b, 1)]);
    }

    fn plus(&mut self, total: CellId, parts: &[CellId]) {
        let parts: Vec<(CellId, i64)> = parts.iter().map(|&p| (p, 1)).collect();
        self.d.sum(total, &parts);
    }
}

/// Register every count the report will publish and decide what is shown.
pub fn register(
    study: &Study,
    table: &Table,
    results: &[OutcomeResult],
    plans: &[OutcomePlan],
    threshold: u32,
) -> Counts {
    let mut b = Builder {
        d: Disclosure::new(threshold),
        slots: HashMap::new(),
    };
    let waves = results.first().map_or(0, |r| r.prepared.periods.len()) as i64;
    let rows = b.cell(Slot::Rows, table.nrows(), FILE);
    let units = n_units(study, table).map(|u| b.cell(Slot::Units, u, FILE));
    if study.config.data.unit.is_none()
        && let Some(u) = units
    {
        b.one(u, rows);
    }
    let did = matches!(study.config.design, DesignConfig::Did(_));
    let period = results.first().and_then(|r| r.prepared.period);
    let wave = if did {
        None
    } else {
        wave_rows(study, table, period).map(|w| b.d.unpublished(w))
    };
    if let Some(w) = wave {
        if let Some(u) = units {
            b.one(u, w);
        }
        b.d.sum(rows, &[(w, waves)]);
    }
    let mut columns: HashMap<(String, usize), CellId> = HashMap::new();
    for (i, (r, plan)) in results.iter().zip(plans).enumerate() {
        let e = &r.estimate;
        let n = b.cell(Slot::N(i), e.n, TOTAL);
        let t = b.cell(Slot::Treated(i), e.n_treated, ARM);
        let c = b.cell(Slot::Control(i), e.n_control, ARM);
        b.plus(n, &[t, c]);
        let dropped = b.cell(Slot::Dropped(i), r.prepared.dropped, MISSING);
        match wave {
            _ if did => {
                b.d.sum(rows, &[(n, waves), (dropped, 1)]);
                if let Some(u) = units {
                    b.one(u, n);
                }
            }
            Some(w) => b.plus(w, &[n, dropped]),
            None => b.plus(rows, &[n, dropped]),
        }
        let mut cols = Vec::new();
        for (j, (col, k)) in r.prepared.missing_by_column.iter().enumerate() {
            let id = *columns
                .entry((col.clone(), *k))
                .or_insert_with(|| b.d.published(*k, MISSING));
            b.slots.insert(Slot::Missing(i, j), id);
            b.d.at_most(&[id], &[dropped]);
            cols.push(id);
        }
        if !cols.is_empty() {
            b.d.at_most(&[dropped], &cols);
        }
        if plan.suppressed.is_some() {
            continue;
        }
        register_waves(&mut b, i, plan, [t, c], wave.or(units));
        register_subgroups(&mut b, i, r, plan, [n, t, c]);
        register_sample(&mut b, i, r, [n, t, c]);
    }
    let shown = b.d.solve();
    Counts {
        disclosure: b.d,
        shown,
        slots: b.slots,
        noted: HashSet::new(),
    }
}

fn register_waves(
    b: &mut Builder,
    i: usize,
    plan: &OutcomePlan,
    [t, c]: [CellId; 2],
    everyone: Option<CellId>,
) {
    for (j, w) in plan.waves.iter().enumerate() {
        let wt = b.cell(Slot::Wave(i, j, true), w.point.n_treated, DETAIL);
        let wc = b.cell(Slot::Wave(i, j, false), w.point.n_control, DETAIL);
        b.one(t, wt);
        b.one(c, wc);
        if let Some(all) = everyone {
            b.plus(all, &[wt, wc]);
        }
    }
}

fn register_subgroups(
    b: &mut Builder,
    i: usize,
    r: &OutcomeResult,
    plan: &OutcomePlan,
    [n, t, c]: [CellId; 3],
) {
    for (j, s) in r.subgroups.iter().enumerate() {
        if plan.subgroups.get(j).is_some_and(Option::is_some) {
            continue;
        }
        let mut lt = Vec::new();
        let mut lc = Vec::new();
        for (l, level) in s.levels.iter().enumerate() {
            lt.push(b.cell(Slot::Level(i, j, l, true), level.n_treated, DETAIL));
            lc.push(b.cell(Slot::Level(i, j, l, false), level.n_control, DETAIL));
        }
        let m = b.cell(Slot::LevelMissing(i, j), s.missing, MISSING);
        let mut all = lt.clone();
        all.extend(&lc);
        all.push(m);
        b.plus(n, &all);
        // Units without a level, per arm (not shown): level counts + these = the arm.
        let sum = |ids: &[CellId], d: &Disclosure| ids.iter().map(|&k| d.value(k)).sum::<u64>();
        let (st, sc) = (sum(&lt, &b.d), sum(&lc, &b.d));
        let (vt, vc) = (b.d.value(t), b.d.value(c));
        if st <= vt && sc <= vc {
            let mt = b.d.unpublished((vt - st) as usize);
            let mc = b.d.unpublished((vc - sc) as usize);
            lt.push(mt);
            lc.push(mc);
            b.plus(t, &lt);
            b.plus(c, &lc);
            b.plus(m, &[mt, mc]);
        }
    }
}

fn register_sample(b: &mut Builder, i: usize, r: &OutcomeResult, [n, t, c]: [CellId; 3]) {
    let Some(s) = &r.estimate.sample else {
        return;
    };
    let mut all = Vec::new();
    for (treated, g, arm) in [(true, &s.treated, t), (false, &s.control, c)] {
        let a = b.cell(Slot::Sample(i, treated, Stage::All), g.all, TOTAL);
        let m = b.cell(Slot::Sample(i, treated, Stage::Matched), g.matched, ARM);
        let u = b.cell(
            Slot::Sample(i, treated, Stage::Unmatched),
            g.unmatched,
            DETAIL,
        );
        b.plus(a, &[m, u]);
        b.one(arm, m);
        let group = if treated { "treated" } else { "control" };
        let reasons: Vec<CellId> = s
            .dropped
            .iter()
            .enumerate()
            .filter(|(_, d)| d.0 == group)
            .map(|(j, d)| b.cell(Slot::Reason(i, j), d.2, DETAIL))
            .collect();
        if !reasons.is_empty() {
            b.plus(u, &reasons);
        }
        all.push(a);
    }
    b.plus(n, &all);
}

/// Location of a count of the data file in suppression notes ("Data — rows").
pub fn data_location(what: &str, lang: Language) -> String {
    format!("{} — {what}", crate::i18n::msg::DATA.get(lang))
}
