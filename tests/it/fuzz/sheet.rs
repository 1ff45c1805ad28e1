//! Structure-aware mutation of spreadsheets (.xlsx and .ods are zip archives of XML): unpack,
//! mutate the XML of one or more parts (the text mutations plus cell references, cell types and
//! duplicated elements), pack again (stored or deflated); sometimes the archive's bytes
//! themselves.

use super::mutate::{self, EXTREME_NUMBERS};
use super::rng::Rng;
use std::io::{Cursor, Read, Write};

/// Cell references at and beyond a sheet's edges. XFD1048576 is the last cell of an .xlsx.
const CELL_REFS: &[&str] = &[
    "XFD1048576",
    "A1048576",
    "XFD1",
    "B99999",
    "A1048577",
    "XFE1",
    "A0",
    "",
    "AAAA1",
    "A99999999999",
    "1A",
    "a1",
    "A1",
    "$A$1",
];

/// Cell types of .xlsx (`t="…"`) and value types of .ods (`office:value-type="…"`).
const CELL_TYPES: &[&str] = &[
    "s",
    "n",
    "b",
    "e",
    "str",
    "inlineStr",
    "d",
    "float",
    "string",
    "date",
    "boolean",
    "percentage",
    "currency",
    "time",
    "",
];

/// The entries of a zip archive, in order; `None` when it is not one.
pub fn unpack(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).ok()?;
        let mut data = Vec::new();
        f.read_to_end(&mut data).ok()?;
        entries.push((f.name().ok()?.to_string(), data));
    }
    Some(entries)
}

/// A zip archive of `entries`, each stored or deflated at random.
pub fn pack(rng: &mut Rng, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if rng.one_in(2) {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(name.as_str(), options)
            .expect("in-memory zip entry");
        w.write_all(data).expect("in-memory zip write");
    }
    w.finish().expect("in-memory zip").into_inner()
}

/// A mutated spreadsheet from `seed` (an archive); `others` are the other seeds' entries.
pub fn mutate(rng: &mut Rng, seed: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let Some(mut entries) = unpack(seed) else {
        return mutate::mutate(rng, seed, others);
    };
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        match rng.below(10) {
            0 if entries.len() > 1 => {
                let i = rng.below(entries.len());
                entries.remove(i);
            }
            1 => {
                // a part copied under another part's name
                let i = rng.below(entries.len());
                let j = rng.below(entries.len());
                entries[j].1 = entries[i].1.clone();
            }
            _ => {
                let i = pick_xml(rng, &entries);
                let xml = &entries[i].1;
                let new = if rng.one_in(2) {
                    mutate_xml(rng, xml)
                } else {
                    mutate::mutate(rng, xml, &[])
                };
                entries[i].1 = new;
            }
        }
    }
    let packed = pack(rng, &entries);
    if rng.one_in(10) {
        mutate::mutate(rng, &packed, others)
    } else {
        packed
    }
}

/// An entry to mutate: usually a worksheet or the content, else any.
fn pick_xml(rng: &mut Rng, entries: &[(String, Vec<u8>)]) -> usize {
    let main: Vec<usize> = entries
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| {
            n.contains("worksheets/") || n == "content.xml" || n.contains("sharedStrings")
        })
        .map(|(i, _)| i)
        .collect();
    if !main.is_empty() && !rng.one_in(4) {
        *rng.pick(&main)
    } else {
        rng.below(entries.len())
    }
}

/// Positions just after each occurrence of `pat` (the start of an attribute's value).
fn after_all(text: &[u8], pat: &[u8]) -> Vec<usize> {
    text.windows(pat.len())
        .enumerate()
        .filter(|(_, w)| *w == pat)
        .map(|(i, _)| i + pat.len())
        .collect()
}

/// Replace the attribute value that starts at `at` (up to the next `"`) by `value`.
fn set_value(text: &mut Vec<u8>, at: usize, value: &[u8]) {
    let end = text[at..]
        .iter()
        .position(|&c| c == b'"')
        .map_or(text.len(), |p| at + p);
    text.splice(at..end, value.iter().copied());
}

/// XML-aware mutations: a cell reference or a `dimension` moved to a sheet edge, a cell type
/// changed, a value replaced by an extreme number, an element (`<c>`, `<row>`, ODS cells and
/// rows, with their repeat counts) duplicated or repeated.
fn mutate_xml(rng: &mut Rng, xml: &[u8]) -> Vec<u8> {
    let mut out = xml.to_vec();
    match rng.below(6) {
        0 => {
            let spots = [after_all(&out, b" r=\""), after_all(&out, b"ref=\"")].concat();
            if let Some(&at) = spots.get(rng.below(spots.len().max(1))) {
                let value = if rng.one_in(3) {
                    format!("{}:{}", rng.pick(CELL_REFS), rng.pick(CELL_REFS))
                } else {
                    rng.pick(CELL_REFS).to_string()
                };
                set_value(&mut out, at, value.as_bytes());
            }
        }
        1 => {
            let spots = [after_all(&out, b" t=\""), after_all(&out, b"value-type=\"")].concat();
            if let Some(&at) = spots.get(rng.below(spots.len().max(1))) {
                set_value(&mut out, at, rng.pick(CELL_TYPES).as_bytes());
            }
        }
        2 => {
            let spots = [
                after_all(&out, b"number-columns-repeated=\""),
                after_all(&out, b"number-rows-repeated=\""),
                after_all(&out, b"office:value=\""),
                after_all(&out, b" s=\""),
            ]
            .concat();
            if let Some(&at) = spots.get(rng.below(spots.len().max(1))) {
                set_value(&mut out, at, rng.pick(EXTREME_NUMBERS).as_bytes());
            }
        }
        3 => {
            let spots = after_all(&out, b"<v>");
            if let Some(&at) = spots.get(rng.below(spots.len().max(1))) {
                let end = out[at..]
                    .iter()
                    .position(|&c| c == b'<')
                    .map_or(out.len(), |p| at + p);
                let v = rng.pick(EXTREME_NUMBERS).as_bytes().to_vec();
                out.splice(at..end, v);
            }
        }
        _ => duplicate_element(rng, &mut out),
    }
    out
}

fn duplicate_element(rng: &mut Rng, out: &mut Vec<u8>) {
    const TAGS: [&[u8]; 4] = [b"<c ", b"<row ", b"<table:table-cell", b"<table:table-row"];
    let tag: &[u8] = TAGS[rng.below(TAGS.len())];
    let close: &[u8] = match tag {
        b"<c " => b"</c>",
        b"<row " => b"</row>",
        b"<table:table-cell" => b"</table:table-cell>",
        _ => b"</table:table-row>",
    };
    let starts: Vec<usize> = after_all(out, tag)
        .into_iter()
        .map(|p| p - tag.len())
        .collect();
    let Some(&a) = starts.get(rng.below(starts.len().max(1))) else {
        return;
    };
    let Some(len) = out[a..].windows(close.len()).position(|w| w == close) else {
        return;
    };
    let element = out[a..a + len + close.len()].to_vec();
    let copies = if rng.one_in(3) { rng.len(500) } else { 1 };
    out.splice(a..a, element.repeat(copies));
}
