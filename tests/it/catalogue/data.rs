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

/// An `.ods` file whose only sheet (Blad1) holds a header y, t, two data rows and `extra` rows
/// of table XML.
fn ods(extra: &str) -> Vec<u8> {
    use std::io::Write;
    const ROWS: &str = r#"<table:table-row><table:table-cell office:value-type="string" office:string-value="y"/><table:table-cell office:value-type="string" office:string-value="t"/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="float" office:value="0"/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="2"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet><table:table table:name="Blad1">{ROWS}{extra}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    let stored = opts.compression_method(zip::CompressionMethod::Stored);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("content.xml", opts).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.start_file("META-INF/manifest.xml", opts).unwrap();
    z.write_all(br#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>"#)
        .unwrap();
    z.finish().unwrap();
    out.into_inner()
}

/// The rows of this area.
pub fn cases() -> Vec<Case> {
    let stray = "{root}/tests/fuzz/corpus/sheet/xlsx-stray-cell-xfd1048576.xlsx";
    let overflow = "{root}/tests/fuzz/corpus/sheet/xlsx-cell-ref-overflow.xlsx";
    let unclosed = "{root}/tests/fuzz/corpus/sheet/ods-unclosed-table-hang.ods";
    let xlsb = "{root}/crates/effekt-data/tests/fixtures/stray-far-cell.xlsb";
    vec![
        Case::new(
            "a stray cell at XFD1048576 in an .xlsb names the cell (no 549 GB allocation)",
            &["rct", "--data", xlsb, "--outcome", "y", "--treatment", "t"],
        )
        .timeout(SHORT)
        .needle("XFD1048576"),
        Case::new(
            "an .ods whose content.xml ends inside the table is an error, not a hang (F2)",
            &["rct", "--data", unclosed, "--outcome", "y", "--treatment", "t"],
        )
        .timeout(SHORT)
        .needle("damaged .ods"),
        rct("an .ods stray cell at XFD1048576 names the cell", "s.ods", "")
            .file(
                "s.ods",
                ods(concat!(
                    r#"<table:table-row table:number-rows-repeated="1048572"><table:table-cell/></table:table-row>"#,
                    r#"<table:table-row><table:table-cell table:number-columns-repeated="16383"/>"#,
                    r#"<table:table-cell office:value-type="float" office:value="7"/></table:table-row>"#
                )),
            )
            .timeout(SHORT)
            .needle("XFD1048576"),
        rct("UTF-16 without a byte order mark is named", "u.csv", "")
            .file(
                "u.csv",
                trial_csv()
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>(),
            )
            .needle("looks like UTF-16 text without a byte order mark; save it as UTF-8 CSV"),
        rct("a ;-file read with --delimiter , names the delimiter", "d.csv", "--delimiter ,")
            .file("d.csv", trial_csv().replace(',', ";"))
            .needle("the file seems to use `;` as delimiter")
            .needle("--delimiter ';'"),
        Case::new(
            "a pipe-delimited file is split like ;",
            &["rct", "--data", "{dir}/p.csv", "--outcome", "yy", "--treatment", "t"],
        )
        .file("p.csv", trial_csv().replace(',', "|"))
            .needle("available columns: y, t, x, c"),
        rct("--max-cells 0 is out of range", "d.csv", "--max-cells 0")
            .file("d.csv", trial_csv())
            .needle("--max-cells must be a whole number from 1 to 2000000000"),
        rct("a sheet over --max-cells names the flag", "s.ods", "--max-cells 4")
            .file("s.ods", ods(""))
            .needle("--max-cells N"),
        rct("an .ods with 30 million repeated non-empty cells is refused", "r.ods", "")
            .file(
                "r.ods",
                ods(concat!(
                    r#"<table:table-row table:number-rows-repeated="300000">"#,
                    r#"<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="100"/>"#,
                    r#"</table:table-row>"#
                )),
            )
            .timeout(SHORT)
            .needle("A4 (repeated to CV300003"),
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
