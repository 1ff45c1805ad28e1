//! Reading one cell: trimming, missing tokens, booleans, numbers under a decimal convention, and
//! the per-column type inference built on them. Shared by the CSV and the spreadsheet readers so
//! both follow exactly the same rules.

use crate::{ColumnData, Decimal};
use std::borrow::Cow;
use std::collections::HashMap;

/// Longest number (in bytes, after removing thousands separators) that is parsed; longer text
/// is never a number a person typed into a spreadsheet.
const MAX_NUMBER_LEN: usize = 128;

/// Remove ASCII whitespace and non-breaking spaces (U+00A0, U+202F) at both ends.
pub(crate) fn trim(mut s: &[u8]) -> &[u8] {
    loop {
        match s {
            [b, rest @ ..] if b.is_ascii_whitespace() => s = rest,
            [0xC2, 0xA0, rest @ ..] => s = rest,
            [0xE2, 0x80, 0xAF, rest @ ..] => s = rest,
            _ => break,
        }
    }
    loop {
        match s {
            [rest @ .., b] if b.is_ascii_whitespace() => s = rest,
            [rest @ .., 0xC2, 0xA0] => s = rest,
            [rest @ .., 0xE2, 0x80, 0xAF] => s = rest,
            _ => break,
        }
    }
    s
}

/// The missing-value tokens (after trimming): empty, `.`, and case-insensitively `NA`, `N/A`,
/// `NaN`, `NULL`, `#N/A` (Excel's not-available).
pub(crate) fn is_missing(s: &[u8]) -> bool {
    match s.len() {
        0 => true,
        1 => s == b".",
        2 => s.eq_ignore_ascii_case(b"na"),
        3 => s.eq_ignore_ascii_case(b"n/a") || s.eq_ignore_ascii_case(b"nan"),
        4 => s.eq_ignore_ascii_case(b"null") || s.eq_ignore_ascii_case(b"#n/a"),
        _ => false,
    }
}

/// `true`/`false` and the Swedish `sant`/`falskt` (Excel's Swedish TRUE/FALSE), any case.
/// Not 0/1: those are numbers.
pub(crate) fn parse_bool(s: &[u8]) -> Option<bool> {
    match s.len() {
        4 if s.eq_ignore_ascii_case(b"true") || s.eq_ignore_ascii_case(b"sant") => Some(true),
        5 if s.eq_ignore_ascii_case(b"false") => Some(false),
        6 if s.eq_ignore_ascii_case(b"falskt") => Some(false),
        _ => None,
    }
}

/// A number rewritten in plain ASCII (`-1234.5e3`), thousands separators removed.
pub(crate) struct Normalized {
    buf: [u8; MAX_NUMBER_LEN],
    len: usize,
    /// No decimal separator and no exponent.
    pub(crate) integral: bool,
}

impl Normalized {
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII bytes are ever written into `buf`.
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }
}

/// Length of a thousands separator at the start of `s` (space, U+00A0 or U+202F), or 0.
fn group_separator(s: &[u8]) -> usize {
    match s {
        [b' ', ..] => 1,
        [0xC2, 0xA0, ..] => 2,
        [0xE2, 0x80, 0xAF, ..] => 3,
        _ => 0,
    }
}

