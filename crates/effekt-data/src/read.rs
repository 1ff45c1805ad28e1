//! Reading CSV (comma/semicolon/tab, decimal point or comma, BOM, quotes) and, behind the same
//! seam, spreadsheets.

use crate::cell::{Builder, ColType, DecimalEvidence, TypeState, as_text, classify, trim};
use crate::{Column, DataError, Table, spreadsheet_row};
use std::borrow::Cow;
use std::path::Path;

/// Decimal separator of numbers in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decimal {
    /// `3.14`
    Point,
    /// `3,14` (Swedish-locale exports)
    Comma,
}

/// How to read a file. `None` = auto-detect.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadOptions {
    /// Field delimiter (`,`, `;` or tab); auto-detected from the header when `None`.
    pub delimiter: Option<char>,
    /// Decimal separator; auto-detected when `None`.
    pub decimal: Option<Decimal>,
    /// Worksheet name for `.xlsx` (first sheet when `None`).
    pub sheet: Option<String>,
    /// The cell budget of a spreadsheet: the most cells its used range (first to last
    /// non-empty cell, rows × columns) may span, and for `.ods` also the cells of all sheets
    /// together. `None`: [`crate::MAX_SHEET_CELLS`] (20 000 000, about 1 GB in memory). Range
    /// 1 ..= [`MAX_CELLS_LIMIT`] (2 000 000 000); outside it [`read_table`] fails with
    /// [`DataError::Parse`]. Raise it only for a sheet that really is that large and a machine
    /// with the memory (about 50 bytes per cell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cells: Option<u64>,
}

/// The largest cell budget [`ReadOptions::max_cells`] may give: 2 000 000 000 cells.
pub const MAX_CELLS_LIMIT: u64 = 2_000_000_000;

impl ReadOptions {
    /// The cell budget in force: [`ReadOptions::max_cells`] or [`crate::MAX_SHEET_CELLS`].
    ///
    /// # Errors
    /// [`DataError::Parse`] naming `file` when the budget is outside 1 ..= [`MAX_CELLS_LIMIT`].
    pub fn cell_budget(&self, file: &str) -> Result<u64, DataError> {
        match self.max_cells {
            None => Ok(crate::MAX_SHEET_CELLS),
            Some(n) if (1..=MAX_CELLS_LIMIT).contains(&n) => Ok(n),
            Some(n) => Err(DataError::Parse {
                file: file.to_string(),
                message: format!(
                    "the cell limit (max_cells) {n} is out of range; give a whole number from 1 \
                     to {MAX_CELLS_LIMIT}"
                ),
            }),
        }
    }
}

/// Read a table from `path`, dispatching on the extension (case-insensitive):
/// `.csv`, `.txt`, `.tsv`, `.tab` are delimited text; `.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`
/// are spreadsheets read with calamine (first worksheet unless [`ReadOptions::sheet`]).
/// The file is never modified.
///
/// Text files may be UTF-8 (with or without byte-order mark) or UTF-16 with a byte-order mark
/// (Excel's "Unicode text"); a file that is not valid UTF-8 is read as Windows-1252, the
/// encoding of Excel's plain "CSV (semicolon separated)" on Swedish Windows.
///
/// # Errors
/// [`DataError::Io`] when the file cannot be read, [`DataError::UnsupportedFormat`] for any
/// other extension, and every error of [`read_csv_str`] or of the spreadsheet reader
/// ([`DataError::UnknownSheet`], [`DataError::Parse`] for a damaged workbook).
pub fn read_table(path: &Path, options: &ReadOptions) -> Result<Table, DataError> {
    let file = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" | "tsv" | "tab" => {
            check_regular(path, &file)?;
            let bytes = std::fs::read(path).map_err(|source| DataError::Io {
                file: file.clone(),
                source,
            })?;
            check_not_utf16(&bytes, &file)?;
            let text = decode(&bytes);
            let mut opts = options.clone();
            if opts.delimiter.is_none() && matches!(ext.as_str(), "tsv" | "tab") {
                opts.delimiter = Some('\t');
            }
            read_csv_str(&file, &text, &opts)
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            check_regular(path, &file)?;
            crate::sheet::read_sheet(path, &file, &ext, options)
        }
        _ => Err(DataError::UnsupportedFormat {
            file,
            extension: ext,
        }),
    }
}

