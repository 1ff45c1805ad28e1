//! A pass over an `.ods` file's `content.xml` before calamine reads it (issue 11, findings F2
//! and the cell budget in `tests/fuzz/README.md`).
//!
//! calamine 0.38's `.ods` reader parses every sheet of the workbook when the file is opened and
//! has two failure modes this pass rules out:
//!
//! * **Hang.** Its table loop has no end-of-file arm: a `content.xml` that ends inside
//!   `<table:table>` (a truncated or damaged export) spins forever. Here the document is
//!   streamed with quick-xml and refused when it ends with open elements or an end tag does not
//!   match its start tag.
//! * **Allocation.** It expands `table:number-rows-repeated` / `number-columns-repeated` of
//!   non-empty cells into a dense grid of up to 100 000 000 cells per sheet, clones each cell's
//!   text into every repeat, and materialises every row from column A to its last non-empty
//!   cell. Here the used range of each sheet (rows and columns of non-empty cells, repeat
//!   counts included, capped as calamine caps them at 1 048 576 rows and 16 384 columns), the
//!   cells materialised from column A, and the text held in memory are computed and checked
//!   against the cell budget before calamine allocates anything.
//!
//! The pass itself is bounded: at most [`MAX_ODS_XML_BYTES`] of decompressed XML are read
//! (counted while reading, so a zip bomb stops there), one XML event (a tag, a text run) may
//! span at most 64 MiB, and elements may nest at most 1 000 deep. Its memory is the stack of
//! open element names and one event buffer.

use crate::DataError;
use crate::sheet::column_letters;
use quick_xml::events::{BytesStart, Event};
use std::cell::Cell;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

/// The most decompressed XML (`content.xml`, `META-INF/manifest.xml`) read from an `.ods`
/// file: 1 GiB. Also the most text the cells of a workbook may hold once calamine has
/// expanded repeated cells.
pub const MAX_ODS_XML_BYTES: u64 = 1 << 30;
/// The most decompressed bytes of `META-INF/manifest.xml` (a few KiB in a real file).
const MAX_MANIFEST_BYTES: u64 = 16 << 20;
/// The most bytes one XML event (a start tag with its attributes, a text run) may span.
const MAX_EVENT_BYTES: u64 = 64 << 20;
/// The deepest element nesting accepted (LibreOffice writes fewer than 20 levels).
const MAX_DEPTH: usize = 1000;
/// calamine's caps on `.ods` rows and columns (`src/ods.rs` `MAX_ROWS`, `MAX_COLUMNS`).
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// Check `path` (an `.ods` file) before calamine reads it; see the module documentation.
/// A file that is not a zip archive or has no `content.xml` passes: calamine's own error
/// names the problem.
pub(crate) fn precheck(path: &Path, file: &str, max_cells: u64) -> Result<(), DataError> {
    let io = |source| DataError::Io {
        file: file.to_string(),
        source,
    };
    let f = std::fs::File::open(path).map_err(io)?;
    let Ok(mut zip) = zip::ZipArchive::new(BufReader::new(f)) else {
        return Ok(());
    };
    // calamine keeps all of manifest.xml in one buffer while it looks for encryption.
    for (part, limit) in [
        ("META-INF/manifest.xml", MAX_MANIFEST_BYTES),
        ("content.xml", MAX_ODS_XML_BYTES),
    ] {
        let Ok(entry) = zip.by_name(part) else {
            continue;
        };
        let tripped = Rc::new(Cell::new(None));
        let since = Rc::new(Cell::new(0u64));
        let counted = Counted {
            inner: entry,
            total: 0,
            limit,
            since: Rc::clone(&since),
            tripped: Rc::clone(&tripped),
        };
        let mut scan = Scan::new(file, part, max_cells);
        scan.run(BufReader::new(counted), &since, &tripped)?;
    }
    Ok(())
}

/// The error for a damaged document.
fn damaged(file: &str, part: &str, what: &str) -> DataError {
    DataError::Parse {
        file: file.to_string(),
        message: format!(
            "damaged .ods: {part} {what}; open it in LibreOffice and save it again, or export \
             the sheet as CSV"
        ),
    }
}

