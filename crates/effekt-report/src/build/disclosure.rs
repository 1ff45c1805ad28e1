//! Complementary suppression of linked counts, by interval propagation.
//!
//! The counts of a report are linked: a total and its parts (rows = analysed + left out, n =
//! treated + comparison, all = matched + unmatched, …), one quantity shown in two places, and
//! bounds (a row left out for a missing value in one column is left out). A count from 1 to
//! k − 1 individuals (a *small* count) is suppressed; this module decides which other counts
//! must be coarsened so that no suppressed count can be derived from what is published.
//!
//! **Cells and constraints.** Every count is a cell holding its true value, either
//! *published* (with a priority: lower is coarsened first) or *unpublished* (a quantity the
//! report never shows but that links others, e.g. the rows of the analysed wave). A constraint
//! is a linear equation `Σ aᵢ xᵢ = 0` or inequality `Σ aᵢ xᵢ ≤ 0` with integer coefficients;
//! it is added only when the true values satisfy it, so every constraint is a fact about the
//! data (adding a fact an outsider could not know only makes the protection stronger).
//!
//! **What an outsider knows.** The exact published cells; that a suppressed cell is between 1
//! and k − 1; that every cell is ≥ 0; and the constraints. Bounds propagation (each constraint
//! solved for each of its cells with interval arithmetic, repeated to a fixed point) gives the
//! interval an outsider can derive for every cell, through any chain of constraints. A
//! suppressed cell is *disclosed* when its interval shrinks to one value.
//!
//! **Complementary coarsening.** While a suppressed cell is disclosed, one more exact cell
//! linked to it is coarsened: of the linked cells with the lowest priority, the first
//! registered whose coarsening alone widens the disclosed cell's interval,
//! otherwise the first of them. Afterwards every coarsened cell is restored, most important
//! first, when publishing it exactly discloses nothing. A coarsened cell is published as the interval propagation gives it from the
//! exact cells alone — a function of published information, so it tells nothing beyond "< k"
//! about the suppressed cells.
//! This is the audit-and-protect scheme of cell-suppression software (Hundepool et al. 2012,
//! ch. 4) with bounds propagation as the audit; propagation is a relaxation of the integer
//! system, so it finds every derivation along chains of single constraints, not every
//! conceivable combination of several.

use crate::analysis::is_small;

/// Index of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellId(pub(super) usize);

/// What is published for a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The exact value.
    Exact,
    /// Suppressed: between 1 and k − 1.
    Small,
    /// Coarsened to the range `[low, high]` (`high` `None`: unbounded).
    Coarsened {
        /// Smallest possible value.
        low: u64,
        /// Largest possible value.
        high: Option<u64>,
    },
    /// Not a published cell.
    Unpublished,
}

#[derive(Debug, Clone)]
struct Cell {
    value: u64,
    published: bool,
    priority: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relation {
    Equal,
    AtMost,
}

/// `Σ aᵢ xᵢ = 0` or `Σ aᵢ xᵢ ≤ 0`.
#[derive(Debug, Clone)]
struct Constraint {
    terms: Vec<(CellId, i64)>,
    relation: Relation,
}

/// An interval of integers; `hi` may be `+∞`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    lo: f64,
    hi: f64,
}

impl Bounds {
    fn width(self) -> f64 {
        self.hi - self.lo
    }
}

/// Passes of propagation before giving up (the result then counts as disclosing).
const MAX_PASSES: usize = 500;

/// The cells and constraints of one report.
#[derive(Debug, Clone)]
pub struct Disclosure {
    threshold: u32,
    cells: Vec<Cell>,
    constraints: Vec<Constraint>,
}

impl Disclosure {
    /// No cells yet; counts from 1 to `threshold − 1` are small.
    pub fn new(threshold: u32) -> Self {
        Self {
            threshold,
            cells: Vec::new(),
            constraints: Vec::new(),
        }
    }

    /// A published count; `priority` orders complementary coarsening (lower first).
    pub fn published(&mut self, value: usize, priority: u8) -> CellId {
        self.cells.push(Cell {
            value: value as u64,
            published: true,
            priority,
        });
        CellId(self.cells.len() - 1)
    }

    /// A quantity that links published counts but is not shown itself.
    pub fn unpublished(&mut self, value: usize) -> CellId {
        self.cells.push(Cell {
            value: value as u64,
            published: false,
            priority: u8::MAX,
        });
        CellId(self.cells.len() - 1)
    }