/// The largest data file effekt reads: 2 GiB (a register extract of a few million rows fits; a
/// symbolic link to `/dev/zero` or a mistaken disk image does not).
pub const MAX_INPUT_BYTES: u64 = 2 << 30;

/// The data path (after symbolic links) must be a regular file of at most [`MAX_INPUT_BYTES`]:
/// a FIFO would block, a device (`/dev/zero`) would be read until memory is gone. Checked from
/// metadata, so nothing is opened.
fn check_regular(path: &Path, file: &str) -> Result<(), DataError> {
    let meta = std::fs::metadata(path).map_err(|source| DataError::Io {
        file: file.to_string(),
        source,
    })?;
    let ft = meta.file_type();
    if !ft.is_file() {
        return Err(DataError::NotRegularFile {
            file: file.to_string(),
            kind: file_kind(&ft),
        });
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(DataError::InputTooLarge {
            file: file.to_string(),
            bytes: meta.len(),
            max: MAX_INPUT_BYTES,
        });
    }
    Ok(())
}

/// What a non-regular file is, for the message.
fn file_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if ft.is_char_device() || ft.is_block_device() {
            return "a device";
        }
        if ft.is_socket() {
            return "a socket";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// UTF-16 without a byte-order mark (every other byte NUL in ASCII text) would be read as
/// Windows-1252 with NULs between the letters: refused with a message naming the cause. The
/// test: at least 8 of the first 4096 bytes, no BOM, and more than 40 % of the bytes at odd
/// (UTF-16LE) or at even (UTF-16BE) positions NUL, while the other positions hold none.
fn check_not_utf16(bytes: &[u8], file: &str) -> Result<(), DataError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Ok(());
    }
    let head = &bytes[..bytes.len().min(4096)];
    if head.len() < 8 {
        return Ok(());
    }
    let nul_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    let half = head.len() / 2;
    if (odd * 10 > half * 4 && even == 0) || (even * 10 > half * 4 && odd == 0) {
        return Err(DataError::Parse {
            file: file.to_string(),
            message: "the file looks like UTF-16 text without a byte order mark; save it as \
                      UTF-8 CSV (in Excel: Save As, \"CSV UTF-8\"; every other byte is NUL)"
                .to_string(),
        });
    }
    Ok(())
}

/// For a header read as one column: the most frequent other delimiter (`;`, tab, `|`, `,`)
/// outside quotes in the header line, if any.
fn delimiter_hint(text: &str, used: u8) -> Option<char> {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let mut counts = [0usize; 4];
    let cands = [b';', b'\t', b'|', b','];
    let mut in_quotes = false;
    for b in line.bytes() {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes
            && b != used
            && let Some(k) = cands.iter().position(|&c| c == b)
        {
            counts[k] += 1;
        }
    }
    let best = (0..4).fold(0, |best, k| if counts[k] > counts[best] { k } else { best });
    (counts[best] > 0).then(|| char::from(cands[best]))
}

/// Bytes of a text file as a string: UTF-8 (BOM stripped), UTF-16 with BOM, else Windows-1252.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units = rest
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]));
        return Cow::Owned(
            char::decode_utf16(units)
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]));
        return Cow::Owned(
            char::decode_utf16(units)
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()),
    }
}

/// Windows-1252 byte to char (0x80–0x9F differ from Latin-1; undefined bytes map to C1).
fn windows_1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    if (0x80..0xA0).contains(&b) {
        let u = HIGH.get(usize::from(b - 0x80)).copied().unwrap_or(0xFFFD);
        char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)
    } else {
        char::from(b)
    }
}