/// A reader that counts decompressed bytes and fails past its limit in total or
/// [`MAX_EVENT_BYTES`] since the last event (`since` is reset by the scanner).
struct Counted<R> {
    inner: R,
    total: u64,
    limit: u64,
    since: Rc<Cell<u64>>,
    tripped: Rc<Cell<Option<&'static str>>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total += n as u64;
        self.since.set(self.since.get() + n as u64);
        let trip = if self.total > self.limit {
            Some(if self.limit == MAX_ODS_XML_BYTES {
                "is larger than 1 GiB once decompressed (the most effekt reads)"
            } else {
                "is larger than 16 MiB once decompressed (the most effekt reads)"
            })
        } else if self.since.get() > MAX_EVENT_BYTES {
            Some("has a single tag or text longer than 64 MiB")
        } else {
            None
        };
        if let Some(t) = trip {
            self.tripped.set(Some(t));
            return Err(std::io::Error::other(t));
        }
        Ok(n)
    }
}

/// The sheet being scanned: its used range so far (0-based, inclusive), the cells calamine
/// materialises (each row from column A to its last non-empty cell) and the text it holds.
struct Sheet {
    name: String,
    depth: usize,
    next_row: u64,
    range: Option<(u64, u64, u64, u64)>,
    materialised: u64,
    text: u64,
}

/// The row being scanned: repeat count, next column, end of the last non-empty cell.
struct Row {
    depth: usize,
    repeat: u64,
    col: u64,
    end: u64,
}

/// The cell being scanned: repeat count, whether calamine keeps it, the bytes of its text.
struct CellScan {
    depth: usize,
    repeat: u64,
    nonempty: bool,
    text: u64,
}

struct Scan<'a> {
    file: &'a str,
    part: &'static str,
    max_cells: u64,
    stack: Vec<String>,
    sheet: Option<Sheet>,
    row: Option<Row>,
    cell: Option<CellScan>,
    /// Cells of all sheets so far (calamine holds every sheet at once).
    workbook_cells: u64,
    workbook_text: u64,
}

/// An attribute as text, if present.
fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// A repeat count attribute (absent or unreadable: 1, as calamine then fails on its own).
fn repeat(e: &BytesStart<'_>, key: &str) -> u64 {
    attr(e, key)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
}

impl<'a> Scan<'a> {
    fn new(file: &'a str, part: &'static str, max_cells: u64) -> Self {
        Self {
            file,
            part,
            max_cells,
            stack: Vec::new(),
            sheet: None,
            row: None,
            cell: None,
            workbook_cells: 0,
            workbook_text: 0,
        }
    }

