//! Nearest-available-neighbour search structures for greedy matching with deletions.
//!
//! Greedy matching without replacement asks, n times, "which still unused control is nearest to
//! this unit?" and then removes the answer. Scanning all controls makes that O(n²) (MatchIt's C++
//! kernels scan). Here:
//!
//! * [`Line`] (one-dimensional distances: the propensity score or its logit): controls sorted
//!   by score, and two disjoint-set forests with path compression (Tarjan 1975) that jump over
//!   used controls to the nearest unused one on either side, so a query is a binary search plus
//!   near-constant amortised work: O(n log n) in all.
//! * [`KdTree`] (Mahalanobis distances, after the covariates are transformed so that the
//!   distance is Euclidean): a k-d tree (Bentley 1975; Friedman, Bentley & Finkel 1977) with
//!   median splits on the widest dimension, alive counts per node for deletions, and per-node
//!   ranges of the caliper variables so that subtrees outside a caliper are skipped. A query is
//!   a branch-and-bound search; expected O(log n) in low dimensions (the benchmark shows the
//!   scaling).
//!
//! Both answer with the unit that comes first in the internal order among the units at the
//! smallest distance (see the crate docs on tie-breaking), as MatchIt's `which.min` does in data
//! order. "At the smallest distance" means within an absolute tolerance `tol` of it (see
//! [`tie_tolerance`](crate::nearest::tie_tolerance)): distances that are mathematically equal
//! but were rounded differently (a treated unit halfway between two controls on the logit of
//! the propensity score: `|(b0 + 2b) − (b0 + b)|` and `|(b0 + b) − b0|` differ in the last bits)
//! are ties, so the tie-break decides and not floating-point noise. Formally: with `d*` the
//! smallest distance of an eligible unit, the answer is the smallest unit index among the
//! eligible units with `d ≤ d* + tol` (`tol = 0` gives exact ties).

/// A constraint `|v_t − v_c| ≤ width` on a variable given for every unit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Constraint<'a> {
    pub values: &'a [f64],
    pub width: f64,
}

impl Constraint<'_> {
    #[inline]
    pub fn ok(&self, t: usize, c: usize) -> bool {
        (self.values[c] - self.values[t]).abs() <= self.width
    }
}

/// Controls on a line, sorted by (value, unit), with deletions.
#[derive(Debug, Clone)]
pub(crate) struct Line {
    units: Vec<u32>,
    vals: Vec<f64>,
    gstart: Vec<u32>,
    gend: Vec<u32>,
    /// `rp[i]`: towards the smallest available position ≥ i (`m` = none).
    rp: Vec<u32>,
    /// `lp[k]`: towards the largest available position ≤ k − 1, encoded + 1 (0 = none).
    lp: Vec<u32>,
    alive: usize,
    /// Candidates of the current query (reused: no allocation per query).
    scratch: Vec<(f64, u32, usize)>,
}

impl Line {
    /// `units` with their `values` (indexed by unit).
    pub fn new(units: Vec<u32>, values: &[f64]) -> Self {
        // by value, ties by unit index
        let mut units = units;
        units.sort_unstable();
        let keys: Vec<u64> = units
            .iter()
            .map(|&u| crate::prep::orderable(values[u as usize]))
            .collect();
        let units: Vec<u32> = crate::prep::argsort_u64(&keys)
            .into_iter()
            .map(|k| units[k as usize])
            .collect();
        let m = units.len();
        let vals: Vec<f64> = units.iter().map(|&u| values[u as usize]).collect();
        let mut gstart = vec![0u32; m];
        let mut gend = vec![0u32; m];
        let mut s = 0;
        while s < m {
            let mut e = s + 1;
            while e < m && vals[e] == vals[s] {
                e += 1;
            }
            for k in s..e {
                gstart[k] = s as u32;
                gend[k] = e as u32;
            }
            s = e;
        }
        Self {
            units,
            vals,
            gstart,
            gend,
            rp: (0..=m as u32).collect(),
            lp: (0..=m as u32).collect(),
            alive: m,
            scratch: Vec::new(),
        }
    }