/// The delimiter: the most frequent of `,`, `;`, tab, `|` outside quotes in the header line (ties
/// go to `;`, then tab, then `,`, then `|`). A header without any: `;` if the data contain commas (a single
/// column of decimal-comma numbers), else `,`.
fn detect_delimiter(text: &str) -> u8 {
    let bytes = text.as_bytes();
    let mut counts = [0usize; 4]; // ; \t , |
    let mut in_quotes = false;
    let mut seen = false;
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes && seen => {
                end = i;
                break;
            }
            b';' if !in_quotes => counts[0] += 1,
            b'\t' if !in_quotes => counts[1] += 1,
            b',' if !in_quotes => counts[2] += 1,
            b'|' if !in_quotes => counts[3] += 1,
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            seen = true;
        }
    }
    let candidates = [b';', b'\t', b',', b'|'];
    let best = (0..4).fold(
        0usize,
        |best, k| if counts[k] > counts[best] { k } else { best },
    );
    if counts[best] > 0 {
        return candidates[best];
    }
    let sample = bytes.get(end..).unwrap_or_default();
    let sample = &sample[..sample.len().min(64 * 1024)];
    if sample.contains(&b',') { b';' } else { b',' }
}

/// Parse CSV text already in memory; `source` names it in errors.
///
/// * Delimiter: [`ReadOptions::delimiter`], else Excel's `sep=X` first line if present, else
///   detected from the header line (the most frequent of `,` `;` tab outside quotes).
/// * Decimal: [`ReadOptions::decimal`], else decimal comma when more cells are numbers with a
///   comma than with a point (`1,5` or `1 234` versus `1.5`), else point. Under the decimal
///   comma, thousands separators (space, U+00A0, U+202F between groups of three digits) are
///   accepted.
/// * Quotes as in RFC 4180 (`"a;b"`, `"say ""hi"""`, newlines inside quotes); CRLF or LF; a
///   leading BOM is ignored; whitespace around values is trimmed.
/// * Types per column: Bool (true/false, sant/falskt, any case), else Int, else Float, else
///   Categorical (levels in order of first appearance). Missing tokens (empty, `NA`, `N/A`,
///   `NaN`, `NULL`, `#N/A`, `.`) are `None`, never 0. A column with no values at all is Float.
///   `Inf`/`-Inf` (as R and pandas write them) are infinite numbers.
/// * Rows whose cells are all empty are skipped; row numbers stay those of the file (see
///   [`Table::row_number`]). Trailing columns with an empty header and no values (`a;b;;`) are
///   dropped; other empty header cells are named `column_K` (K = 1-based position).
///
/// # Errors
/// [`DataError::Empty`] (no header or no data rows), [`DataError::RaggedRow`] (a row with
/// another number of fields than the header), [`DataError::DuplicateColumn`],
/// [`DataError::Parse`] (an unusable delimiter).
///
/// # Examples
/// ```
/// use effekt_data::{ColumnData, Decimal, ReadOptions, read_csv_str};
/// let csv = "kommun;vikt;behandlad\nUmeå;1 234,5;sant\nLuleå;NA;falskt\n";
/// let t = read_csv_str("export.csv", csv, &ReadOptions::default())?;
/// assert_eq!(t.delimiter(), Some(';'));
/// assert_eq!(t.decimal(), Decimal::Comma);
/// assert_eq!(t.column("vikt")?.data, ColumnData::Float(vec![Some(1234.5), None]));
/// assert_eq!(t.column("behandlad")?.data, ColumnData::Bool(vec![Some(true), Some(false)]));
/// # Ok::<(), effekt_data::DataError>(())
/// ```
pub fn read_csv_str(source: &str, text: &str, options: &ReadOptions) -> Result<Table, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (text, sep_line) = strip_sep_line(text);
    let delimiter = match options.delimiter.or(sep_line) {
        Some(c) if c.is_ascii() && !matches!(c, '"' | '\n' | '\r') => c as u8,
        Some(c) => {
            return Err(DataError::Parse {
                file: source.to_string(),
                message: format!(
                    "the delimiter {c:?} cannot be used; give a single ASCII character such as ',' ';' or a tab"
                ),
            });
        }
        None => detect_delimiter(text),
    };
    let bytes = text.as_bytes();
    let reader = || {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(bytes)
    };
    let csv_err = |e: csv::Error| DataError::Parse {
        file: source.to_string(),
        message: format!("cannot split the file into fields: {e}"),
    };

    // Pass 1: header, shape, row numbers, types and decimal evidence.
    let mut rdr = reader();
    let mut rec = csv::ByteRecord::new();
    let mut rows = RowCounter::default();
    loop {
        if !rdr.read_byte_record(&mut rec).map_err(csv_err)? {
            return Err(DataError::Empty {
                file: source.to_string(),
            });
        }
        rows.next(&rec, bytes);
        if !all_empty(&rec) {
            break;
        }
    }
    let raw_names: Vec<String> = rec.iter().map(|f| as_text(trim(f)).into_owned()).collect();
    let names = column_names(source, raw_names)?;
    let width = names.len();

    let auto_decimal = options.decimal.is_none();
    let fixed = options.decimal.unwrap_or(crate::Decimal::Point);
    let mut states_point = vec![TypeState::default(); width];
    let mut states_comma = vec![TypeState::default(); width];
    let mut evidence = DecimalEvidence::default();
    let mut row_numbers = RowNumbers::default();
    while rdr.read_byte_record(&mut rec).map_err(csv_err)? {
        let row = rows.next(&rec, bytes);
        if all_empty(&rec) {
            continue;
        }
        check_width(source, &rec, width, row)?;
        row_numbers.push(row);
        for (j, field) in rec.iter().take(width).enumerate() {
            let f = trim(field);
            if auto_decimal {
                let kp = classify(f, crate::Decimal::Point);
                let kc = if f
                    .iter()
                    .any(|&b| matches!(b, b',' | b'.' | b' ' | 0xC2 | 0xE2))
                {
                    classify(f, crate::Decimal::Comma)
                } else {
                    kp
                };
                evidence.add(kp, kc);
                if let Some(s) = states_point.get_mut(j) {
                    s.add(kp);
                }
                if let Some(s) = states_comma.get_mut(j) {
                    s.add(kc);
                }
            } else if let Some(s) = states_point.get_mut(j) {
                s.add(classify(f, fixed));
            }
        }
    }
    let nrows = row_numbers.len();
    if nrows == 0 {
        return Err(DataError::Empty {
            file: source.to_string(),
        });
    }
    let decimal = if auto_decimal {
        evidence.decide()
    } else {
        fixed
    };
    let states = if auto_decimal && decimal == crate::Decimal::Comma {
        states_comma
    } else {
        states_point
    };
    let types: Vec<ColType> = states.iter().map(TypeState::resolve).collect();

    // Pass 2: values.
    let mut builders: Vec<Builder> = types.iter().map(|&t| Builder::new(t, nrows)).collect();
    let mut rdr = reader();
    let mut first = true;
    let mut k = 0usize;
    while rdr.read_byte_record(&mut rec).map_err(csv_err)? {
        if all_empty(&rec) {
            continue;
        }
        if first {
            first = false;
            continue;
        }
        for (j, (field, b)) in rec.iter().zip(builders.iter_mut()).enumerate() {
            b.push_text(trim(field), decimal)
                .map_err(|_| DataError::Parse {
                    file: source.to_string(),
                    message: format!(
                        "internal inconsistency reading row {}, column {}; please report this",
                        row_numbers.get(k),
                        j + 1
                    ),
                })?;
        }
        k += 1;
    }
    let columns = names
        .into_iter()
        .zip(builders)
        .map(|(name, b)| Column {
            name,
            data: b.finish(),
        })
        .collect();
    let hint = if width == 1 {
        delimiter_hint(text, delimiter)
    } else {
        None
    };
    Ok(Table::new(source, columns)?
        .with_format(decimal, Some(char::from(delimiter)), row_numbers.finish())
        .with_delimiter_hint(hint))
}