    /// True value of a cell.
    pub fn value(&self, id: CellId) -> u64 {
        self.cells[id.0].value
    }

    /// Whether a published cell is small (suppressed).
    pub fn is_small(&self, id: CellId) -> bool {
        let c = &self.cells[id.0];
        c.published && is_small(c.value as usize, self.threshold)
    }

    fn holds(&self, terms: &[(CellId, i64)], relation: Relation) -> bool {
        let sum: i128 = terms
            .iter()
            .map(|&(id, a)| i128::from(a) * i128::from(self.cells[id.0].value))
            .sum();
        match relation {
            Relation::Equal => sum == 0,
            Relation::AtMost => sum <= 0,
        }
    }

    fn add(&mut self, terms: Vec<(CellId, i64)>, relation: Relation) -> bool {
        if terms.is_empty() || !self.holds(&terms, relation) {
            return false;
        }
        self.constraints.push(Constraint { terms, relation });
        true
    }

    /// `total = Σ coefficient × part`, added when the true values satisfy it; returns whether
    /// it was added.
    pub fn sum(&mut self, total: CellId, parts: &[(CellId, i64)]) -> bool {
        let mut terms = vec![(total, 1)];
        terms.extend(parts.iter().map(|&(id, a)| (id, -a)));
        self.add(terms, Relation::Equal)
    }

    /// `Σ smaller ≤ Σ larger`, added when the true values satisfy it.
    pub fn at_most(&mut self, smaller: &[CellId], larger: &[CellId]) -> bool {
        let mut terms: Vec<(CellId, i64)> = smaller.iter().map(|&id| (id, 1)).collect();
        terms.extend(larger.iter().map(|&id| (id, -1)));
        self.add(terms, Relation::AtMost)
    }

