//! The `.ods` pre-pass (src/ods.rs): a damaged `content.xml` is an error, never a hang
//! (tests/fuzz/README.md finding F2), and repeated or far cells are held to the cell budget
//! before calamine allocates them. The files are built here, from table XML.

use effekt_data::{DataError, ReadOptions, read_table};
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"><office:body><office:spreadsheet>"#;
const TAIL: &str = "</office:spreadsheet></office:body></office:document-content>";
const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;

/// The bytes of an `.ods` file whose `content.xml` is `content`.
pub fn ods_bytes(content: &str) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("META-INF/manifest.xml", deflated).unwrap();
    z.write_all(MANIFEST.as_bytes()).unwrap();
    z.start_file("content.xml", deflated).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap();
    out.into_inner()
}

/// A header row (y, t) and two data rows.
const DATA: &str = r#"<table:table-row><table:table-cell office:value-type="string" office:string-value="y"/><table:table-cell office:value-type="string" office:string-value="t"/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="float" office:value="0"/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="2"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;

/// A document with one sheet named Blad1 holding `rows`.
fn sheet(rows: &str) -> String {
    format!(r#"{HEAD}<table:table table:name="Blad1">{rows}</table:table>{TAIL}"#)
}

/// Read `content` as an .ods file in a worker thread; `None` when it takes over 60 s.
fn read(content: &str) -> Option<Result<usize, DataError>> {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join("t.ods");
    std::fs::write(&path, ods_bytes(content)).unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = read_table(&path, &ReadOptions::default()).map(|t| t.nrows());
        let _ = tx.send(r);
        drop(dir);
    });
    rx.recv_timeout(Duration::from_secs(60)).ok()
}

fn message(content: &str) -> String {
    match read(content) {
        None => panic!("the read did not return within 60 s"),
        Some(Ok(n)) => panic!("read {n} rows, expected an error"),
        Some(Err(e)) => e.to_string(),
    }
}

#[test]
fn well_formed_file_reads() {
    assert_eq!(read(&sheet(DATA)).unwrap().unwrap(), 2);
    // LibreOffice pads a sheet with empty repeated rows and columns: not cells.
    let padded = format!(
        r#"{DATA}<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#
    );
    assert_eq!(read(&sheet(&padded)).unwrap().unwrap(), 2);
}

#[test]
fn unclosed_table_is_an_error_not_a_hang() {
    let cut = format!(r#"{HEAD}<table:table table:name="Blad1">{DATA}"#);
    let m = message(&cut);
    assert!(m.contains("damaged .ods"), "{m}");
    assert!(m.contains("ends inside <table:table>"), "{m}");
    assert!(m.contains("LibreOffice"), "{m}");
    // The shipped file of finding F2 (small.ods without </table:table>).
    let f2 = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fuzz/corpus/sheet/ods-unclosed-table-hang.ods");
    let e = read_table(&f2, &ReadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("damaged .ods"), "{e}");
}

#[test]
fn mismatched_end_tag_is_an_error() {
    let bad = sheet(&DATA.replacen("</table:table-row>", "</table:table-cell>", 1));
    let m = message(&bad);
    assert!(m.contains("damaged .ods"), "{m}");
}

#[test]
fn stray_far_cell_names_the_cell() {
    let far = format!(
        r#"{DATA}<table:table-row table:number-rows-repeated="1048572"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/><table:table-cell office:value-type="float" office:value="7"/></table:table-row>"#
    );
    let m = message(&sheet(&far));
    assert!(m.contains("XFD1048576"), "{m}");
    assert!(m.contains("\"Blad1\""), "{m}");
}

#[test]
fn repeated_non_empty_cells_are_held_to_the_budget() {
    // 300 000 rows × 100 columns of the value 1: 30 000 000 cells from 100 bytes of XML.
    let rep = format!(
        r#"{DATA}<table:table-row table:number-rows-repeated="300000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="100"/></table:table-row>"#
    );
    let m = message(&sheet(&rep));
    assert!(m.contains("A4 (repeated to CV300003"), "{m}");
}

#[test]
fn repeated_text_is_bounded() {
    // One cell with two billion spaces (calamine pushes them one by one).
    let spaces = format!(
        r#"{DATA}<table:table-row><table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row>"#
    );
    let m = message(&sheet(&spaces));
    assert!(m.contains("more than 1 GiB"), "{m}");
}

#[test]
fn all_sheets_together_are_held_to_the_budget() {
    let big = r#"<table:table-row table:number-rows-repeated="120000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="100"/></table:table-row>"#;
    let doc = format!(
        r#"{HEAD}<table:table table:name="Blad1">{DATA}</table:table><table:table table:name="A">{big}</table:table><table:table table:name="B">{big}</table:table>{TAIL}"#
    );
    let m = message(&doc);
    assert!(m.contains("up to \"B\""), "{m}");
    assert!(m.contains("every sheet"), "{m}");
}
