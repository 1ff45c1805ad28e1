//! Catalogue rows: what effekt reads (see [`super`]). Special files as data never block or
//! read without end; a stray spreadsheet cell far from the data is an error naming the cell,
//! not an abort; a broken CSV is an error naming the row; one column in two roles is refused.

use super::{Case, run_all, trial_csv};
use std::path::Path;
use std::time::Duration;

/// Rows that blocked or read without end on the old code are given this long.
const SHORT: Duration = Duration::from_secs(20);

/// `effekt rct` on `{dir}/<data>` with outcome y and treatment t, plus `extra` words.
fn rct(name: &str, data: &str, extra: &str) -> Case {
    let line = format!("rct --data {{dir}}/{data} --outcome y --treatment t {extra}");
    let args: Vec<&str> = line.split_whitespace().collect();
    Case::new(name, &args)
}

fn fifo(dir: &Path, name: &str) {
    let status = std::process::Command::new("mkfifo")
        .arg(dir.join(name))
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {name}");
}

/// The rows of this area.
pub fn cases() -> Vec<Case> {
    let stray = "{root}/tests/fuzz/corpus/sheet/xlsx-stray-cell-xfd1048576.xlsx";
    let overflow = "{root}/tests/fuzz/corpus/sheet/xlsx-cell-ref-overflow.xlsx";
    vec![
        Case::new("no arguments", &["rct"]).needle("--data"),
        rct("a FIFO as data does not block", "f.csv", "")
            .setup(|d| fifo(d, "f.csv"))
            .timeout(SHORT)
            .needle("FIFO"),
        rct("a .csv symlink to /dev/zero is refused", "z.csv", "")
            .setup(|d| std::os::unix::fs::symlink("/dev/zero", d.join("z.csv")).unwrap())
            .timeout(SHORT)
            .needle("a device"),
        rct("a directory as data", "dir.csv", "")
            .setup(|d| std::fs::create_dir(d.join("dir.csv")).unwrap())
            .needle("a directory"),
        Case::new(
            "bootstrap: a FIFO as data does not block",
            &["bootstrap", "--data", "{dir}/f.csv", "--outcome", "y"],
        )
        .setup(|d| fifo(d, "f.csv"))
        .timeout(SHORT)
        .needle("FIFO"),
        Case::new(
            "a stray cell at XFD1048576 in an .xlsx names the cell (no 549 GB allocation)",
            &["rct", "--data", stray, "--outcome", "y", "--treatment", "t"],
        )
        .timeout(SHORT)
        .needle("XFD1048576"),
        Case::new(
            "a cell reference beyond any sheet is an error, not a panic",
            &[
                "rct",
                "--data",
                overflow,
                "--outcome",
                "y",
                "--treatment",
                "t",
            ],
        )
        .timeout(SHORT)
        .needle("spreadsheet"),
        rct("an unterminated quote names the row", "q.csv", "")
            .file("q.csv", "y,t\n1,0\n\"2,1\n3,0\n4,1\n5,0\n6,1\n")
            .needle("row 3"),
        rct("a ragged row names the row", "r.csv", "")
            .file("r.csv", "y,t\n1,0\n2,1\n3,0,7\n4,1\n")
            .needle("row 4"),
        Case::new(
            "--outcome t --treatment t",
            &[
                "rct",
                "--data",
                "{dir}/d.csv",
                "--outcome",
                "t",
                "--treatment",
                "t",
            ],
        )
        .file("d.csv", trial_csv())
        .needle("both as the outcome and as the treatment"),
        rct(
            "a covariate equal to the treatment",
            "d.csv",
            "--covariates t --estimator lin",
        )
        .file("d.csv", trial_csv())
        .needle("both as the treatment and as the covariate"),
        rct(
            "a covariate listed twice",
            "d.csv",
            "--covariates x,x --estimator lin",
        )
        .file("d.csv", trial_csv())
        .needle("both as the covariate and as the covariate"),
        rct("the cluster as the treatment", "d.csv", "--cluster t")
            .file("d.csv", trial_csv())
            .needle("both as the treatment and as the cluster"),
        Case::new(
            "bootstrap: the group as the outcome",
            &[
                "bootstrap",
                "--data",
                "{dir}/d.csv",
                "--outcome",
                "t",
                "--group",
                "t",
            ],
        )
        .file("d.csv", trial_csv())
        .needle("both as the outcome and as the group"),
        Case::new(
            "match: a covariate equal to the treatment",
            &[
                "match",
                "--data",
                "{dir}/d.csv",
                "--outcome",
                "y",
                "--treatment",
                "t",
                "--covariates",
                "x,t",
            ],
        )
        .file("d.csv", trial_csv())
        .needle("both as the treatment and as the covariate"),
    ]
}

#[test]
fn catalogue_data() {
    run_all(cases());
}
