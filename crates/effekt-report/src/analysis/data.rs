//! Row subsets of an effekt-data [`Dataset`].
//!
//! effekt-data selects role columns from a whole table; the report analyses one wave of a panel
//! (or one subgroup level) at a time. [`subset`] keeps chosen rows of a selected dataset and
//! makes every level code dense again (levels absent from the subset are removed), so the
//! design crates see a dataset exactly as `Table::select` would have produced it from those
//! rows alone — except for `dropped` and `missing_by_column`, which keep describing the
//! selection the subset came from.

use effekt_data::{Covariate, CovariateValues, Dataset, Groups};

/// Labels and codes with only the levels used by `idx`, in their original (sorted) order.
fn dense(labels: &[String], codes: &[u32], idx: &[usize]) -> (Vec<String>, Vec<u32>) {
    let mut used = vec![false; labels.len()];
    for &k in idx {
        if let Some(u) = codes.get(k).and_then(|&c| used.get_mut(c as usize)) {
            *u = true;
        }
    }
    let mut remap = vec![u32::MAX; labels.len()];
    let mut kept = Vec::new();
    for (j, l) in labels.iter().enumerate() {
        if used[j] {
            remap[j] = kept.len() as u32;
            kept.push(l.clone());
        }
    }
    let new_codes = idx
        .iter()
        .map(|&k| {
            codes
                .get(k)
                .and_then(|&c| remap.get(c as usize).copied())
                .unwrap_or(0)
        })
        .collect();
    (kept, new_codes)
}

fn groups(g: &Groups, idx: &[usize]) -> Groups {
    let (labels, codes) = dense(&g.labels, &g.codes, idx);
    Groups {
        column: g.column.clone(),
        labels,
        codes,
    }
}

fn pick<T: Clone>(v: &[T], idx: &[usize]) -> Vec<T> {
    idx.iter().filter_map(|&k| v.get(k).cloned()).collect()
}

/// The rows `idx` (positions in `ds`, in the order given) of `ds`.
pub fn subset(ds: &Dataset, idx: &[usize]) -> Dataset {
    Dataset {
        source: ds.source.clone(),
        rows: pick(&ds.rows, idx),
        outcome: ds.outcome.as_deref().map(|v| pick(v, idx)),
        treatment: ds.treatment.as_deref().map(|v| pick(v, idx)),
        group: ds.group.as_ref().map(|g| groups(g, idx)),
        unit: ds.unit.as_ref().map(|g| groups(g, idx)),
        time: ds.time.as_deref().map(|v| pick(v, idx)),
        cluster: ds.cluster.as_ref().map(|g| groups(g, idx)),
        strata: ds.strata.as_ref().map(|g| groups(g, idx)),
        weights: ds.weights.as_deref().map(|v| pick(v, idx)),
        covariates: ds
            .covariates
            .iter()
            .map(|c| Covariate {
                name: c.name.clone(),
                values: match &c.values {
                    CovariateValues::Numeric(v) => CovariateValues::Numeric(pick(v, idx)),
                    CovariateValues::Categorical { levels, codes } => {
                        let (levels, codes) = dense(levels, codes, idx);
                        CovariateValues::Categorical { levels, codes }
                    }
                },
            })
            .collect(),
        dropped: ds.dropped,
        missing_by_column: ds.missing_by_column.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_data::{MissingPolicy, ReadOptions, Roles, read_csv_str};

    #[test]
    fn subset_keeps_rows_and_makes_levels_dense() {
        let csv = "y,t,g,c,x\n1,0,a,k1,1.5\n2,1,b,k2,2.5\n3,0,c,k1,3\n4,1,b,k3,4\n5,1,a,k2,5\n6,0,c,k3,6\n";
        let table = read_csv_str("d.csv", csv, &ReadOptions::default()).unwrap();
        let roles = Roles {
            outcome: Some("y".into()),
            treatment: Some("t".into()),
            cluster: Some("c".into()),
            covariates: vec!["g".into(), "x".into()],
            ..Roles::default()
        };
        let ds = table.select(&roles, MissingPolicy::Error).unwrap();
        let sub = subset(&ds, &[1, 3, 4]);
        assert_eq!(sub.outcome, Some(vec![2.0, 4.0, 5.0]));
        assert_eq!(sub.cluster.as_ref().unwrap().labels, vec!["k2", "k3"]);
        assert_eq!(sub.cluster.as_ref().unwrap().codes, vec![0, 1, 0]);
        match &sub.covariates[0].values {
            CovariateValues::Categorical { levels, codes } => {
                assert_eq!(levels, &vec!["a".to_string(), "b".to_string()]);
                assert_eq!(codes, &vec![1, 1, 0]);
            }
            CovariateValues::Numeric(_) => panic!("categorical"),
        }
        assert_eq!(sub.rows, vec![1, 3, 4]);
    }
}