    /// Start of propagation: exact cells are points, small ones `[1, k − 1]`, the rest
    /// `[0, ∞)`.
    fn initial(&self, exact: &[bool]) -> Vec<Bounds> {
        let k = f64::from(self.threshold);
        self.cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if exact[i] {
                    let v = c.value as f64;
                    Bounds { lo: v, hi: v }
                } else if c.published && is_small(c.value as usize, self.threshold) {
                    Bounds {
                        lo: 1.0,
                        hi: k - 1.0,
                    }
                } else {
                    Bounds {
                        lo: 0.0,
                        hi: f64::INFINITY,
                    }
                }
            })
            .collect()
    }

    /// Tighten `b` with one constraint; returns whether anything changed.
    fn tighten(c: &Constraint, b: &mut [Bounds]) -> bool {
        // Range of a·x over the interval of x.
        let term = |a: i64, x: Bounds| {
            let a = a as f64;
            if a >= 0.0 {
                (a * x.lo, a * x.hi)
            } else {
                (a * x.hi, a * x.lo)
            }
        };
        let (mut min, mut max) = (0.0, 0.0);
        for &(id, a) in &c.terms {
            let (lo, hi) = term(a, b[id.0]);
            min += lo;
            max += hi;
        }
        let mut changed = false;
        for &(id, a) in &c.terms {
            let (lo, hi) = term(a, b[id.0]);
            // The other terms' range (an infinite own term leaves the rest unknown).
            let rest_min = if lo.is_infinite() {
                f64::NEG_INFINITY
            } else {
                min - lo
            };
            let rest_max = if hi.is_infinite() {
                f64::INFINITY
            } else {
                max - hi
            };
            if rest_min.is_infinite() && rest_max.is_infinite() {
                continue;
            }
            // a·x = −rest (equation) or a·x ≤ −rest_min (inequality).
            let (ax_lo, ax_hi) = match c.relation {
                Relation::Equal => (-rest_max, -rest_min),
                Relation::AtMost => (f64::NEG_INFINITY, -rest_min),
            };
            let af = a as f64;
            let (x_lo, x_hi) = if af > 0.0 {
                (ax_lo / af, ax_hi / af)
            } else {
                (ax_hi / af, ax_lo / af)
            };
            let x = &mut b[id.0];
            let (lo, hi) = (x_lo.ceil(), x_hi.floor());
            if lo > x.lo {
                x.lo = lo;
                changed = true;
            }
            if hi < x.hi {
                x.hi = hi;
                changed = true;
            }
        }
        changed
    }

    /// What an outsider can derive when the cells marked `exact` are published exactly;
    /// `None` when propagation did not settle.
    fn propagate(&self, exact: &[bool]) -> Option<Vec<Bounds>> {
        let mut b = self.initial(exact);
        for _ in 0..MAX_PASSES {
            let mut changed = false;
            for c in &self.constraints {
                changed |= Self::tighten(c, &mut b);
            }
            if !changed {
                return Some(b);
            }
        }
        None
    }

    /// A small cell that is disclosed (or every small cell when propagation did not settle).
    fn disclosed(&self, bounds: Option<&[Bounds]>) -> Option<usize> {
        (0..self.cells.len())
            .find(|&i| self.is_small(CellId(i)) && bounds.is_none_or(|b| b[i].lo >= b[i].hi))
    }

    /// Exact published cells linked to cell `i` through constraints, in coarsening order
    /// (priority, then registration; values play no part, so the choice depends only on what
    /// is linked to what).
    fn candidates(&self, i: usize, exact: &[bool]) -> Vec<usize> {
        let mut seen = vec![false; self.cells.len()];
        seen[i] = true;
        let mut queue = vec![i];
        while let Some(j) = queue.pop() {
            for c in self
                .constraints
                .iter()
                .filter(|c| c.terms.iter().any(|t| t.0.0 == j))
            {
                for &(id, _) in &c.terms {
                    if !seen[id.0] {
                        seen[id.0] = true;
                        queue.push(id.0);
                    }
                }
            }
        }
        let mut out: Vec<usize> = (0..self.cells.len())
            .filter(|&j| seen[j] && exact[j])
            .collect();
        out.sort_by_key(|&j| (self.cells[j].priority, j));
        out
    }

    /// Whether no small cell is disclosed when the cells marked `exact` are published.
    fn safe(&self, exact: &[bool]) -> bool {
        self.disclosed(self.propagate(exact).as_deref()).is_none()
    }

    /// Decide what is published for every cell.
    ///
    /// Greedy, then pruned: while a small cell is disclosed, coarsen a linked exact cell of the
    /// lowest priority (one whose coarsening alone widens the disclosed cell's interval when
    /// there is one); then restore, most important first, every coarsened cell whose
    /// exactness discloses nothing, so no coarsening is superfluous.
    pub fn solve(&self) -> Vec<Shown> {
        let mut exact: Vec<bool> = (0..self.cells.len())
            .map(|i| self.cells[i].published && !self.is_small(CellId(i)))
            .collect();
        let mut coarsened = Vec::new();
        let mut bounds = self.propagate(&exact);
        while let Some(i) = self.disclosed(bounds.as_deref()) {
            let candidates = self.candidates(i, &exact);
            let Some(&first) = candidates.first() else {
                break;
            };
            let class = self.cells[first].priority;
            let width = bounds.as_ref().map_or(0.0, |b| b[i].width());
            let widens = |j: usize| {
                let mut trial = exact.clone();
                trial[j] = false;
                self.propagate(&trial).is_some_and(|b| b[i].width() > width)
            };
            let chosen = candidates
                .iter()
                .copied()
                .take_while(|&j| self.cells[j].priority == class)
                .find(|&j| widens(j))
                .unwrap_or(first);
            exact[chosen] = false;
            coarsened.push(chosen);
            bounds = self.propagate(&exact);
        }
        coarsened.sort_by_key(|&j| (std::cmp::Reverse(self.cells[j].priority), j));
        for j in coarsened {
            exact[j] = true;
            if !self.safe(&exact) {
                exact[j] = false;
            }
        }
        let bounds = self
            .propagate(&exact)
            .unwrap_or_else(|| self.initial(&exact));
        (0..self.cells.len())
            .map(|i| {
                let c = &self.cells[i];
                if !c.published {
                    Shown::Unpublished
                } else if exact[i] {
                    Shown::Exact
                } else if self.is_small(CellId(i)) {
                    Shown::Small
                } else if bounds[i].lo == bounds[i].hi {
                    Shown::Exact
                } else {
                    Shown::Coarsened {
                        low: bounds[i].lo.max(0.0) as u64,
                        high: bounds[i].hi.is_finite().then(|| bounds[i].hi as u64),
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_part_of_a_published_total_coarsens_the_total() {
        // 80 rows = 78 analysed + 2 left out; n = 39 + 39; 80 units (one row each).
        let mut d = Disclosure::new(5);
        let rows = d.published(80, 1);
        let units = d.published(80, 1);
        let n = d.published(78, 4);
        let (t, c) = (d.published(39, 5), d.published(39, 5));
        let left_out = d.published(2, 2);
        assert!(d.sum(rows, &[(n, 1), (left_out, 1)]));
        assert!(d.sum(units, &[(rows, 1)]));
        assert!(d.sum(n, &[(t, 1), (c, 1)]));
        assert!(!d.sum(n, &[(t, 1)]), "a false constraint is not added");
        let shown = d.solve();
        assert_eq!(shown[left_out.0], Shown::Small);
        let range = Shown::Coarsened {
            low: 79,
            high: Some(82),
        };
        assert_eq!((shown[rows.0], shown[units.0]), (range, range));
        assert_eq!(shown[n.0], Shown::Exact);
        assert_eq!((shown[t.0], shown[c.0]), (Shown::Exact, Shown::Exact));
    }

    #[test]
    fn a_small_arm_coarsens_the_totals_not_the_other_arm() {
        let mut d = Disclosure::new(5);
        let rows = d.published(24, 1);
        let n = d.published(24, 4);
        let (t, c) = (d.published(4, 5), d.published(20, 5));
        let left_out = d.published(0, 2);
        d.sum(rows, &[(n, 1), (left_out, 1)]);
        d.sum(n, &[(t, 1), (c, 1)]);
        let shown = d.solve();
        assert_eq!(shown[t.0], Shown::Small);
        let range = Shown::Coarsened {
            low: 21,
            high: Some(24),
        };
        assert_eq!((shown[rows.0], shown[n.0]), (range, range));
        // Coarsening "0 left out" as well would hide nothing more: pruned.
        assert_eq!(
            (shown[c.0], shown[left_out.0]),
            (Shown::Exact, Shown::Exact)
        );
    }

    #[test]
    fn chains_through_unpublished_cells_are_followed() {
        // Two outcomes on the same analysed wave W: W = n1 + d1 = n2 + d2; d1 small.
        let mut d = Disclosure::new(5);
        let w = d.unpublished(82);
        let (n1, d1) = (d.published(80, 4), d.published(2, 2));
        let (n2, d2) = (d.published(70, 4), d.published(12, 2));
        let col = d.published(12, 2); // the only column with missing values for outcome 2
        d.sum(w, &[(n1, 1), (d1, 1)]);
        d.sum(w, &[(n2, 1), (d2, 1)]);
        d.at_most(&[col], &[d2]);
        d.at_most(&[d2], &[col]);
        let shown = d.solve();
        assert_eq!(shown[d1.0], Shown::Small);
        let range = Shown::Coarsened {
            low: 11,
            high: Some(14),
        };
        assert_eq!((shown[d2.0], shown[col.0]), (range, range));
        assert_eq!((shown[n1.0], shown[n2.0]), (Shown::Exact, Shown::Exact));
        assert_eq!(shown[w.0], Shown::Unpublished);
    }

    #[test]
    fn two_small_parts_with_a_published_total_are_protected() {
        // n = 8 = 4 + 4: both arms small, the total would pin both.
        let mut d = Disclosure::new(5);
        let n = d.published(8, 4);
        let (t, c) = (d.published(4, 5), d.published(4, 5));
        d.sum(n, &[(t, 1), (c, 1)]);
        let shown = d.solve();
        assert_eq!((shown[t.0], shown[c.0]), (Shown::Small, Shown::Small));
        assert!(matches!(shown[n.0], Shown::Coarsened { .. }), "{shown:?}");
    }

    #[test]
    fn scaled_totals_are_inverted() {
        // A balanced panel: rows = 3 × units, units = 41 + 2 left out.
        let mut d = Disclosure::new(5);
        let rows = d.published(129, 1);
        let units = d.published(43, 1);
        let n = d.published(41, 4);
        let left = d.published(2, 2);
        d.sum(rows, &[(units, 3)]);
        d.sum(units, &[(n, 1), (left, 1)]);
        let shown = d.solve();
        assert_eq!(
            shown[rows.0],
            Shown::Coarsened {
                low: 126,
                high: Some(135)
            }
        );
        assert_eq!(
            shown[units.0],
            Shown::Coarsened {
                low: 42,
                high: Some(45)
            }
        );
    }
}
