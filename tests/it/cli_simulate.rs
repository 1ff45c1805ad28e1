//! `effekt simulate` end to end: CSV + JSON sidecar, reproducibility for a seed, the committed
//! datasets/ihf and datasets/tfco files regenerate byte for byte, bad input (exit code 2).

use crate::common;
use common::{bad, effekt, stderr};

#[test]
fn writes_csv_and_sidecar_reproducibly() {
    let dir = tempfile::tempdir().unwrap();
    for kind in ["ihf", "tfco", "cluster-rct", "staggered"] {
        let a = dir.path().join(format!("{kind}_a.csv"));
        let b = dir.path().join(format!("{kind}_b.csv"));
        for p in [&a, &b] {
            let o = effekt(&[
                "simulate",
                kind,
                "--seed",
                "9",
                "--out",
                p.to_str().unwrap(),
            ]);
            assert_eq!(o.status.code(), Some(0), "{kind}: {}", stderr(&o));
        }
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{kind}"
        );
        let ja = std::fs::read_to_string(a.with_extension("json")).unwrap();
        assert_eq!(
            ja,
            std::fs::read_to_string(b.with_extension("json")).unwrap()
        );
        let v: serde_json::Value = serde_json::from_str(&ja).unwrap();
        assert_eq!(v["seed"], 9);
        assert!(!v["estimands"].as_array().unwrap().is_empty());
    }
    let c = dir.path().join("c.csv");
    let o = effekt(&[
        "simulate",
        "ihf",
        "--n",
        "50",
        "--effect",
        "0.2",
        "--municipalities",
        "5",
        "--waves",
        "4",
        "--assignment",
        "municipality",
        "--out",
        c.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(c.with_extension("json")).unwrap()).unwrap();
    assert_eq!(v["n_rows"], 200);
    assert_eq!(v["config"]["assignment"]["kind"], "municipality");
}

/// The committed synthetic datasets are exactly what the documented commands produce.
#[test]
fn committed_datasets_regenerate() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    for (kind, args) in [
        (
            "ihf",
            vec![
                "simulate",
                "ihf",
                "--n",
                "240",
                "--municipalities",
                "10",
                "--waves",
                "3",
                "--assignment",
                "observational",
                "--seed",
                "20240611",
            ],
        ),
        (
            "tfco",
            vec![
                "simulate",
                "tfco",
                "--n",
                "120",
                "--municipalities",
                "8",
                "--assignment",
                "observational",
                "--seed",
                "20240612",
            ],
        ),
    ] {
        let committed = format!("{root}/datasets/{kind}/{kind}.csv");
        if !std::path::Path::new(&committed).exists() {
            panic!("{committed} is missing");
        }
        let out = dir.path().join(format!("{kind}.csv"));
        let mut a = args.clone();
        a.extend(["--out", out.to_str().unwrap()]);
        let o = effekt(&a);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(&committed).unwrap(),
            "{kind}.csv differs from the command's output"
        );
        assert_eq!(
            std::fs::read(out.with_extension("json")).unwrap(),
            std::fs::read(format!("{root}/datasets/{kind}/{kind}.json")).unwrap(),
            "{kind}.json differs"
        );
    }
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let out = out.to_str().unwrap();
    bad(
        &["simulate", "cluster-rct", "--icc", "1.5", "--out", out],
        &["ICC"],
    );
    bad(
        &["simulate", "ihf", "--waves", "6", "--out", out],
        &["waves"],
    );
    bad(
        &["simulate", "ihf", "--n", "3", "--out", out],
        &["families"],
    );
    bad(
        &["simulate", "tfco", "--waves", "3", "--out", out],
        &["--waves does not apply"],
    );
    bad(
        &["simulate", "ihf", "--effect", "0.9", "--out", out],
        &["effect"],
    );
    bad(
        &["simulate", "ihf", "--out", "/nonexistent_dir/x.csv"],
        &["does not exist"],
    );
    bad(
        &[
            "simulate",
            "ihf",
            "--out",
            dir.path().join("x.json").to_str().unwrap(),
        ],
        &["CSV file name"],
    );
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "familes = 10\n").unwrap();
    bad(
        &[
            "simulate",
            "ihf",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out,
        ],
        &["familes"],
    );
}