    /// Number of units not yet removed.
    pub fn alive(&self) -> usize {
        self.alive
    }

    /// The units in position order.
    pub fn units(&self) -> &[u32] {
        &self.units
    }

    fn find_right(&mut self, mut i: usize) -> usize {
        while self.rp[i] as usize != i {
            let next = self.rp[self.rp[i] as usize];
            self.rp[i] = next;
            i = next as usize;
        }
        i
    }

    fn find_left(&mut self, mut k: usize) -> usize {
        while self.lp[k] as usize != k {
            let next = self.lp[self.lp[k] as usize];
            self.lp[k] = next;
            k = next as usize;
        }
        k
    }

    /// Remove the unit at `pos`.
    pub fn remove(&mut self, pos: usize) {
        if pos < self.units.len() && self.rp[pos] as usize == pos {
            self.rp[pos] = pos as u32 + 1;
            self.lp[pos + 1] = pos as u32;
            self.alive -= 1;
        }
    }

    /// The available unit nearest to `x` with `|value − x| ≤ cal` and `ok(unit)`; among the
    /// units within `tol` of the smallest distance, the one with the smallest index. Returns
    /// (position, unit).
    pub fn best(
        &mut self,
        x: f64,
        cal: Option<f64>,
        tol: f64,
        ok: &dyn Fn(u32) -> bool,
    ) -> Option<(usize, u32)> {
        let m = self.units.len();
        let p = self.vals.partition_point(|&v| v < x);
        let mut cands = std::mem::take(&mut self.scratch);
        cands.clear();
        let mut dmin = f64::INFINITY;
        // Left of x: groups of equal value, nearest first; within a group the earliest unit.
        let mut k = self.find_left(p);
        while k > 0 {
            let q = k - 1;
            let gs = self.gstart[q] as usize;
            let d = (self.vals[q] - x).abs();
            if cal.is_some_and(|c| d > c) || d > dmin + tol {
                break;
            }
            let mut r = self.find_right(gs);
            while r <= q {
                let u = self.units[r];
                if ok(u) {
                    cands.push((d, u, r));
                    dmin = dmin.min(d);
                    break;
                }
                r = self.find_right(r + 1);
            }
            k = if gs == 0 { 0 } else { self.find_left(gs) };
        }
        // Right of x (values ≥ x).
        let mut q = self.find_right(p);
        while q < m {
            let ge = self.gend[q] as usize;
            let d = (self.vals[q] - x).abs();
            if cal.is_some_and(|c| d > c) || d > dmin + tol {
                break;
            }
            let mut r = q;
            while r < ge {
                let u = self.units[r];
                if ok(u) {
                    cands.push((d, u, r));
                    dmin = dmin.min(d);
                    break;
                }
                r = self.find_right(r + 1);
            }
            q = self.find_right(ge);
        }
        let out = pick(&cands, dmin, tol);
        self.scratch = cands;
        out
    }
}

/// Among candidates `(distance, unit, slot)`, the smallest unit with distance `≤ dmin + tol`;
/// returns (slot, unit).
fn pick(cands: &[(f64, u32, usize)], dmin: f64, tol: f64) -> Option<(usize, u32)> {
    cands
        .iter()
        .filter(|c| c.0 <= dmin + tol)
        .min_by_key(|c| c.1)
        .map(|&(_, u, r)| (r, u))
}

const LEAF: usize = 12;
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Node {
    lo: u32,
    hi: u32,
    left: u32,
    right: u32,
    parent: u32,
    count: u32,
}

/// A k-d tree over points with deletions and range bounds on constraint variables.
#[derive(Debug, Clone)]
pub(crate) struct KdTree {
    dim: usize,
    nc: usize,
    /// Slot-ordered coordinates (m × dim).
    pts: Vec<f64>,
    /// Slot-ordered constraint values (m × nc).
    cons: Vec<f64>,
    units: Vec<u32>,
    nodes: Vec<Node>,
    /// Node bounding boxes: min then max (dim each).
    bbox: Vec<f64>,
    /// Node ranges of the constraint variables: min then max (nc each).
    crange: Vec<f64>,
    alive: Vec<bool>,
    leaf_of: Vec<u32>,
    n_alive: usize,
}

