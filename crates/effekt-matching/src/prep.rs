//! From an effekt-data [`Dataset`] to the arrays the matchers use, in the internal order that
//! makes results independent of the row order of the file.

use std::cmp::Ordering;

use effekt_data::{Covariate, CovariateValues, Dataset};

use crate::{MatchConfig, MatchError, Ties};

/// The analysed units in internal order.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub n: usize,
    /// Internal index → position in the [`Dataset`] vectors.
    pub pos: Vec<usize>,
    /// Internal index → 0-based row of the original table (`Dataset::rows`).
    pub row: Vec<usize>,
    pub treat: Vec<bool>,
    pub y: Option<Vec<f64>>,
    /// All covariates of the data set, permuted to internal order.
    pub covs: Vec<Covariate>,
    /// Covariates of the propensity-score model / distance / CEM (indices into `covs`).
    pub model: Vec<usize>,
    /// Exact-matching covariates.
    pub exact: Vec<usize>,
    /// Caliper covariates and their widths in SD units.
    pub calipers: Vec<(usize, f64)>,
    /// Balance covariates: model, then exact, then caliper covariates (each once).
    pub balance: Vec<usize>,
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

fn cmp_values(v: &CovariateValues, a: usize, b: usize) -> Ordering {
    match v {
        CovariateValues::Numeric(x) => cmp_f64(x[a], x[b]),
        CovariateValues::Categorical { codes, .. } => codes[a].cmp(&codes[b]),
    }
}

fn permute(v: &CovariateValues, pos: &[usize]) -> CovariateValues {
    match v {
        CovariateValues::Numeric(x) => {
            CovariateValues::Numeric(pos.iter().map(|&p| x[p]).collect())
        }
        CovariateValues::Categorical { levels, codes } => CovariateValues::Categorical {
            levels: levels.clone(),
            codes: pos.iter().map(|&p| codes[p]).collect(),
        },
    }
}

