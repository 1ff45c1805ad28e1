//! The structure resampling respects: strata (resampled separately) and clusters (resampled
//! whole), precomputed once so that every replicate is a tight loop.

use crate::ResampleError;

/// Resampling scheme.
///
/// * `Iid` — Efron's (1979) ordinary bootstrap: n draws with replacement from all rows.
/// * `Stratified` — draws n_s rows with replacement within each stratum s separately (Davison &
///   Hinkley 1997, §3.2). The default for two-group statistics: group sizes stay fixed, as in the
///   design, and a group can never be empty.
/// * `Cluster` — draws whole clusters with replacement (within strata when strata are given):
///   the right scheme when a person (or municipality) contributes several rows, e.g. several
///   measurement waves (Davison & Hinkley 1997, §3.8; Field & Welsh 2007).
/// * `Bayesian` — Rubin's (1981) Bayesian bootstrap: Dirichlet(1, …, 1) weights (within strata
///   when given), scaled to sum to the stratum size.
/// * `Poisson` — independent Poisson(1) frequency weights per row (Hanley & MacGibbon 2006;
///   Chamandy et al. 2012): the total size varies between replicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    Iid,
    Stratified,
    Cluster,
    Bayesian,
    Poisson,
}

impl Scheme {
    /// Human-readable name for output.
    pub fn describe(self) -> &'static str {
        match self {
            Scheme::Iid => "ordinary (i.i.d.) bootstrap",
            Scheme::Stratified => "stratified bootstrap (resampling within each group)",
            Scheme::Cluster => "cluster bootstrap (resampling whole clusters)",
            Scheme::Bayesian => "Bayesian bootstrap (Dirichlet weights)",
            Scheme::Poisson => "Poisson bootstrap (Poisson(1) weights)",
        }
    }
}

/// Rows grouped by stratum, with clusters listed per stratum. Built once per analysis.
#[derive(Debug, Clone)]
pub struct Layout {
    n: usize,
    /// Row indices ordered by stratum; stratum s occupies `order[offsets[s]..offsets[s+1]]`.
    pub(crate) order: Vec<usize>,
    pub(crate) offsets: Vec<usize>,
    /// Cluster code of each row (when clustered).
    pub(crate) cluster_of: Option<Vec<u32>>,
    /// Cluster codes in each stratum (when clustered).
    pub(crate) clusters_in: Vec<Vec<u32>>,
    pub(crate) n_clusters: usize,
}

fn check_codes(what: &str, codes: &[u32], n: usize) -> Result<usize, ResampleError> {
    if codes.len() != n {
        return Err(ResampleError::Length {
            what: what.into(),
            expected: n,
            got: codes.len(),
        });
    }
    Ok(codes.iter().map(|&c| c as usize + 1).max().unwrap_or(0))
}

