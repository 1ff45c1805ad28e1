//! Column roles, the missing-data policy and level ordering.

use effekt_data::{
    CovariateValues, DataError, Groups, MissingPolicy, ReadOptions, Roles, Table, read_csv_str,
};

fn read(text: &str) -> Table {
    read_csv_str("t.csv", text, &ReadOptions::default()).unwrap()
}

const PANEL: &str = "\
id;wave;kommun;ihf;y;w;sex;age;block
1;1;Umeå;1;0,5;1;F;34;2
1;2;Umeå;1;0,75;1;F;34;2
2;1;Luleå;0;NA;2;M;;10
2;2;Luleå;0;0,25;2;M;41;10
3;1;Kiruna;1;1;0,5;F;29;2
3;2;Kiruna;1;;0,5;F;29;2
4;1;Umeå;0;0;1;M;50;10
4;2;Umeå;0;0,5;1;M;NA;10
";

fn panel_roles() -> Roles {
    Roles {
        outcome: Some("y".into()),
        treatment: Some("ihf".into()),
        unit: Some("id".into()),
        time: Some("wave".into()),
        cluster: Some("kommun".into()),
        strata: Some("block".into()),
        weights: Some("w".into()),
        covariates: vec!["sex".into(), "age".into()],
        ..Roles::default()
    }
}

#[test]
fn listwise_deletion_counts() {
    let t = read(PANEL);
    let d = t.select(&panel_roles(), MissingPolicy::Drop).unwrap();
    // y missing in rows 4 and 7 (0-based 2, 5); age missing in rows 4 and 9 (0-based 2, 7).
    assert_eq!(d.rows, vec![0, 1, 3, 4, 6]);
    assert_eq!(d.n(), 5);
    assert_eq!(d.dropped, 3);
    assert_eq!(
        d.missing_by_column,
        vec![("y".to_string(), 2), ("age".to_string(), 2)]
    );
    assert_eq!(d.outcome, Some(vec![0.5, 0.75, 0.25, 1.0, 0.0]));
    assert_eq!(d.treatment, Some(vec![true, true, false, true, false]));
    assert_eq!(d.time, Some(vec![1.0, 2.0, 2.0, 1.0, 1.0]));
    assert_eq!(d.weights, Some(vec![1.0, 1.0, 2.0, 0.5, 1.0]));
    assert_eq!(
        d.unit,
        Some(Groups {
            column: "id".into(),
            labels: vec!["1".into(), "2".into(), "3".into(), "4".into()],
            codes: vec![0, 0, 1, 2, 3],
        })
    );
    // Text labels sorted lexicographically (byte order).
    let c = d.cluster.as_ref().unwrap();
    assert_eq!(c.labels, vec!["Kiruna", "Luleå", "Umeå"]);
    assert_eq!(c.codes, vec![2, 2, 1, 0, 2]);
    assert_eq!(c.counts(), vec![1, 1, 3]);
    // Numeric labels sorted numerically: 2 before 10.
    let s = d.strata.as_ref().unwrap();
    assert_eq!(s.labels, vec!["2", "10"]);
    assert_eq!(s.codes, vec![0, 0, 1, 0, 1]);
    assert_eq!(d.covariates.len(), 2);
    assert_eq!(d.covariates[0].name, "sex");
    assert_eq!(
        d.covariates[0].values,
        CovariateValues::Categorical {
            levels: vec!["F".into(), "M".into()],
            codes: vec![0, 0, 1, 0, 1]
        }
    );
    assert_eq!(
        d.covariates[1].values,
        CovariateValues::Numeric(vec![34.0, 34.0, 41.0, 29.0, 50.0])
    );
}