/// A `u64` whose unsigned order is the numeric order of `x` (−0 and 0 equal).
pub(crate) fn orderable(x: f64) -> u64 {
    let b = (x + 0.0).to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective mixing of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The canonical order of the rows of `data`: treated before controls, then every covariate in
/// the order of the data set (numbers ascending, categories in effekt-data's sorted level
/// order); rows identical in treatment and every covariate (a *tie group*) are then put in an
/// order that depends only on the group's content (see below), then the row order (only rows
/// identical in all of these share a rank, and they are interchangeable in every computation).
///
/// Units of a tie group are indistinguishable to the matching, yet which of them is matched
/// changes the effect through their outcomes. Ordering them by the outcome would match the
/// lowest outcomes first and bias the effect (a simulation of 3,000 randomised IHF studies with
/// a binary outcome found +0.015 ± 0.002 that way; effekt-power's `design_sim` tests); the file
/// order would make the result depend on the row order. So the group is first sorted by outcome
/// (which makes it canonical) and then permuted by keys `mix(h + mix(i))`, where `h` hashes the
/// group's covariate values and sorted outcomes: the permutation is fixed by the data but,
/// across data sets, unrelated to the outcomes' sizes — for a binary outcome the unit taken
/// first has outcome 1 in about the share of 1s in the group. (A hash of the content, not a
/// random draw: no seed and no dependence on the row order.)
///
/// Sorted first on (treatment, first covariate) as integer keys; only runs that tie there are
/// sorted with the full comparison.
pub(crate) fn canonical_order(data: &Dataset, treat: &[bool]) -> Vec<usize> {
    let n = data.n();
    let key1: Vec<u64> = match data.covariates.first().map(|c| &c.values) {
        Some(CovariateValues::Numeric(x)) => x.iter().map(|&v| orderable(v)).collect(),
        Some(CovariateValues::Categorical { codes, .. }) => {
            codes.iter().map(|&c| u64::from(c)).collect()
        }
        None => vec![0; n],
    };
    // by the first covariate (ties in row order), then treated first, keeping that order
    let by_key = argsort_u64(&key1);
    let mut idx: Vec<usize> = Vec::with_capacity(n);
    idx.extend(by_key.iter().map(|&i| i as usize).filter(|&i| treat[i]));
    idx.extend(by_key.iter().map(|&i| i as usize).filter(|&i| !treat[i]));
    let full = |a: &usize, b: &usize| -> Ordering {
        let (a, b) = (*a, *b);
        for c in data.covariates.iter().skip(1) {
            let o = cmp_values(&c.values, a, b);
            if o != Ordering::Equal {
                return o;
            }
        }
        match &data.outcome {
            Some(y) => cmp_f64(y[a], y[b]),
            None => Ordering::Equal,
        }
        .then(a.cmp(&b))
    };
    let mut s = 0;
    while s < n {
        let (t0, k0) = (treat[idx[s]], key1[idx[s]]);
        let mut e = s + 1;
        while e < n && treat[idx[e]] == t0 && key1[idx[e]] == k0 {
            e += 1;
        }
        if e - s > 1 {
            idx[s..e].sort_unstable_by(full);
        }
        s = e;
    }
    if let Some(y) = &data.outcome {
        shuffle_tie_groups(data, treat, &key1, y, &mut idx);
    }
    idx
}

/// Permute every tie group of the canonical order (rows equal in treatment and all covariates,
/// sorted by outcome) by keys derived from the group's content; see [`canonical_order`].
fn shuffle_tie_groups(data: &Dataset, treat: &[bool], key1: &[u64], y: &[f64], idx: &mut [usize]) {
    let n = idx.len();
    let same = |a: usize, b: usize| {
        treat[a] == treat[b]
            && key1[a] == key1[b]
            && data
                .covariates
                .iter()
                .skip(1)
                .all(|c| cmp_values(&c.values, a, b) == Ordering::Equal)
    };
    let covariate_bits = |i: usize| -> u64 {
        data.covariates.iter().fold(u64::from(treat[i]), |h, c| {
            let v = match &c.values {
                CovariateValues::Numeric(x) => orderable(x[i]),
                CovariateValues::Categorical { codes, .. } => u64::from(codes[i]),
            };
            mix(h ^ v)
        })
    };
    let mut s = 0;
    while s < n {
        let mut e = s + 1;
        while e < n && same(idx[s], idx[e]) {
            e += 1;
        }
        if e - s > 1 {
            let group = &mut idx[s..e];
            let h = group
                .iter()
                .fold(covariate_bits(group[0]), |h, &i| mix(h ^ orderable(y[i])));
            let mut keyed: Vec<(u64, usize)> = group
                .iter()
                .enumerate()
                .map(|(r, &i)| (mix(h.wrapping_add(mix(r as u64))), i))
                .collect();
            keyed.sort_unstable();
            for (slot, (_, i)) in group.iter_mut().zip(keyed) {
                *slot = i;
            }
        }
        s = e;
    }
}

fn find(data: &Dataset, name: &str) -> Result<usize, MatchError> {
    data.covariates
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| MatchError::UnknownCovariate {
            name: name.to_string(),
            available: data.covariates.iter().map(|c| c.name.clone()).collect(),
        })
}

fn value_label(v: &CovariateValues) -> String {
    match v {
        CovariateValues::Numeric(x) => x.first().map(|v| v.to_string()).unwrap_or_default(),
        CovariateValues::Categorical { levels, codes } => codes
            .first()
            .and_then(|&c| levels.get(c as usize).cloned())
            .unwrap_or_default(),
    }
}

fn is_constant(v: &CovariateValues) -> bool {
    match v {
        CovariateValues::Numeric(x) => x.windows(2).all(|w| w[0] == w[1]),
        CovariateValues::Categorical { codes, .. } => codes.windows(2).all(|w| w[0] == w[1]),
    }
}