impl Layout {
    /// Layout of `n` rows with optional strata and cluster codes (0-based, dense or not).
    ///
    /// # Errors
    /// Length mismatches, no rows, or a cluster that spans several strata (clusters must be
    /// nested in strata to be resampled within them).
    pub fn new(
        n: usize,
        strata: Option<&[u32]>,
        clusters: Option<&[u32]>,
    ) -> Result<Self, ResampleError> {
        if n == 0 {
            return Err(ResampleError::TooFew {
                what: "data".into(),
                count: 0,
                min: 1,
            });
        }
        if n > u32::MAX as usize {
            return Err(ResampleError::Invalid(format!(
                "{n} rows is more than the resampling core supports (2^32 - 1)"
            )));
        }
        let (stratum_of, n_strata) = match strata {
            Some(s) => {
                let k = check_codes("strata", s, n)?;
                (s.to_vec(), k)
            }
            None => (vec![0; n], 1),
        };
        // Counting sort of rows by stratum keeps the original order within a stratum.
        let mut counts = vec![0usize; n_strata];
        for &s in &stratum_of {
            counts[s as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(n_strata + 1);
        let mut acc = 0;
        offsets.push(0);
        for c in &counts {
            acc += c;
            offsets.push(acc);
        }
        let mut next = offsets[..n_strata].to_vec();
        let mut order = vec![0usize; n];
        for (i, &s) in stratum_of.iter().enumerate() {
            order[next[s as usize]] = i;
            next[s as usize] += 1;
        }
        // Drop empty strata (codes need not be dense).
        let mut dense_offsets = vec![0usize];
        let mut remap = vec![u32::MAX; n_strata];
        for s in 0..n_strata {
            if offsets[s + 1] > offsets[s] {
                remap[s] = (dense_offsets.len() - 1) as u32;
                dense_offsets.push(offsets[s + 1]);
            }
        }
        let stratum_of: Vec<u32> = stratum_of.iter().map(|&s| remap[s as usize]).collect();
        let n_dense = dense_offsets.len() - 1;

        let (cluster_of, clusters_in, n_clusters) = match clusters {
            None => (None, vec![Vec::new(); n_dense], 0),
            Some(c) => {
                let k = check_codes("clusters", c, n)?;
                let mut stratum_of_cluster = vec![u32::MAX; k];
                let mut clusters_in = vec![Vec::new(); n_dense];
                for i in 0..n {
                    let (cl, st) = (c[i] as usize, stratum_of[i]);
                    if stratum_of_cluster[cl] == u32::MAX {
                        stratum_of_cluster[cl] = st;
                        clusters_in[st as usize].push(c[i]);
                    } else if stratum_of_cluster[cl] != st {
                        return Err(ResampleError::Invalid(format!(
                            "cluster code {} appears in two strata; clusters must be nested in strata (row {i})",
                            c[i]
                        )));
                    }
                }
                for list in &mut clusters_in {
                    list.sort_unstable();
                }
                (Some(c.to_vec()), clusters_in, k)
            }
        };
        Ok(Self {
            n,
            order,
            offsets: dense_offsets,
            cluster_of,
            clusters_in,
            n_clusters,
        })
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Number of (non-empty) strata.
    pub fn n_strata(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Rows of stratum `s`.
    pub fn stratum_rows(&self, s: usize) -> &[usize] {
        &self.order[self.offsets[s]..self.offsets[s + 1]]
    }

    /// Whether cluster codes were given.
    pub fn is_clustered(&self) -> bool {
        self.cluster_of.is_some()
    }

    /// Check that `scheme` can run on this layout (strata and clusters large enough).
    ///
    /// # Errors
    /// `Stratified` needs at least 2 rows per stratum, `Cluster` needs cluster codes and at least
    /// 2 clusters per stratum, `Iid`, `Bayesian` and `Poisson` need at least 2 rows.
    pub fn check(&self, scheme: Scheme) -> Result<(), ResampleError> {
        match scheme {
            Scheme::Iid | Scheme::Poisson | Scheme::Bayesian => {
                if self.n < 2 {
                    return Err(ResampleError::TooFew {
                        what: "data".into(),
                        count: self.n,
                        min: 2,
                    });
                }
                if scheme == Scheme::Bayesian {
                    for s in 0..self.n_strata() {
                        let k = self.stratum_rows(s).len();
                        if k < 2 {
                            return Err(ResampleError::TooFew {
                                what: format!("stratum {s}"),
                                count: k,
                                min: 2,
                            });
                        }
                    }
                }
            }
            Scheme::Stratified => {
                for s in 0..self.n_strata() {
                    let k = self.stratum_rows(s).len();
                    if k < 2 {
                        return Err(ResampleError::TooFew {
                            what: format!("stratum {s}"),
                            count: k,
                            min: 2,
                        });
                    }
                }
            }
            Scheme::Cluster => {
                if self.cluster_of.is_none() {
                    return Err(ResampleError::Invalid(
                        "the cluster bootstrap needs a cluster (or unit id) column".into(),
                    ));
                }
                for (s, list) in self.clusters_in.iter().enumerate() {
                    if list.len() < 2 {
                        return Err(ResampleError::TooFew {
                            what: format!("clusters in stratum {s}"),
                            count: list.len(),
                            min: 2,
                        });
                    }
                }
            }
        }
        Ok(())
    }
}
