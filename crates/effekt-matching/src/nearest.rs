//! Greedy nearest-neighbour matching, k:1, with or without replacement, within exact strata,
//! with calipers — the semantics of MatchIt 4.5.1's general kernel `nn_matchC`.
//!
//! Without replacement the matching runs in `ratio` rounds; in round r every focal unit, in the
//! matching order, takes the nearest still unused eligible control (MatchIt: first the first
//! control of every treated unit, then the second, …). With replacement every focal unit takes
//! its `ratio` nearest eligible controls. Eligible: same exact stratum, not discarded, within
//! the caliper on the score (`|d_t − d_c| ≤ w`) and within every covariate caliper. Ties go to
//! the control earliest in the internal order; distances within [`tie_tolerance`] of the
//! smallest one are ties (see there).

use crate::search::{Constraint, KdTree, Line};

/// Where the units live for the distance.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Space<'a> {
    /// One value per unit; distance `|d_t − d_c|`.
    Line(&'a [f64]),
    /// `dim` coordinates per unit (row-major); Euclidean distance.
    Points { coords: &'a [f64], dim: usize },
}

/// One matching problem: focal units choose from a pool.
pub(crate) struct Problem<'a> {
    pub space: Space<'a>,
    /// Focal units in processing order (eligible ones only).
    pub order: &'a [usize],
    /// Pool units that can be chosen (eligible ones only).
    pub pool: &'a [usize],
    pub strata: Option<&'a [u32]>,
    /// Caliper on the score (for `Space::Line`, the line itself).
    pub score_caliper: Option<Constraint<'a>>,
    pub covariate_calipers: &'a [Constraint<'a>],
    pub ratio: usize,
    pub replace: bool,
}

/// Relative tolerance for ties between distances: [`tie_tolerance`].
pub(crate) const TIE_RTOL: f64 = 1e-12;

/// The absolute tolerance within which two distances count as equal (a tie, decided by the
/// internal order):
///
/// `tol = 1e-12 × scale`, where `scale` is the largest `|d_i|` of the units in the problem
/// (focal and pool) for a score on a line (propensity score or its logit), and the largest
/// squared norm `Σ_k x_ik²` for Mahalanobis coordinates (whose distances are compared
/// squared).
///
/// Why: a distance is a difference of two scores, each computed in floating point (the logit
/// `b0 + b·x` rounds differently for every x), so distances that are equal in exact arithmetic
/// — a treated unit halfway between two controls — differ by a few units in the last place of
/// the *scores*, i.e. by about 1e-16 × scale; without a tolerance the tie-break (documented in
/// the crate docs) would be decided by that noise and could change with the platform or with
/// the order of the terms. 1e-12 × scale is four orders of magnitude above that rounding and
/// far below any difference that means something (the propensity score itself is estimated by
/// IRLS to a relative change of 1e-8 in the deviance). A caliper is still applied exactly.
pub(crate) fn tie_tolerance(p: &Problem<'_>) -> f64 {
    let units = p.order.iter().chain(p.pool);
    let scale = match p.space {
        Space::Line(v) => units
            .map(|&u| v[u].abs())
            .filter(|a| a.is_finite())
            .fold(0.0, f64::max),
        Space::Points { coords, dim } => units
            .map(|&u| {
                coords[u * dim..(u + 1) * dim]
                    .iter()
                    .map(|c| c * c)
                    .sum::<f64>()
            })
            .filter(|a| a.is_finite())
            .fold(0.0, f64::max),
    };
    TIE_RTOL * scale
}

enum Searcher {
    Line(Line),
    Tree(KdTree),
}

struct Searchers {
    /// Tie tolerance on the distance ([`tie_tolerance`]).
    tol: f64,
    by_stratum: Vec<Searcher>,
    /// unit → (stratum index into `by_stratum`) for pool units.
    stratum_of: Vec<u32>,
    /// unit → slot inside its searcher (pool units).
    slot_of: Vec<u32>,
}

const NONE: u32 = u32::MAX;