/// Select, check and order the units.
pub(crate) fn prepare(data: &Dataset, config: &MatchConfig) -> Result<Prepared, MatchError> {
    let treat = data
        .treatment
        .clone()
        .ok_or_else(|| MatchError::MissingRole {
            role: "treatment".into(),
        })?;
    if data.covariates.is_empty() {
        return Err(MatchError::NoCovariates);
    }
    let model: Vec<usize> = if config.covariates.is_empty() {
        (0..data.covariates.len()).collect()
    } else {
        config
            .covariates
            .iter()
            .map(|c| find(data, c))
            .collect::<Result<_, _>>()?
    };
    let exact: Vec<usize> = config
        .exact
        .iter()
        .map(|c| find(data, c))
        .collect::<Result<_, _>>()?;
    let mut calipers = Vec::new();
    for c in &config.covariate_calipers {
        let k = find(data, &c.covariate)?;
        if !matches!(data.covariates[k].values, CovariateValues::Numeric(_)) {
            return Err(MatchError::NotNumeric {
                covariate: c.covariate.clone(),
                what: "a covariate caliper".into(),
                hint: "match exactly on it instead (--exact)".into(),
            });
        }
        calipers.push((k, c.width));
    }
    let mut balance: Vec<usize> = Vec::new();
    for &k in model
        .iter()
        .chain(&exact)
        .chain(calipers.iter().map(|(k, _)| k))
    {
        if !balance.contains(&k) {
            balance.push(k);
        }
    }
    for &k in &model {
        let c = &data.covariates[k];
        if is_constant(&c.values) {
            return Err(MatchError::ConstantCovariate {
                covariate: c.name.clone(),
                value: value_label(&c.values),
                count: data.n(),
            });
        }
    }
    let pos: Vec<usize> = match config.ties {
        Ties::Canonical => canonical_order(data, &treat),
        Ties::Data => (0..data.n()).collect(),
    };
    let covs = data
        .covariates
        .iter()
        .map(|c| Covariate {
            name: c.name.clone(),
            values: permute(&c.values, &pos),
        })
        .collect();
    Ok(Prepared {
        n: data.n(),
        row: pos
            .iter()
            .map(|&p| data.rows.get(p).copied().unwrap_or(p))
            .collect(),
        treat: pos.iter().map(|&p| treat[p]).collect(),
        y: data
            .outcome
            .as_ref()
            .map(|y| pos.iter().map(|&p| y[p]).collect()),
        covs,
        model,
        exact,
        calipers,
        balance,
        pos,
    })
}

impl Prepared {
    /// The model covariates (cloned, internal order).
    pub fn model_covariates(&self) -> Vec<Covariate> {
        self.model.iter().map(|&k| self.covs[k].clone()).collect()
    }
    /// Numeric values of covariate `k` (None when categorical).
    pub fn numeric(&self, k: usize) -> Option<&[f64]> {
        match &self.covs.get(k)?.values {
            CovariateValues::Numeric(x) => Some(x),
            CovariateValues::Categorical { .. } => None,
        }
    }
    /// Stratum code per unit for the exact-matching covariates (0 when there are none):
    /// dense codes in order of first appearance of each combination in internal order.
    pub fn exact_strata(&self) -> Option<(Vec<u32>, Vec<String>)> {
        if self.exact.is_empty() {
            return None;
        }
        let mut map: std::collections::HashMap<Vec<u64>, u32> = std::collections::HashMap::new();
        let mut labels = Vec::new();
        let mut codes = Vec::with_capacity(self.n);
        for i in 0..self.n {
            let key: Vec<u64> = self
                .exact
                .iter()
                .map(|&k| match &self.covs[k].values {
                    CovariateValues::Numeric(x) => (x[i] + 0.0).to_bits(),
                    CovariateValues::Categorical { codes, .. } => u64::from(codes[i]),
                })
                .collect();
            let next = map.len() as u32;
            let code = *map.entry(key).or_insert_with(|| {
                labels.push(
                    self.exact
                        .iter()
                        .map(|&k| {
                            let c = &self.covs[k];
                            let v = match &c.values {
                                CovariateValues::Numeric(x) => x[i].to_string(),
                                CovariateValues::Categorical { levels, codes } => {
                                    levels.get(codes[i] as usize).cloned().unwrap_or_default()
                                }
                            };
                            format!("{} = {}", c.name, v)
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                next
            });
            codes.push(code);
        }
        Some((codes, labels))
    }
}

/// Indices `0..keys.len()` ordered by `keys` (unsigned), ties in index order: an unstable
/// sort of (key, index) pairs, which is a total order, so the result is fully determined.
/// Used for the long sorts (canonical order, the score line, eCDF statistics).
pub(crate) fn argsort_u64(keys: &[u64]) -> Vec<u32> {
    let mut a: Vec<(u64, u32)> = keys
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect();
    a.sort_unstable();
    a.into_iter().map(|p| p.1).collect()
}