/// Check that `s` (already trimmed) is a number under `decimal` and rewrite it in plain form.
///
/// Syntax: optional sign, digits, optional decimal separator (`.` or `,`) and fraction digits,
/// optional exponent (`e`/`E`, optional sign, digits); at least one mantissa digit. Under
/// [`Decimal::Comma`] the integer part may be grouped in threes by a space or a non-breaking
/// space (`1 234 567,5`): the first group has 1–3 digits, every later group exactly 3.
/// Hex and the like are not numbers; infinities are handled by [`infinity`].
pub(crate) fn normalize(s: &[u8], decimal: Decimal) -> Option<Normalized> {
    let mut out = Normalized {
        buf: [0u8; MAX_NUMBER_LEN],
        len: 0,
        integral: true,
    };
    let push = |out: &mut Normalized, b: u8| -> Option<()> {
        let slot = out.buf.get_mut(out.len)?;
        *slot = b;
        out.len += 1;
        Some(())
    };
    let sep = match decimal {
        Decimal::Point => b'.',
        Decimal::Comma => b',',
    };
    let mut i = 0usize;
    if let Some(&b) = s.first()
        && (b == b'+' || b == b'-')
    {
        if b == b'-' {
            push(&mut out, b'-')?;
        }
        i = 1;
    }
    // Integer part, possibly grouped.
    let mut mantissa_digits = 0usize;
    let mut group_len = 0usize;
    let mut grouped = false;
    while let Some(&b) = s.get(i) {
        if b.is_ascii_digit() {
            push(&mut out, b)?;
            mantissa_digits += 1;
            group_len += 1;
            i += 1;
            continue;
        }
        let g = if decimal == Decimal::Comma {
            group_separator(s.get(i..).unwrap_or_default())
        } else {
            0
        };
        if g == 0 {
            break;
        }
        // A separator: the group before it must be valid and a digit must follow.
        if group_len == 0 || (grouped && group_len != 3) || (!grouped && group_len > 3) {
            return None;
        }
        if !s.get(i + g).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        grouped = true;
        group_len = 0;
        i += g;
    }
    if grouped && group_len != 3 {
        return None;
    }
    // Fraction.
    if s.get(i) == Some(&sep) {
        out.integral = false;
        push(&mut out, b'.')?;
        i += 1;
        while let Some(&b) = s.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            push(&mut out, b)?;
            mantissa_digits += 1;
            i += 1;
        }
    }
    if mantissa_digits == 0 {
        return None;
    }
    // Exponent.
    if let Some(&b) = s.get(i)
        && (b == b'e' || b == b'E')
    {
        out.integral = false;
        push(&mut out, b'e')?;
        i += 1;
        if let Some(&b) = s.get(i)
            && (b == b'+' || b == b'-')
        {
            push(&mut out, b)?;
            i += 1;
        }
        let mut exp_digits = 0usize;
        while let Some(&b) = s.get(i) {
            if !b.is_ascii_digit() {
                break;
            }
            push(&mut out, b)?;
            exp_digits += 1;
            i += 1;
        }
        if exp_digits == 0 {
            return None;
        }
    }
    if i != s.len() {
        return None;
    }
    Some(out)
}

/// Parse a trimmed cell as a number under `decimal`: `Some(Ok(i))` for an integer that fits in
/// i64, `Some(Err(x))` for any other number, `None` when it is not a number.
pub(crate) fn parse_number(s: &[u8], decimal: Decimal) -> Option<Result<i64, f64>> {
    if let Some(x) = infinity(s) {
        return Some(Err(x));
    }
    let n = normalize(s, decimal)?;
    let text = n.as_str();
    if n.integral
        && let Ok(i) = text.parse::<i64>()
    {
        return Some(Ok(i));
    }
    text.parse::<f64>().ok().map(Err)
}

/// Parse a trimmed cell as an f64 under `decimal`.
pub(crate) fn parse_f64(s: &[u8], decimal: Decimal) -> Option<f64> {
    if let Some(x) = infinity(s) {
        return Some(x);
    }
    normalize(s, decimal)?.as_str().parse::<f64>().ok()
}

/// `Inf`, `-Inf`, `+inf`, `Infinity` (any case), as R and pandas write infinities (e.g.
/// `rel_year` of never-treated units). Infinite weights are still rejected by `select`.
pub(crate) fn infinity(s: &[u8]) -> Option<f64> {
    let (sign, rest) = match s.first() {
        Some(b'-') => (-1.0, s.get(1..)?),
        Some(b'+') => (1.0, s.get(1..)?),
        _ => (1.0, s),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        Some(sign * f64::INFINITY)
    } else {
        None
    }
}

/// What one cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Missing,
    Bool,
    Int,
    Float,
    Text,
}

/// Classify a trimmed text cell under `decimal` (syntax only, numbers not converted unless an
/// integer must be checked for i64 range).
pub(crate) fn classify(s: &[u8], decimal: Decimal) -> Kind {
    if is_missing(s) {
        return Kind::Missing;
    }
    if parse_bool(s).is_some() {
        return Kind::Bool;
    }
    if infinity(s).is_some() {
        return Kind::Float;
    }
    match normalize(s, decimal) {
        None => Kind::Text,
        Some(n) if n.integral => {
            // Up to 18 digits always fits; longer integers need the real check.
            if n.len <= 18 || n.as_str().parse::<i64>().is_ok() {
                Kind::Int
            } else {
                Kind::Float
            }
        }
        Some(_) => Kind::Float,
    }
}

/// The type a column gets, from the kinds of its cells.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TypeState {
    any_bool: bool,
    any_int: bool,
    any_float: bool,
    any_text: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColType {
    Float,
    Int,
    Bool,
    Categorical,
}

impl TypeState {
    #[inline]
    pub(crate) fn add(&mut self, k: Kind) {
        match k {
            Kind::Missing => {}
            Kind::Bool => self.any_bool = true,
            Kind::Int => self.any_int = true,
            Kind::Float => self.any_float = true,
            Kind::Text => self.any_text = true,
        }
    }

    /// Bool if every value is a boolean; Int if every value is an integer; Float if every
    /// value is a number; otherwise Categorical. A column with no values at all is Float (all
    /// missing), so a numeric role reports missing values rather than a type error.
    pub(crate) fn resolve(&self) -> ColType {
        let numeric = self.any_int || self.any_float;
        if self.any_text || (self.any_bool && numeric) {
            ColType::Categorical
        } else if self.any_bool {
            ColType::Bool
        } else if self.any_float {
            ColType::Float
        } else if self.any_int {
            ColType::Int
        } else {
            ColType::Float
        }
    }
}