    fn run<R: std::io::BufRead>(
        &mut self,
        input: R,
        since: &Cell<u64>,
        tripped: &Cell<Option<&'static str>>,
    ) -> Result<(), DataError> {
        let mut reader = quick_xml::Reader::from_reader(input);
        let mut buf = Vec::new();
        loop {
            since.set(0);
            buf.clear();
            let event = match reader.read_event_into(&mut buf) {
                Ok(e) => e,
                Err(e) => {
                    let what = match tripped.get() {
                        Some(t) => t.to_string(),
                        None => format!("is not well-formed XML ({e})"),
                    };
                    return Err(damaged(self.file, self.part, &what));
                }
            };
            match event {
                Event::Start(e) => {
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(damaged(
                            self.file,
                            self.part,
                            "nests elements more than 1000 deep",
                        ));
                    }
                    self.stack.push(e.name().as_ref().to_string());
                    self.start(&e);
                }
                Event::Empty(e) => {
                    self.stack.push(e.name().as_ref().to_string());
                    self.start(&e);
                    self.end()?;
                    self.stack.pop();
                }
                Event::End(e) => {
                    if self.stack.last().map(String::as_str) != Some(e.name().as_ref()) {
                        let name = e.name().as_ref().to_string();
                        return Err(damaged(
                            self.file,
                            self.part,
                            &format!("has an end tag </{name}> that matches no open element"),
                        ));
                    }
                    self.end()?;
                    self.stack.pop();
                }
                Event::Text(t) => self.add_text(t.len() as u64),
                Event::CData(t) => self.add_text(t.len() as u64),
                Event::GeneralRef(_) => self.add_text(4),
                Event::Eof => break,
                _ => {}
            }
        }
        if let Some(open) = self.stack.last() {
            let name = open.clone();
            return Err(damaged(
                self.file,
                self.part,
                &format!("ends inside <{name}> (the file is cut short or damaged)"),
            ));
        }
        Ok(())
    }

    fn add_text(&mut self, n: u64) {
        if let Some(c) = &mut self.cell {
            c.text = c.text.saturating_add(n);
        }
    }

    /// A start tag (already on the stack).
    fn start(&mut self, e: &BytesStart<'_>) {
        let depth = self.stack.len();
        let name = e.name();
        match name.as_ref() {
            "table:table" if self.sheet.is_none() => {
                if let Some(n) = attr(e, "table:name") {
                    self.sheet = Some(Sheet {
                        name: n,
                        depth,
                        next_row: 0,
                        range: None,
                        materialised: 0,
                        text: 0,
                    });
                }
            }
            "table:table-row" if self.sheet.is_some() && self.row.is_none() => {
                self.row = Some(Row {
                    depth,
                    repeat: repeat(e, "table:number-rows-repeated"),
                    col: 0,
                    end: 0,
                });
            }
            "table:table-cell" | "table:covered-table-cell"
                if self.row.is_some() && self.cell.is_none() =>
            {
                let mut nonempty = false;
                let mut text = 0u64;
                for a in e.attributes().flatten() {
                    match a.key.as_ref() {
                        "office:value"
                        | "office:date-value"
                        | "office:time-value"
                        | "office:boolean-value" => nonempty = true,
                        "office:string-value" | "table:formula" => {
                            nonempty = true;
                            text = text.saturating_add(a.value.len() as u64);
                        }
                        "office:value-type" if a.value.as_ref() == "string" => nonempty = true,
                        _ => {}
                    }
                }
                self.cell = Some(CellScan {
                    depth,
                    repeat: repeat(e, "table:number-columns-repeated"),
                    nonempty,
                    text,
                });
            }
            "text:s" => {
                let n = repeat(e, "text:c");
                self.add_text(n);
            }
            _ => {}
        }
    }

    /// The end of the element on top of the stack.
    fn end(&mut self) -> Result<(), DataError> {
        let depth = self.stack.len();
        if self.cell.as_ref().is_some_and(|c| c.depth == depth) {
            if let Some(c) = self.cell.take() {
                self.end_cell(&c)?;
            }
        } else if self.row.as_ref().is_some_and(|r| r.depth == depth) {
            if let Some(r) = self.row.take() {
                self.end_row(&r)?;
            }
        } else if let Some(s) = self.sheet.take_if(|s| s.depth == depth) {
            self.end_sheet(&s)?;
        }
        Ok(())
    }

    fn end_cell(&mut self, c: &CellScan) -> Result<(), DataError> {
        let (Some(row), Some(sheet)) = (&mut self.row, &mut self.sheet) else {
            return Ok(());
        };
        let first_col = row.col;
        row.col = row.col.saturating_add(c.repeat).min(ODS_MAX_COLUMNS);
        let rows = row.repeat.min(ODS_MAX_ROWS.saturating_sub(sheet.next_row));
        if !c.nonempty || row.col == first_col || rows == 0 {
            return Ok(());
        }
        row.end = row.col;
        let (r0, r1) = (sheet.next_row, sheet.next_row + rows - 1);
        let (c0, c1) = (first_col, row.col - 1);
        sheet.range = Some(match sheet.range {
            None => (r0, r1, c0, c1),
            Some((a, b, x, y)) => (a.min(r0), b.max(r1), x.min(c0), y.max(c1)),
        });
        // calamine clones the text once per repeated column, then once per expanded cell.
        let copies = (c1 - c0 + 1).saturating_mul(rows.saturating_add(1));
        sheet.text = sheet.text.saturating_add(c.text.saturating_mul(copies));
        let cell = if c1 == c0 && rows == 1 {
            format!("{}{}", column_letters(c0 as usize), r0 + 1)
        } else {
            format!(
                "{}{} (repeated to {}{} by its repeat count)",
                column_letters(c0 as usize),
                r0 + 1,
                column_letters(c1 as usize),
                r1 + 1
            )
        };
        self.check(&cell)
    }

    fn end_row(&mut self, r: &Row) -> Result<(), DataError> {
        let Some(sheet) = &mut self.sheet else {
            return Ok(());
        };
        let rows = r.repeat.min(ODS_MAX_ROWS.saturating_sub(sheet.next_row));
        sheet.next_row += rows;
        sheet.materialised = sheet.materialised.saturating_add(r.end);
        if r.end == 0 {
            return Ok(());
        }
        let cell = format!(
            "{}{}",
            column_letters(r.end as usize - 1),
            sheet.next_row.max(1)
        );
        self.check(&cell)
    }

    /// calamine holds every sheet of an `.ods` at once: the cells of all sheets together are
    /// held to the same budget.
    fn end_sheet(&mut self, s: &Sheet) -> Result<(), DataError> {
        let span = s.range.map_or(0, |(r0, r1, c0, c1)| {
            (r1 - r0 + 1).saturating_mul(c1 - c0 + 1)
        });
        self.workbook_cells = self.workbook_cells.saturating_add(span.max(s.materialised));
        self.workbook_text = self.workbook_text.saturating_add(s.text);
        if self.workbook_cells > self.max_cells {
            return Err(DataError::Parse {
                file: self.file.to_string(),
                message: format!(
                    "the sheets up to {:?} span {} cells together, more than the cell limit \
                     (max_cells) of {}; the .ods reader loads every sheet of the workbook: \
                     delete the sheets not needed, save the data sheet on its own (or as CSV), \
                     or raise the cell limit (max_cells)",
                    s.name, self.workbook_cells, self.max_cells
                ),
            });
        }
        if self.workbook_text > MAX_ODS_XML_BYTES {
            return Err(self.text_error(&s.name, "the end of the sheet"));
        }
        Ok(())
    }

    fn text_error(&self, sheet: &str, at: &str) -> DataError {
        DataError::Parse {
            file: self.file.to_string(),
            message: format!(
                "sheet {sheet:?}: the text of the cells would take more than 1 GiB in memory \
                 once repeated cells are expanded (at {at}); delete the repeated text cells \
                 outside the table, or export the sheet as CSV"
            ),
        }
    }

    /// The budget: the sheet's used range, the cells materialised from column A, the text.
    fn check(&self, cell: &str) -> Result<(), DataError> {
        let Some(sheet) = &self.sheet else {
            return Ok(());
        };
        let Some((r0, r1, c0, c1)) = sheet.range else {
            return Ok(());
        };
        let span = (r1 - r0 + 1).saturating_mul(c1 - c0 + 1);
        let over = if span > self.max_cells {
            Some((span, c0))
        } else if sheet.materialised > self.max_cells {
            Some((sheet.materialised, 0))
        } else {
            None
        };
        if let Some((cells, first_col)) = over {
            return Err(DataError::SheetTooLarge {
                file: self.file.to_string(),
                sheet: sheet.name.clone(),
                cell: cell.to_string(),
                range: format!(
                    "{}{}:{}{}",
                    column_letters(first_col as usize),
                    r0 + 1,
                    column_letters(c1 as usize),
                    r1 + 1
                ),
                cells,
                max: self.max_cells,
            });
        }
        if sheet.text.saturating_add(self.workbook_text) > MAX_ODS_XML_BYTES {
            return Err(self.text_error(&sheet.name, &format!("cell {cell}")));
        }
        Ok(())
    }
}