#[test]
fn error_policy_reports_first_role_column() {
    let t = read(PANEL);
    let e = t.select(&panel_roles(), MissingPolicy::Error).unwrap_err();
    assert!(
        matches!(&e, DataError::Missing { column, role, row: 4, count: 2, .. } if column == "y" && role == "outcome"),
        "{e:?}"
    );
    let r = Roles {
        covariates: vec!["sex".into(), "age".into()],
        ..Roles::default()
    };
    let e = t.select(&r, MissingPolicy::Error).unwrap_err();
    assert!(
        matches!(&e, DataError::Missing { column, role, row: 4, count: 2, .. } if column == "age" && role == "covariate"),
        "{e:?}"
    );
    // Columns without a role may have missing values.
    let r = Roles {
        unit: Some("id".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    assert_eq!(d.n(), 8);
    assert_eq!(d.dropped, 0);
    assert!(d.missing_by_column.is_empty());
}

#[test]
fn same_column_in_two_roles() {
    let t = read(PANEL);
    // The panel unit may also be the cluster.
    let r = Roles {
        unit: Some("kommun".into()),
        cluster: Some("kommun".into()),
        outcome: Some("y".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Drop).unwrap();
    assert_eq!(d.unit, d.cluster);
    assert_eq!(d.missing_by_column, vec![("y".to_string(), 2)]);
    assert_eq!(d.dropped, 2);
    // Any other pair is refused, naming the column and both roles.
    let r = Roles {
        outcome: Some("y".into()),
        covariates: vec!["y".into()],
        ..Roles::default()
    };
    let e = t.select(&r, MissingPolicy::Drop).unwrap_err();
    assert!(
        matches!(&e, DataError::RoleClash { column, first: "outcome", second: "covariate", .. } if column == "y"),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("both as the outcome and as the covariate")
    );
}

#[test]
fn treatment_codings() {
    let t = read(
        "b;i;f;s;bs\n\
         true;1;1.0;1;TRUE\n\
         FALSE;0;0.0;0;0\n\
         sant;1;1;1;1\n\
         falskt;0;0;0;false\n",
    );
    for c in ["b", "i", "f", "bs"] {
        let r = Roles {
            treatment: Some(c.into()),
            ..Roles::default()
        };
        let d = t.select(&r, MissingPolicy::Error).unwrap();
        assert_eq!(d.treatment, Some(vec![true, false, true, false]), "{c}");
    }
}

#[test]
fn group_role() {
    let t = read("g;y\n2;1\n10;2\n2;3\n10;4\n1;5\n1;6\n");
    let r = Roles {
        group: Some("g".into()),
        outcome: Some("y".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    let g = d.group.unwrap();
    assert_eq!(g.labels, vec!["1", "2", "10"]);
    assert_eq!(g.codes, vec![1, 2, 1, 2, 0, 0]);
    assert_eq!(g.n_groups(), 3);
    // Booleans and floats as groups.
    let t = read("b;x\ntrue;1.5\nfalse;-0.0\ntrue;1.5\nfalse;0\n");
    let r = Roles {
        group: Some("b".into()),
        strata: Some("x".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    let g = d.group.unwrap();
    assert_eq!(g.labels, vec!["false", "true"]);
    assert_eq!(g.codes, vec![1, 0, 1, 0]);
    let s = d.strata.unwrap();
    assert_eq!(s.labels, vec!["0", "1.5"]);
    assert_eq!(s.codes, vec![1, 0, 1, 0]);
}

#[test]
fn categorical_levels_absent_after_dropping_are_left_out() {
    let t = read("k;y\nb;1\nc;NA\na;2\nb;3\n");
    let r = Roles {
        outcome: Some("y".into()),
        covariates: vec!["k".into()],
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Drop).unwrap();
    assert_eq!(
        d.covariates[0].values,
        CovariateValues::Categorical {
            levels: vec!["a".into(), "b".into()],
            codes: vec![1, 0, 1]
        }
    );
}

#[test]
fn bool_outcome_is_zero_one() {
    let t = read("y;d\ntrue;1\nfalse;0\ntrue;0\n");
    let r = Roles {
        outcome: Some("y".into()),
        treatment: Some("d".into()),
        ..Roles::default()
    };
    let d = t.select(&r, MissingPolicy::Error).unwrap();
    assert_eq!(d.outcome, Some(vec![1.0, 0.0, 1.0]));
}

#[test]
fn empty_roles_keep_every_row() {
    let t = read("a\n1\n2\n");
    let d = t.select(&Roles::default(), MissingPolicy::Error).unwrap();
    assert_eq!(d.rows, vec![0, 1]);
    assert_eq!(d.source, "t.csv");
}

#[test]
fn roles_deserialize_strictly() {
    let r: Roles = serde_json::from_str(r#"{"outcome":"y","covariates":["a","b"]}"#).unwrap();
    assert_eq!(r.outcome.as_deref(), Some("y"));
    assert_eq!(
        r.named(),
        vec![("outcome", "y"), ("covariate", "a"), ("covariate", "b")]
    );
    assert!(serde_json::from_str::<Roles>(r#"{"outcom":"y"}"#).is_err());
    let p: MissingPolicy = serde_json::from_str(r#""drop""#).unwrap();
    assert_eq!(p, MissingPolicy::Drop);
}