fn build(p: &Problem<'_>, n: usize) -> Searchers {
    let n_strata = match p.strata {
        Some(s) => s.iter().map(|&c| c as usize + 1).max().unwrap_or(0),
        None => 1,
    };
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n_strata];
    for &u in p.pool {
        let s = p.strata.map_or(0, |s| s[u] as usize);
        members[s].push(u as u32);
    }
    let mut stratum_of = vec![NONE; n];
    let mut slot_of = vec![NONE; n];
    let mut by_stratum = Vec::with_capacity(n_strata);
    let mut cons: Vec<&[f64]> = Vec::new();
    if let Space::Points { .. } = p.space {
        if let Some(c) = &p.score_caliper {
            cons.push(c.values);
        }
        for c in p.covariate_calipers {
            cons.push(c.values);
        }
    }
    for (s, units) in members.into_iter().enumerate() {
        for &u in &units {
            stratum_of[u as usize] = s as u32;
        }
        let searcher = match p.space {
            Space::Line(values) => {
                let line = Line::new(units, values);
                for (pos, &u) in line.units().iter().enumerate() {
                    slot_of[u as usize] = pos as u32;
                }
                Searcher::Line(line)
            }
            Space::Points { coords, dim } => {
                let tree = KdTree::new(&units, coords, dim, &cons);
                for (u, slot) in tree.slot_map() {
                    slot_of[u as usize] = slot as u32;
                }
                Searcher::Tree(tree)
            }
        };
        by_stratum.push(searcher);
    }
    Searchers {
        tol: tie_tolerance(p),
        by_stratum,
        stratum_of,
        slot_of,
    }
}

impl Searchers {
    fn alive(&self, s: usize) -> usize {
        match &self.by_stratum[s] {
            Searcher::Line(l) => l.alive(),
            Searcher::Tree(t) => t.alive(),
        }
    }

    fn remove(&mut self, unit: usize) {
        let s = self.stratum_of[unit];
        if s == NONE {
            return;
        }
        let slot = self.slot_of[unit] as usize;
        match &mut self.by_stratum[s as usize] {
            Searcher::Line(l) => l.remove(slot),
            Searcher::Tree(t) => t.remove(slot),
        }
    }

    fn best(&mut self, p: &Problem<'_>, s: usize, t: usize, exclude: &[u32]) -> Option<u32> {
        let ok = |u: u32| {
            !exclude.contains(&u) && p.covariate_calipers.iter().all(|c| c.ok(t, u as usize))
        };
        let tol = self.tol;
        match (&mut self.by_stratum[s], p.space) {
            (Searcher::Line(line), Space::Line(values)) => line
                .best(values[t], p.score_caliper.map(|c| c.width), tol, &ok)
                .map(|(_, u)| u),
            (Searcher::Tree(tree), Space::Points { coords, dim }) => {
                let q = &coords[t * dim..(t + 1) * dim];
                let mut cal = Vec::new();
                if let Some(c) = &p.score_caliper {
                    cal.push((c.values[t], c.width));
                }
                for c in p.covariate_calipers {
                    cal.push((c.values[t], c.width));
                }
                // the calipers are checked by the tree; `ok` only excludes
                let okx = |u: u32| !exclude.contains(&u);
                tree.best(q, &cal, tol, &okx).map(|(_, u)| u)
            }
            _ => None,
        }
    }
}

/// Run the matching. Returns, per unit index, the pool units it was matched to (empty for
/// non-focal or unmatched units).
pub(crate) fn run(p: &Problem<'_>, n: usize) -> Vec<Vec<u32>> {
    let mut matches: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut searchers = build(p, n);
    let stratum_of_focal = |t: usize| -> Option<usize> {
        let s = p.strata.map_or(0, |s| s[t] as usize);
        (s < searchers_len(p)).then_some(s)
    };
    if p.replace {
        for &t in p.order {
            let Some(s) = stratum_of_focal(t) else {
                continue;
            };
            if s >= searchers.by_stratum.len() {
                continue;
            }
            let mut picked: Vec<u32> = Vec::with_capacity(p.ratio);
            for _ in 0..p.ratio {
                match searchers.best(p, s, t, &picked) {
                    Some(u) => picked.push(u),
                    None => break,
                }
            }
            matches[t] = picked;
        }
        return matches;
    }
    let mut total_alive: usize = (0..searchers.by_stratum.len())
        .map(|s| searchers.alive(s))
        .sum();
    'rounds: for _round in 0..p.ratio {
        for &t in p.order {
            if total_alive == 0 {
                break 'rounds;
            }
            let Some(s) = stratum_of_focal(t) else {
                continue;
            };
            if s >= searchers.by_stratum.len() || searchers.alive(s) == 0 {
                continue;
            }
            let exclude = std::mem::take(&mut matches[t]);
            let found = searchers.best(p, s, t, &exclude);
            matches[t] = exclude;
            if let Some(u) = found {
                matches[t].push(u);
                searchers.remove(u as usize);
                total_alive -= 1;
            }
        }
    }
    matches
}

