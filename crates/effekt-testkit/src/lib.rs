//! Dev-only helpers shared by the tests of every effekt crate (never a dependency of a library):
//!
//! * [`Tol`], [`close`], [`check_close`] and the [`assert_close!`] macro — one rule for "equal
//!   to the reference within a tolerance", with the tolerance's parts named:
//!   `|a − b| ≤ max(rel · max(scale, floor), abs)`, where `scale = |b|` (the reference) or, for
//!   [`Tol::symmetric`], `max(|a|, |b|)`. NaN or infinite differences are never close.
//! * [`fixture`] / [`fixture_path`] — a reference fixture under `<crate>/tests/fixtures/`, read
//!   with a message naming the file; [`meta`] checks the `_meta` object every anchor fixture
//!   carries (the generating script exists, package versions are named).
//!
//! ```
//! use effekt_testkit::{Tol, assert_close, close};
//! assert!(close(1.0 + 1e-10, 1.0, 1e-8));
//! assert!(!close(0.0, 1e-20, 1e-8)); // relative to |b| with no floor
//! assert!(close(0.0, 1e-20, Tol::rel(1e-8).abs(1e-15)));
//! assert_close!(2.0, 2.0 + 1e-12, Tol::rel(1e-10).floor(1e-3), "estimate of {}", "x");
//! ```

use std::path::{Path, PathBuf};

/// A tolerance: `|a − b| ≤ max(rel · max(scale, floor), abs)`.
///
/// `scale` is `|b|`, the reference value, unless [`Tol::symmetric`] makes it `max(|a|, |b|)`.
/// Defaults: `floor = 0`, `abs = 0`, not symmetric. A plain `f64` converts to `Tol::rel`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tol {
    rel: f64,
    floor: f64,
    abs: f64,
    symmetric: bool,
}

impl Tol {
    /// Relative to the reference: `|a − b| ≤ rel · |b|`.
    pub const fn rel(rel: f64) -> Self {
        Self {
            rel,
            floor: 0.0,
            abs: 0.0,
            symmetric: false,
        }
    }

    /// The scale never falls below `floor` (an absolute tolerance of `rel · floor` near zero).
    pub const fn floor(self, floor: f64) -> Self {
        Self { floor, ..self }
    }

    /// Differences up to `abs` always count as close.
    pub const fn abs(self, abs: f64) -> Self {
        Self { abs, ..self }
    }

    /// Scale by `max(|a|, |b|)` instead of the reference `|b|`.
    pub const fn symmetric(self) -> Self {
        Self {
            symmetric: true,
            ..self
        }
    }

    /// The largest difference allowed between `a` and the reference `b`.
    pub fn allowed(&self, a: f64, b: f64) -> f64 {
        let scale = if self.symmetric {
            a.abs().max(b.abs())
        } else {
            b.abs()
        };
        (self.rel * scale.max(self.floor)).max(self.abs)
    }
}

impl From<f64> for Tol {
    fn from(rel: f64) -> Self {
        Tol::rel(rel)
    }
}

/// Whether `a` equals the reference `b` within `tol` (see [`Tol`]).
pub fn close(a: f64, b: f64, tol: impl Into<Tol>) -> bool {
    let tol = tol.into();
    let diff = (a - b).abs();
    diff.is_finite() && diff <= tol.allowed(a, b)
}

/// [`close`], or a message with both values, the relative difference and the allowed one.
pub fn check_close(a: f64, b: f64, tol: impl Into<Tol>) -> Result<(), String> {
    let tol = tol.into();
    if close(a, b, tol) {
        return Ok(());
    }
    Err(format!(
        "got {a:.17e}, expected {b:.17e} (difference {:.3e}, relative {:.3e}; allowed {:.3e})",
        (a - b).abs(),
        ((a - b) / b).abs(),
        tol.allowed(a, b)
    ))
}

/// `assert_close!(actual, reference, tol)` or `assert_close!(actual, reference, tol, "what {}",
/// args…)`: panics (naming what was compared) unless [`close`] holds. `tol` is an `f64`
/// (relative) or a [`Tol`].
#[macro_export]
macro_rules! assert_close {
    ($a:expr, $b:expr, $tol:expr $(,)?) => {
        if let Err(m) = $crate::check_close($a, $b, $tol) {
            panic!("{}", m);
        }
    };
    ($a:expr, $b:expr, $tol:expr, $($what:tt)+) => {
        if let Err(m) = $crate::check_close($a, $b, $tol) {
            panic!("{}: {}", format!($($what)+), m);
        }
    };
}

/// `<manifest_dir>/tests/fixtures/<name>`, the fixture folder of the crate whose
/// `CARGO_MANIFEST_DIR` is given.
pub fn fixture_path(manifest_dir: &str, name: &str) -> PathBuf {
    Path::new(manifest_dir).join("tests/fixtures").join(name)
}

/// A JSON fixture of the crate at `manifest_dir` (pass `env!("CARGO_MANIFEST_DIR")`).
///
/// # Panics
/// When the file cannot be read or is not JSON, naming the file.
pub fn fixture(manifest_dir: &str, name: &str) -> serde_json::Value {
    let path = fixture_path(manifest_dir, name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

/// Package names that count as a version entry in `_meta` when written as a bare key.
const VERSION_KEYS: &[&str] = &[
    "r",
    "python",
    "scipy",
    "statsmodels",
    "pwr",
    "boot",
    "estimatr",
    "csdid",
    "pyfixest",
];

/// Check the `_meta` object of a reference fixture read from `path`: present, naming a
/// `script` that exists under `repo_root`, and naming package versions. Returns the script.
///
/// # Errors
/// A message naming the file and what is missing.
pub fn meta(value: &serde_json::Value, path: &Path, repo_root: &Path) -> Result<String, String> {
    let at = path.display();
    let meta = value
        .get("_meta")
        .and_then(|m| m.as_object())
        .ok_or_else(|| format!("{at}: no `_meta` object"))?;
    let script = meta
        .get("script")
        .and_then(|s| s.as_str())
        .ok_or_else(|| format!("{at}: `_meta.script` missing"))?;
    if !repo_root.join(script).is_file() {
        return Err(format!("{at}: `_meta.script` = {script} does not exist"));
    }
    let versioned = meta.keys().any(|k| {
        let k = k.to_lowercase();
        k.contains("version") || VERSION_KEYS.contains(&k.as_str())
    });
    if !versioned {
        return Err(format!(
            "{at}: `_meta` names no package versions ({:?})",
            meta.keys().collect::<Vec<_>>()
        ));
    }
    Ok(script.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerance_parts() {
        assert!(close(1.0, 1.0, 0.0));
        assert!(!close(1.0 + 1e-6, 1.0, 1e-8));
        assert!(close(1e-4, 0.0, Tol::rel(0.1).abs(1e-3)));
        assert!(!close(1e-4, 0.0, 0.1));
        assert!(close(1e-4, 0.0, Tol::rel(0.1).floor(1e-3)));
        assert!(!close(2.0, 1.0, 0.6));
        assert!(close(2.0, 1.0, Tol::rel(0.6).symmetric()));
        assert!(!close(f64::NAN, f64::NAN, 1.0));
        assert!(!close(f64::INFINITY, f64::INFINITY, 1.0));
        assert!(
            check_close(1.0, 2.0, 1e-8)
                .unwrap_err()
                .contains("expected 2")
        );
    }
}