/// Excel's delimiter hint `sep=;` on the first line (Excel does not show it, so the header
/// after it is row 1): the text after it and the delimiter it names.
fn strip_sep_line(text: &str) -> (&str, Option<char>) {
    let Some(prefix) = text.get(..4) else {
        return (text, None);
    };
    if !prefix.eq_ignore_ascii_case("sep=") {
        return (text, None);
    }
    let line_end = text.find('\n').unwrap_or(text.len());
    let line = text
        .get(4..line_end)
        .unwrap_or_default()
        .trim_end_matches('\r');
    let mut chars = line.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => (text.get(line_end + 1..).unwrap_or_default(), Some(c)),
        _ => (text, None),
    }
}

fn all_empty(rec: &csv::ByteRecord) -> bool {
    rec.iter().all(|f| trim(f).is_empty())
}

/// A data row must have as many fields as the header; extra fields are allowed only when empty
/// (a trailing delimiter).
fn check_width(
    source: &str,
    rec: &csv::ByteRecord,
    width: usize,
    row: usize,
) -> Result<(), DataError> {
    let found = rec.len();
    let extra_nonempty = rec.iter().skip(width).any(|f| !trim(f).is_empty());
    if found < width || extra_nonempty {
        let found = if extra_nonempty {
            // Count up to the last non-empty field.
            rec.iter()
                .rposition(|f| !trim(f).is_empty())
                .map_or(found, |p| p + 1)
        } else {
            found
        };
        return Err(DataError::RaggedRow {
            file: source.to_string(),
            row,
            expected: width,
            found,
        });
    }
    Ok(())
}