fn searchers_len(p: &Problem<'_>) -> usize {
    match p.strata {
        Some(s) => s.iter().map(|&c| c as usize + 1).max().unwrap_or(0),
        None => 1,
    }
}

/// For focal units left unmatched: could any pool unit of their stratum have been matched if
/// none had been used? (`true` = the calipers/stratum leave nothing; `false` = the eligible
/// controls were all used by units matched earlier.)
pub(crate) fn nothing_eligible(p: &Problem<'_>, n: usize, units: &[usize]) -> Vec<bool> {
    let mut searchers = build(p, n);
    units
        .iter()
        .map(|&t| {
            let s = p.strata.map_or(0, |s| s[t] as usize);
            if s >= searchers.by_stratum.len() || searchers.alive(s) == 0 {
                return true;
            }
            searchers.best(p, s, t, &[]).is_none()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_resample::rng::RngExt;
    use effekt_resample::{Purpose, stream};

    /// MatchIt's `nn_matchC`, literally: scan all eligible controls, take the smallest
    /// (distance, index); rounds without replacement, k nearest with replacement.
    fn brute(p: &Problem<'_>, n: usize) -> Vec<Vec<u32>> {
        let dist = |t: usize, c: usize| -> f64 {
            match p.space {
                Space::Line(v) => (v[c] - v[t]).abs(),
                Space::Points { coords, dim } => (0..dim)
                    .map(|k| (coords[c * dim + k] - coords[t * dim + k]).powi(2))
                    .sum(),
            }
        };
        let eligible = |t: usize, c: usize| {
            p.strata.is_none_or(|s| s[t] == s[c])
                && p.score_caliper.is_none_or(|k| k.ok(t, c))
                && p.covariate_calipers.iter().all(|k| k.ok(t, c))
        };
        let tol = tie_tolerance(p);
        let mut used = vec![false; n];
        let mut m: Vec<Vec<u32>> = vec![Vec::new(); n];
        let rounds = if p.replace { 1 } else { p.ratio };
        for _ in 0..rounds {
            for &t in p.order {
                let take = if p.replace { p.ratio } else { 1 };
                for _ in 0..take {
                    let cands: Vec<usize> = p
                        .pool
                        .iter()
                        .copied()
                        .filter(|&c| {
                            (p.replace || !used[c]) && !m[t].contains(&(c as u32)) && eligible(t, c)
                        })
                        .collect();
                    let dmin = cands
                        .iter()
                        .map(|&c| dist(t, c))
                        .fold(f64::INFINITY, f64::min);
                    let best = cands
                        .into_iter()
                        .filter(|&c| dist(t, c) <= dmin + tol)
                        .min();
                    if let Some(c) = best {
                        m[t].push(c as u32);
                        used[c] = true;
                    }
                }
            }
        }
        m
    }

    #[test]
    fn greedy_matching_equals_the_quadratic_scan() {
        for case in 0..120u64 {
            let mut rng = stream(case, Purpose::Simulation, 0);
            let n = rng.random_range(5..80usize);
            let dim = rng.random_range(1..4usize);
            let levels = rng.random_range(2..6u32);
            // coarse values create many exact ties
            let coords: Vec<f64> = (0..n * dim)
                .map(|_| f64::from(rng.random_range(0..levels * 2)) / 2.0)
                .collect();
            let line: Vec<f64> = (0..n).map(|i| coords[i * dim]).collect();
            let cov: Vec<f64> = (0..n)
                .map(|_| f64::from(rng.random_range(0..5u32)))
                .collect();
            let treat: Vec<bool> = (0..n).map(|_| rng.random_range(0..3u32) == 0).collect();
            let strata: Vec<u32> = (0..n).map(|_| rng.random_range(0..2u32)).collect();
            let focal: Vec<usize> = (0..n).filter(|&i| treat[i]).collect();
            let pool: Vec<usize> = (0..n).filter(|&i| !treat[i]).collect();
            let mut order = focal.clone();
            order.reverse();
            let use_points = case % 2 == 1;
            let space = if use_points {
                Space::Points {
                    coords: &coords,
                    dim,
                }
            } else {
                Space::Line(&line)
            };
            let cal = [Constraint {
                values: &cov,
                width: 1.0,
            }];
            let p = Problem {
                space,
                order: &order,
                pool: &pool,
                strata: (case % 3 == 0).then_some(strata.as_slice()),
                score_caliper: (case % 4 == 1).then_some(Constraint {
                    values: &line,
                    width: 0.5,
                }),
                covariate_calipers: if case % 5 == 2 { &cal } else { &[] },
                ratio: 1 + (case as usize % 3),
                replace: case % 7 < 3,
            };
            let fast = run(&p, n);
            let slow = brute(&p, n);
            for t in 0..n {
                let mut a = fast[t].clone();
                let mut b = slow[t].clone();
                if p.replace {
                    a.sort_unstable();
                    b.sort_unstable();
                }
                assert_eq!(a, b, "case {case}, unit {t}");
            }
        }
    }

    /// A treated unit halfway between two controls on the logit `b0 + b·x`: the distances are
    /// equal in exact arithmetic but rounded differently; the documented tie-break (the control
    /// earliest in the internal order, here the lower x) must decide, not the rounding.
    #[test]
    fn mathematically_equal_distances_are_ties() {
        let (b0, b) = (-0.371_f64, 0.012_345_678_9_f64);
        let n = 81;
        let line: Vec<f64> = (0..n).map(|x| b0 + b * x as f64).collect();
        let focal: Vec<usize> = (1..n).step_by(2).collect();
        let pool: Vec<usize> = (0..n).step_by(2).collect();
        // the rounding really differs for some of them (else the test would prove nothing)
        let uneven = focal
            .iter()
            .filter(|&&t| (line[t] - line[t - 1]).abs() != (line[t + 1] - line[t]).abs())
            .count();
        assert!(uneven > 5, "{uneven}");
        let coords = line.clone();
        for space in [
            Space::Line(&line),
            Space::Points {
                coords: &coords,
                dim: 1,
            },
        ] {
            let p = Problem {
                space,
                order: &focal,
                pool: &pool,
                strata: None,
                score_caliper: None,
                covariate_calipers: &[],
                ratio: 1,
                replace: true,
            };
            let m = run(&p, n);
            for &t in &focal {
                assert_eq!(m[t], vec![t as u32 - 1], "unit {t}");
            }
            assert_eq!(m, brute(&p, n));
        }
        // a real difference of 1e-9 is not a tie
        let mut near = line.clone();
        near[42] -= 1e-9; // control 42 now nearer to treated 41 than control 40
        let p = Problem {
            space: Space::Line(&near),
            order: &focal,
            pool: &pool,
            strata: None,
            score_caliper: None,
            covariate_calipers: &[],
            ratio: 1,
            replace: true,
        };
        assert_eq!(run(&p, n)[41], vec![42]);
    }

    #[test]
    fn line_search_breaks_rounded_ties_by_unit() {
        // 0.3 − 0.1 = 0.19999999999999998 < 0.5 − 0.3 = 0.2 in floating point
        assert!((0.3_f64 - 0.1).abs() < (0.5_f64 - 0.3).abs());
        let values = [0.5, 0.1];
        let mut line = Line::new(vec![0, 1], &values);
        assert_eq!(line.best(0.3, None, 0.0, &|_| true).map(|r| r.1), Some(1));
        assert_eq!(line.best(0.3, None, 1e-12, &|_| true).map(|r| r.1), Some(0));
    }
}