/// A typed cell value (from a spreadsheet cell or parsed text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Missing,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Cow<'a, str>),
}

impl Value<'_> {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Value::Missing => Kind::Missing,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) => Kind::Int,
            Value::Float(_) => Kind::Float,
            Value::Text(_) => Kind::Text,
        }
    }
}

/// Read a trimmed text cell into a value under `decimal`.
pub(crate) fn text_value(s: &str, decimal: Decimal) -> Value<'_> {
    let b = s.as_bytes();
    if is_missing(b) {
        return Value::Missing;
    }
    if let Some(v) = parse_bool(b) {
        return Value::Bool(v);
    }
    match parse_number(b, decimal) {
        Some(Ok(i)) => Value::Int(i),
        Some(Err(x)) => Value::Float(x),
        None => Value::Text(Cow::Borrowed(s)),
    }
}

/// Bytes of a field as text (fields split from a `&str` on ASCII bytes are valid UTF-8).
pub(crate) fn as_text(s: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(s)
}

/// Format a number as a label (`3`, `2.5`), the same way for every reader.
pub(crate) fn number_label(x: f64) -> String {
    if x == 0.0 {
        // Normalise -0 to 0.
        return "0".to_string();
    }
    format!("{x}")
}

/// Builds one column of known type, one cell at a time.
pub(crate) enum Builder {
    Float(Vec<Option<f64>>),
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Categorical {
        levels: Vec<String>,
        index: HashMap<String, u32>,
        codes: Vec<Option<u32>>,
    },
}

/// A cell that does not fit the column type decided in the first pass (cannot happen when both
/// passes see the same data; reported as an internal inconsistency, never silently missing).
#[derive(Debug)]
pub(crate) struct Mismatch;

impl Builder {
    pub(crate) fn new(t: ColType, capacity: usize) -> Self {
        match t {
            ColType::Float => Builder::Float(Vec::with_capacity(capacity)),
            ColType::Int => Builder::Int(Vec::with_capacity(capacity)),
            ColType::Bool => Builder::Bool(Vec::with_capacity(capacity)),
            ColType::Categorical => Builder::Categorical {
                levels: Vec::new(),
                index: HashMap::new(),
                codes: Vec::with_capacity(capacity),
            },
        }
    }

    fn intern(levels: &mut Vec<String>, index: &mut HashMap<String, u32>, s: &str) -> u32 {
        if let Some(&c) = index.get(s) {
            return c;
        }
        let c = u32::try_from(levels.len()).unwrap_or(u32::MAX);
        levels.push(s.to_string());
        index.insert(s.to_string(), c);
        c
    }

    /// Push a trimmed text cell (CSV).
    #[inline]
    pub(crate) fn push_text(&mut self, s: &[u8], decimal: Decimal) -> Result<(), Mismatch> {
        if is_missing(s) {
            self.push_missing();
            return Ok(());
        }
        match self {
            Builder::Float(v) => v.push(Some(parse_f64(s, decimal).ok_or(Mismatch)?)),
            Builder::Int(v) => match parse_number(s, decimal) {
                Some(Ok(i)) => v.push(Some(i)),
                _ => return Err(Mismatch),
            },
            Builder::Bool(v) => v.push(Some(parse_bool(s).ok_or(Mismatch)?)),
            Builder::Categorical {
                levels,
                index,
                codes,
            } => {
                let text = as_text(s);
                codes.push(Some(Self::intern(levels, index, &text)));
            }
        }
        Ok(())
    }

    /// Push a typed value (spreadsheet).
    pub(crate) fn push_value(&mut self, value: &Value<'_>) -> Result<(), Mismatch> {
        if matches!(value, Value::Missing) {
            self.push_missing();
            return Ok(());
        }
        match self {
            Builder::Float(v) => v.push(Some(match value {
                Value::Int(i) => *i as f64,
                Value::Float(x) => *x,
                _ => return Err(Mismatch),
            })),
            Builder::Int(v) => match value {
                Value::Int(i) => v.push(Some(*i)),
                _ => return Err(Mismatch),
            },
            Builder::Bool(v) => match value {
                Value::Bool(b) => v.push(Some(*b)),
                _ => return Err(Mismatch),
            },
            Builder::Categorical {
                levels,
                index,
                codes,
            } => {
                let label: Cow<'_, str> = match value {
                    Value::Text(t) => Cow::Borrowed(t.as_ref()),
                    Value::Int(i) => Cow::Owned(i.to_string()),
                    Value::Float(x) => Cow::Owned(number_label(*x)),
                    Value::Bool(true) => Cow::Borrowed("TRUE"),
                    Value::Bool(false) => Cow::Borrowed("FALSE"),
                    Value::Missing => return Err(Mismatch),
                };
                codes.push(Some(Self::intern(levels, index, &label)));
            }
        }
        Ok(())
    }

    pub(crate) fn push_missing(&mut self) {
        match self {
            Builder::Float(v) => v.push(None),
            Builder::Int(v) => v.push(None),
            Builder::Bool(v) => v.push(None),
            Builder::Categorical { codes, .. } => codes.push(None),
        }
    }

    pub(crate) fn finish(self) -> ColumnData {
        match self {
            Builder::Float(v) => ColumnData::Float(v),
            Builder::Int(v) => ColumnData::Int(v),
            Builder::Bool(v) => ColumnData::Bool(v),
            Builder::Categorical { levels, codes, .. } => ColumnData::Categorical { levels, codes },
        }
    }
}