/// Column names from header cells: trailing empty names dropped, other empty names become
/// `column_K`, duplicates rejected.
pub(crate) fn column_names(source: &str, mut raw: Vec<String>) -> Result<Vec<String>, DataError> {
    while raw.last().is_some_and(|n| n.is_empty()) {
        raw.pop();
    }
    if raw.is_empty() {
        return Err(DataError::Empty {
            file: source.to_string(),
        });
    }
    let names: Vec<String> = raw
        .into_iter()
        .enumerate()
        .map(|(j, n)| {
            if n.is_empty() {
                format!("column_{}", j + 1)
            } else {
                n
            }
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    for n in &names {
        if !seen.insert(n.as_str()) {
            return Err(DataError::DuplicateColumn {
                file: source.to_string(),
                column: n.clone(),
            });
        }
    }
    Ok(names)
}

/// Spreadsheet row numbers of CSV records: one row per record (a newline inside quotes stays
/// within its row) plus the blank lines the CSV reader skipped.
///
/// The reader reports for each record the byte just after the previous record's terminator;
/// the blank lines it skipped are the line breaks in the run of `\r`/`\n` starting there
/// (`\r\n` is one break, and a `\n` completing the previous record's `\r\n` is none).
#[derive(Default)]
struct RowCounter {
    row: usize,
}

impl RowCounter {
    fn next(&mut self, rec: &csv::ByteRecord, text: &[u8]) -> usize {
        let p = rec
            .position()
            .and_then(|pos| usize::try_from(pos.byte()).ok())
            .unwrap_or(text.len());
        let mut i = p;
        if i > 0 && text.get(i - 1) == Some(&b'\r') && text.get(i) == Some(&b'\n') {
            i += 1;
        }
        let mut blanks = 0usize;
        while let Some(&b) = text.get(i) {
            match b {
                b'\r' => {
                    blanks += 1;
                    i += if text.get(i + 1) == Some(&b'\n') {
                        2
                    } else {
                        1
                    };
                }
                b'\n' => {
                    blanks += 1;
                    i += 1;
                }
                _ => break,
            }
        }
        self.row += 1 + blanks;
        self.row
    }
}

/// Row numbers of kept data rows, stored only once they stop being `spreadsheet_row(i)`
/// (rows only increase, so a header below row 1 or a skipped blank row shows up at once).
#[derive(Default)]
pub(crate) struct RowNumbers {
    rows: Option<Vec<usize>>,
    n: usize,
}

impl RowNumbers {
    pub(crate) fn push(&mut self, row: usize) {
        match &mut self.rows {
            Some(v) => v.push(row),
            None if row == spreadsheet_row(self.n) => {}
            None => {
                let mut v: Vec<usize> = (0..self.n).map(spreadsheet_row).collect();
                v.push(row);
                self.rows = Some(v);
            }
        }
        self.n += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.n
    }

    pub(crate) fn get(&self, i: usize) -> usize {
        match &self.rows {
            Some(v) => v.get(i).copied().unwrap_or_else(|| spreadsheet_row(i)),
            None => spreadsheet_row(i),
        }
    }

    pub(crate) fn finish(self) -> Option<Vec<usize>> {
        self.rows
    }
}