impl KdTree {
    /// Tree over `units` with coordinates `coords` (row-major, `dim` per unit, indexed by unit)
    /// and constraint variables `cons` (each indexed by unit).
    pub fn new(units: &[u32], coords: &[f64], dim: usize, cons: &[&[f64]]) -> Self {
        let m = units.len();
        let nc = cons.len();
        let mut perm: Vec<u32> = units.to_vec();
        let mut nodes: Vec<Node> = Vec::new();
        let mut bbox: Vec<f64> = Vec::new();
        let mut crange: Vec<f64> = Vec::new();
        let coord = |u: u32, d: usize| coords[u as usize * dim + d];
        // iterative build: (lo, hi, parent, is_left)
        let mut stack: Vec<(usize, usize, u32, bool)> = vec![(0, m, NONE, false)];
        while let Some((lo, hi, parent, is_left)) = stack.pop() {
            let id = nodes.len() as u32;
            let mut mins = vec![f64::INFINITY; dim];
            let mut maxs = vec![f64::NEG_INFINITY; dim];
            let mut cmin = vec![f64::INFINITY; nc];
            let mut cmax = vec![f64::NEG_INFINITY; nc];
            for &u in &perm[lo..hi] {
                for d in 0..dim {
                    let v = coord(u, d);
                    mins[d] = mins[d].min(v);
                    maxs[d] = maxs[d].max(v);
                }
                for (c, vals) in cons.iter().enumerate() {
                    let v = vals[u as usize];
                    cmin[c] = cmin[c].min(v);
                    cmax[c] = cmax[c].max(v);
                }
            }
            bbox.extend_from_slice(&mins);
            bbox.extend_from_slice(&maxs);
            crange.extend_from_slice(&cmin);
            crange.extend_from_slice(&cmax);
            nodes.push(Node {
                lo: lo as u32,
                hi: hi as u32,
                left: NONE,
                right: NONE,
                parent,
                count: (hi - lo) as u32,
            });
            if parent != NONE {
                if is_left {
                    nodes[parent as usize].left = id;
                } else {
                    nodes[parent as usize].right = id;
                }
            }
            if hi - lo <= LEAF {
                continue;
            }
            let split = (0..dim)
                .max_by(|&a, &b| {
                    (maxs[a] - mins[a])
                        .partial_cmp(&(maxs[b] - mins[b]))
                        .unwrap_or(std::cmp::Ordering::Equal)
                })
                .unwrap_or(0);
            if !(maxs[split] > mins[split]) {
                continue; // all points identical: keep as a leaf
            }
            let mid = lo + (hi - lo) / 2;
            perm[lo..hi].select_nth_unstable_by(mid - lo, |&a, &b| {
                coord(a, split)
                    .partial_cmp(&coord(b, split))
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.cmp(&b))
            });
            stack.push((mid, hi, id, false));
            stack.push((lo, mid, id, true));
        }
        let mut leaf_of = vec![0u32; m];
        for (id, node) in nodes.iter().enumerate() {
            if node.left == NONE {
                for s in node.lo..node.hi {
                    leaf_of[s as usize] = id as u32;
                }
            }
        }
        let mut pts = Vec::with_capacity(m * dim);
        let mut cvals = Vec::with_capacity(m * nc);
        for &u in &perm {
            for d in 0..dim {
                pts.push(coord(u, d));
            }
            for vals in cons {
                cvals.push(vals[u as usize]);
            }
        }
        Self {
            dim,
            nc,
            pts,
            cons: cvals,
            units: perm,
            nodes,
            bbox,
            crange,
            alive: vec![true; m],
            leaf_of,
            n_alive: m,
        }
    }

    /// Number of points not yet removed.
    pub fn alive(&self) -> usize {
        self.n_alive
    }

    /// Slot of `unit`.
    pub fn slot_map(&self) -> impl Iterator<Item = (u32, usize)> + '_ {
        self.units.iter().enumerate().map(|(s, &u)| (u, s))
    }

    /// Remove the point in `slot`.
    pub fn remove(&mut self, slot: usize) {
        if !self.alive.get(slot).copied().unwrap_or(false) {
            return;
        }
        self.alive[slot] = false;
        self.n_alive -= 1;
        let mut node = self.leaf_of[slot];
        while node != NONE {
            let n = &mut self.nodes[node as usize];
            n.count -= 1;
            node = n.parent;
        }
    }

    /// Nearest alive point to `q` (squared Euclidean distance) with `|v_c − centre_c| ≤ width_c`
    /// for every constraint variable c (`calipers[c] = (centre, width)`, compared exactly as
    /// [`Constraint::ok`]) and with `ok(unit)`; among the points within `tol` of the smallest
    /// squared distance, the one with the smallest unit index. Returns (slot, unit).
    pub fn best(
        &self,
        q: &[f64],
        calipers: &[(f64, f64)],
        tol: f64,
        ok: &dyn Fn(u32) -> bool,
    ) -> Option<(usize, u32)> {
        let dim = self.dim;
        let nc = self.nc;
        // conservative ranges for pruning subtrees (a little wider than the caliper, so that
        // rounding in |v − centre| can never exclude an eligible point); points are checked
        // exactly
        let bounds: Vec<(f64, f64)> = calipers
            .iter()
            .map(|&(v, w)| {
                let slack = 1e-9 * (v.abs() + w) + f64::MIN_POSITIVE;
                (v - w - slack, v + w + slack)
            })
            .collect();
        let mut cands: Vec<(f64, u32, usize)> = Vec::new();
        let mut dmin = f64::INFINITY;
        let mut stack: Vec<(u32, f64)> = vec![(0, 0.0)];
        while let Some((id, lb)) = stack.pop() {
            if lb > dmin + tol {
                continue;
            }
            let node = &self.nodes[id as usize];
            if node.count == 0 {
                continue;
            }
            let cr = &self.crange[id as usize * 2 * nc..(id as usize + 1) * 2 * nc];
            if bounds
                .iter()
                .enumerate()
                .any(|(c, &(lo, hi))| cr[nc + c] < lo || cr[c] > hi)
            {
                continue;
            }
            if node.left == NONE {
                for s in node.lo as usize..node.hi as usize {
                    if !self.alive[s] {
                        continue;
                    }
                    let cv = &self.cons[s * nc..(s + 1) * nc];
                    if calipers
                        .iter()
                        .zip(cv)
                        .any(|(&(c, w), &v)| !((v - c).abs() <= w))
                    {
                        continue;
                    }
                    let u = self.units[s];
                    let p = &self.pts[s * dim..(s + 1) * dim];
                    let mut d2 = 0.0;
                    for k in 0..dim {
                        let t = p[k] - q[k];
                        d2 += t * t;
                    }
                    if d2 <= dmin + tol && ok(u) {
                        cands.push((d2, u, s));
                        dmin = dmin.min(d2);
                    }
                }
                continue;
            }
            let (a, b) = (node.left, node.right);
            let la = self.box_dist(a, q);
            let lbb = self.box_dist(b, q);
            // push the farther child first so the nearer is searched first
            if la <= lbb {
                stack.push((b, lbb));
                stack.push((a, la));
            } else {
                stack.push((a, la));
                stack.push((b, lbb));
            }
        }
        pick(&cands, dmin, tol)
    }

    fn box_dist(&self, id: u32, q: &[f64]) -> f64 {
        let dim = self.dim;
        let b = &self.bbox[id as usize * 2 * dim..(id as usize + 1) * 2 * dim];
        let mut d2 = 0.0;
        for k in 0..dim {
            let t = if q[k] < b[k] {
                b[k] - q[k]
            } else if q[k] > b[dim + k] {
                q[k] - b[dim + k]
            } else {
                0.0
            };
            d2 += t * t;
        }
        d2
    }
}
