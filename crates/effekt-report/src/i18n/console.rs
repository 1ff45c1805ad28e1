use super::{Language, Text, t};

/// Label before the inference method and the reason it was chosen.
pub const INFERENCE: Text = t("inference", "inferens");
/// Label before each written file.
pub const WROTE: Text = t("wrote", "skrev");

/// An outcome whose headline was suppressed for privacy.
pub fn suppressed_outcome(threshold: u32, lang: Language) -> String {
    match lang {
        Language::En => {
            format!("suppressed: fewer than {threshold} individuals in a group")
        }
        Language::Sv => {
            format!("undertryckt: färre än {threshold} individer i en grupp")
        }
    }
}

/// The number of values suppressed in the whole report.
pub fn suppressed_count(count: usize, lang: Language) -> String {
    match lang {
        Language::En => {
            format!("{count} value(s) suppressed for privacy (see the report).")
        }
        Language::Sv => {
            format!("{count} värde(n) undertryckta av integritetsskäl (se rapporten).")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_console_label_has_a_swedish_text() {
        for t in [INFERENCE, WROTE] {
            assert_ne!(t.en, t.sv);
            assert!(!t.sv.is_empty());
        }
        assert!(suppressed_outcome(5, Language::Sv).contains("färre än 5"));
        assert!(suppressed_count(2, Language::Sv).starts_with("2 värde"));
    }
}
