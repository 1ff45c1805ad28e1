//! Finding keys of the study file by their dotted path, so every error can name the line.
//!
//! Serde errors from `toml` carry a byte span; errors found after deserialisation (a column
//! missing from the data, an option that does not belong to the chosen design, contract shares
//! that do not sum to 1) carry a key path such as `contract.components[2].funded_by`. Both are
//! turned into a 1-based line and column here, by walking `toml`'s spanned document
//! ([`toml::de::DeTable`]).

use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A table key.
    Key(String),
    /// An array position (0-based).
    Index(usize),
}

/// Parse `a.b[2].c` into segments. Keys may not contain `.` or `[`.
pub fn parse_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        let key_end = rest.find('[').unwrap_or(rest.len());
        let (key, tail) = rest.split_at(key_end);
        if !key.is_empty() {
            out.push(Segment::Key(key.to_string()));
        }
        rest = tail;
        while let Some(stripped) = rest.strip_prefix('[') {
            let close = stripped.find(']').unwrap_or(stripped.len());
            if let Ok(i) = stripped[..close].parse::<usize>() {
                out.push(Segment::Index(i));
            }
            rest = stripped.get(close + 1..).unwrap_or("");
        }
    }
    out
}

/// 1-based (line, column) of byte offset `offset` in `text` (column counted in characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Byte span of the key (or array item) at `path`, or of the deepest part of the path that
/// exists. `None` when the text does not parse or not even the first key exists.
pub fn span_of(text: &str, path: &str) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let segments = parse_path(path);
    let mut best: Option<Range<usize>> = None;
    let mut current: Option<&DeValue<'_>> = None;
    let root = doc.get_ref();
    for seg in &segments {
        match seg {
            Segment::Key(k) => {
                let table: &DeTable<'_> = match current {
                    None => root,
                    Some(v) => match v.as_table() {
                        Some(t) => t,
                        None => break,
                    },
                };
                let Some((key, value)) = table.iter().find(|(key, _)| key.get_ref() == k) else {
                    break;
                };
                best = Some(key.span());
                current = Some(value.get_ref());
            }
            Segment::Index(i) => {
                let Some(arr) = current.and_then(|v| v.as_array()) else {
                    break;
                };
                let Some(item) = arr.get(*i) else {
                    break;
                };
                best = Some(item.span());
                current = Some(item.get_ref());
            }
        }
    }
    best
}

/// Every occurrence of the key `name` anywhere in the document, as (dotted path, key span), in
/// document order.
pub fn find_key(text: &str, name: &str) -> Vec<(String, Range<usize>)> {
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk_table(doc.get_ref(), "", name, &mut out);
    out.sort_by_key(|(_, s)| s.start);
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk_table(t: &DeTable<'_>, prefix: &str, name: &str, out: &mut Vec<(String, Range<usize>)>) {
    for (k, v) in t.iter() {
        let path = join(prefix, k.get_ref());
        if k.get_ref() == name {
            out.push((path.clone(), k.span()));
        }
        walk_value(v.get_ref(), &path, name, out);
    }
}

fn walk_value(v: &DeValue<'_>, path: &str, name: &str, out: &mut Vec<(String, Range<usize>)>) {
    if let Some(t) = v.as_table() {
        walk_table(t, path, name, out);
    } else if let Some(a) = v.as_array() {
        for (i, item) in a.iter().enumerate() {
            walk_value(item.get_ref(), &format!("{path}[{i}]"), name, out);
        }
    }
}

/// The keys of the table at `path` (top level when `path` is empty) with their spans, in
/// document order. Empty when there is no such table.
pub fn keys_of(text: &str, path: &str) -> Vec<(String, Range<usize>)> {
    let Ok(doc) = DeTable::parse(text) else {
        return Vec::new();
    };
    let mut current: &DeTable<'_> = doc.get_ref();
    for seg in parse_path(path) {
        let Segment::Key(k) = seg else {
            return Vec::new();
        };
        let Some((_, v)) = current.iter().find(|(key, _)| key.get_ref() == &k) else {
            return Vec::new();
        };
        let Some(t) = v.get_ref().as_table() else {
            return Vec::new();
        };
        current = t;
    }
    let mut out: Vec<(String, Range<usize>)> = current
        .iter()
        .map(|(k, _)| (k.get_ref().to_string(), k.span()))
        .collect();
    out.sort_by_key(|(_, s)| s.start);
    out
}

/// A string value at `path` (e.g. `design.kind`), when present.
pub fn string_at(text: &str, path: &str) -> Option<String> {
    let doc = DeTable::parse(text).ok()?;
    let mut current: Option<&DeValue<'_>> = None;
    let root = doc.get_ref();
    for seg in parse_path(path) {
        match seg {
            Segment::Key(k) => {
                let table = match current {
                    None => root,
                    Some(v) => v.as_table()?,
                };
                let (_, value) = table.iter().find(|(key, _)| key.get_ref() == &k)?;
                current = Some(value.get_ref());
            }
            Segment::Index(i) => {
                let item = current?.as_array()?.get(i)?;
                current = Some(item.get_ref());
            }
        }
    }
    current?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title = \"x\"\n[design]\nkind = \"rct\"\ncaliper = 0.2\n\n[[outcomes]]\ncolumn = \"a\"\n\n[[outcomes]]\ncolumn = \"b\"\n[contract]\ncurrency = \"SEK\"\n[[contract.components]]\nkind = \"fixed\"\nfunded_by = [{ party = \"m\", share = 0.5 }]\n";

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("contract.components[2].funded_by"),
            vec![
                Segment::Key("contract".into()),
                Segment::Key("components".into()),
                Segment::Index(2),
                Segment::Key("funded_by".into())
            ]
        );
    }

    #[test]
    fn spans_give_lines() {
        let s = span_of(DOC, "design.caliper").unwrap();
        assert_eq!(line_col(DOC, s.start), (4, 1));
        let s = span_of(DOC, "outcomes[1].column").unwrap();
        assert_eq!(line_col(DOC, s.start).0, 10);
        let s = span_of(DOC, "contract.components[0].funded_by").unwrap();
        assert_eq!(line_col(DOC, s.start).0, 15);
        // A path that goes too deep falls back to the deepest existing key.
        let s = span_of(DOC, "design.nothing").unwrap();
        assert_eq!(line_col(DOC, s.start).0, 2);
        assert!(span_of(DOC, "nothing").is_none());
    }

    #[test]
    fn keys_and_values() {
        let k: Vec<String> = keys_of(DOC, "design").into_iter().map(|(k, _)| k).collect();
        assert_eq!(k, vec!["kind", "caliper"]);
        assert_eq!(string_at(DOC, "design.kind").as_deref(), Some("rct"));
        assert_eq!(string_at(DOC, "outcomes[1].column").as_deref(), Some("b"));
        let found = find_key(DOC, "column");
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].0, "outcomes[1].column");
    }
}