/// Counts of cells that are numbers under one decimal convention only: the evidence for
/// auto-detecting the decimal separator.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DecimalEvidence {
    pub(crate) point: usize,
    pub(crate) comma: usize,
}

impl DecimalEvidence {
    #[inline]
    pub(crate) fn add(&mut self, point: Kind, comma: Kind) {
        let num = |k: Kind| matches!(k, Kind::Int | Kind::Float);
        if num(point) && comma == Kind::Text {
            self.point += 1;
        } else if num(comma) && point == Kind::Text {
            self.comma += 1;
        }
    }

    /// Decimal comma only when more cells read as numbers with it than with a point.
    pub(crate) fn decide(&self) -> Decimal {
        if self.comma > self.point {
            Decimal::Comma
        } else {
            Decimal::Point
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_under_both_conventions() {
        let p = Decimal::Point;
        let c = Decimal::Comma;
        assert_eq!(parse_number(b"12", p), Some(Ok(12)));
        assert_eq!(parse_number(b"-12", c), Some(Ok(-12)));
        assert_eq!(parse_number(b"+1.5", p), Some(Err(1.5)));
        assert_eq!(parse_number(b"1,5", c), Some(Err(1.5)));
        assert_eq!(parse_number(b"1,5", p), None);
        assert_eq!(parse_number(b"1.5", c), None);
        assert_eq!(parse_number(b"1 234,5", c), Some(Err(1234.5)));
        assert_eq!(
            parse_number("1\u{a0}234\u{a0}567".as_bytes(), c),
            Some(Ok(1_234_567))
        );
        assert_eq!(
            parse_number("12\u{202f}345,25".as_bytes(), c),
            Some(Err(12345.25))
        );
        assert_eq!(parse_number(b"1 234", p), None);
        assert_eq!(parse_number(b"12 34", c), None);
        assert_eq!(parse_number(b"1234 567", c), None);
        assert_eq!(parse_number(b"1 2345", c), None);
        assert_eq!(parse_number(b"1 ", c), None);
        assert_eq!(parse_number(b"1e3", p), Some(Err(1000.0)));
        assert_eq!(parse_number(b"4,5E-2", c), Some(Err(0.045)));
        assert_eq!(parse_number(b".5", p), Some(Err(0.5)));
        assert_eq!(parse_number(b"5.", p), Some(Err(5.0)));
        assert_eq!(parse_number(b"-Inf", p), Some(Err(f64::NEG_INFINITY)));
        assert_eq!(parse_number(b"Infinity", c), Some(Err(f64::INFINITY)));
        assert_eq!(parse_number(b"infinit", p), None);
        assert_eq!(parse_number(b"nan", p), None);
        assert_eq!(parse_number(b"-", p), None);
        assert_eq!(parse_number(b"1e", p), None);
        assert_eq!(parse_number(b"0x10", p), None);
        assert_eq!(
            parse_number(b"99999999999999999999", p),
            Some(Err(99999999999999999999.0))
        );
        assert_eq!(classify(b"99999999999999999999", p), Kind::Float);
        assert_eq!(classify(b"123456789012345678", p), Kind::Int);
    }

    #[test]
    fn tokens() {
        for m in [
            "", ".", "NA", "na", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A",
        ] {
            assert!(is_missing(m.as_bytes()), "{m}");
        }
        for m in ["0", "-", "none", "NAN1"] {
            assert!(!is_missing(m.as_bytes()), "{m}");
        }
        assert_eq!(parse_bool(b"TRUE"), Some(true));
        assert_eq!(parse_bool(b"Sant"), Some(true));
        assert_eq!(parse_bool(b"FALSKT"), Some(false));
        assert_eq!(parse_bool(b"1"), None);
        assert_eq!(trim(" \u{a0}x y\t\u{202f} ".as_bytes()), b"x y");
    }
}
