//! English and Swedish: the message catalogue and number formatting.
//!
//! Every fixed text of the report is a [`Text`] constant in [`msg`] with both languages side by
//! side, so a translation is reviewed in one place and a missing one is a compile error.
//! Sentences with numbers are functions in this module for the same reason. Swedish uses the
//! terms Swedish evaluators use (*effekt*, *kontrafaktiskt utfall*, *konfidensintervall*,
//! *insatsgrupp*, *jämförelsegrupp*, *jämställdhetsanalys*, *procentenheter*) and Swedish number
//! formatting: decimal comma, a space between thousands, a proper minus sign (Språkrådet,
//! *Svenska skrivregler*, 2017, ch. 11).

use serde::{Deserialize, Serialize};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English (default).
    #[default]
    En,
    /// Swedish.
    Sv,
}

impl Language {
    /// ISO 639-1 code (`en`, `sv`) for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Sv => "sv",
        }
    }
}

/// One fixed text in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    /// English.
    pub en: &'static str,
    /// Swedish.
    pub sv: &'static str,
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Language) -> &'static str {
        match lang {
            Language::En => self.en,
            Language::Sv => self.sv,
        }
    }
}

const fn t(en: &'static str, sv: &'static str) -> Text {
    Text { en, sv }
}

/// The catalogue of fixed texts.
pub mod msg;

/// Format `x` with `decimals` decimals: English `1,234.5`, Swedish `1 234,5` (no-break space
/// between thousands from five digits on, as Swedish style recommends; decimal comma). Negative
/// numbers get a true minus sign (U+2212). Non-finite values give "–".
pub fn fmt_num(x: f64, decimals: usize, lang: Language) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let negative = x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    let (sep, dec) = match lang {
        Language::En => (",", "."),
        Language::Sv => ("\u{a0}", ","),
    };
    let group = match lang {
        Language::En => int.len() > 3,
        Language::Sv => int.len() > 4,
    };
    let mut grouped = String::new();
    if group {
        let bytes: Vec<char> = int.chars().collect();
        for (i, c) in bytes.iter().enumerate() {
            if i > 0 && (bytes.len() - i).is_multiple_of(3) {
                grouped.push_str(sep);
            }
            grouped.push(*c);
        }
    } else {
        grouped = int;
    }
    let mut out = String::new();
    if negative {
        out.push('\u{2212}');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push_str(dec);
        out.push_str(&f);
    }
    out
}

/// A period (wave, year) as a label: whole numbers without digit grouping (2007, not 2,007).
pub fn fmt_period(x: f64, lang: Language) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64).replace('-', "−")
    } else {
        fmt_num(x, 1, lang)
    }
}

/// A p-value: three decimals, `< 0.001` below that (Swedish `< 0,001`).
pub fn fmt_p(p: f64, lang: Language) -> String {
    if !p.is_finite() {
        return "–".to_string();
    }
    if p < 0.001 {
        format!("< {}", fmt_num(0.001, 3, lang))
    } else {
        fmt_num(p, 3, lang)
    }
}

/// A confidence level as a percentage without decimals when whole (`95 %`; `97,5 %`).
pub fn fmt_level(level: f64, lang: Language) -> String {
    let pct = level * 100.0;
    if (pct - pct.round()).abs() < 1e-9 {
        format!("{} %", fmt_num(pct, 0, lang))
    } else {
        format!("{} %", fmt_num(pct, 1, lang))
    }
}

/// "95 % CI 3 to 21" / "95 % KI 3 till 21".
pub fn fmt_ci(level: f64, low: &str, high: &str, lang: Language) -> String {
    format!(
        "{} {} {} {} {}",
        fmt_level(level, lang),
        msg::CI.get(lang),
        low,
        msg::TO.get(lang),
        high
    )
}

/// A count of units with the word for them.
pub fn fmt_count(n: u64, lang: Language) -> String {
    fmt_num(n as f64, 0, lang)
}

/// A published count ([`crate::model::Count`]): the number, "< k" when suppressed, "about 80"
/// ("ca 80") when coarsened to a range, "at least 80" ("minst 80") for a range without an
/// upper end.
pub fn fmt_count_shown(c: crate::model::Count, threshold: u32, lang: Language) -> String {
    use crate::model::Count;
    match c {
        Count::Exact(n) => fmt_count(n, lang),
        Count::Suppressed => format!("< {threshold}"),
        Count::Range { low, high: None } => {
            format!("{} {}", msg::AT_LEAST.get(lang), fmt_count(low, lang))
        }
        Count::Range { .. } => format!(
            "{} {}",
            msg::ABOUT.get(lang),
            fmt_count(c.about().unwrap_or_default(), lang)
        ),
    }
}

/// An amount of money with thousands separators and no decimals.
pub fn fmt_money(x: f64, currency: &str, lang: Language) -> String {
    format!("{} {}", fmt_num(x, 0, lang), currency)
}

/// A probability as a percentage with no decimals ("83 %").
pub fn fmt_percent(p: f64, lang: Language) -> String {
    format!("{} %", fmt_num(p * 100.0, 0, lang))
}

/// Capitalise the first letter.
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(fmt_num(1234.5, 1, Language::En), "1,234.5");
        assert_eq!(fmt_num(1234.5, 1, Language::Sv), "1234,5");
        assert_eq!(
            fmt_num(12_000_000.0, 0, Language::Sv),
            "12\u{a0}000\u{a0}000"
        );
        assert_eq!(fmt_num(-0.1234, 2, Language::Sv), "\u{2212}0,12");
        assert_eq!(fmt_num(-0.001, 2, Language::En), "0.00");
        assert_eq!(fmt_p(0.0004, Language::Sv), "< 0,001");
        assert_eq!(fmt_p(0.0123, Language::En), "0.012");
        assert_eq!(fmt_level(0.95, Language::Sv), "95 %");
        assert_eq!(fmt_ci(0.95, "3", "21", Language::Sv), "95 % KI 3 till 21");
        assert_eq!(fmt_num(f64::NAN, 2, Language::En), "–");
    }

    #[test]
    fn counts_as_published() {
        use crate::model::Count;
        let range = Count::Range {
            low: 79,
            high: Some(82),
        };
        assert_eq!(fmt_count_shown(range, 5, Language::En), "about 80");
        assert_eq!(fmt_count_shown(range, 5, Language::Sv), "ca 80");
        assert_eq!(fmt_count_shown(Count::Suppressed, 5, Language::Sv), "< 5");
        assert_eq!(
            fmt_count_shown(Count::Exact(1234), 5, Language::En),
            "1,234"
        );
        let open = Count::Range {
            low: 12,
            high: None,
        };
        assert_eq!(fmt_count_shown(open, 5, Language::Sv), "minst 12");
        let wide = Count::Range {
            low: 243,
            high: Some(252),
        };
        assert_eq!(wide.about(), Some(250));
        let narrow = Count::Range {
            low: 21,
            high: Some(24),
        };
        assert_eq!(narrow.about(), Some(25));
    }
}

/// Sentences with numbers, in both languages.
pub mod sentences;

/// Texts of the inference the report computes itself (method names, reasons, warnings, notes).
pub mod inference;

/// Labels of the short console summary that `effekt run` prints (the CLI owns the layout; the
/// words come from here so that `--lang sv` prints no English).
pub mod console;

/// The fits' typed notes translated.
pub mod notes;

/// The design checks (balance, pre-trends, alternatives) in words.
pub mod checks;
