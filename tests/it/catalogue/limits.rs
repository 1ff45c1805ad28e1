//! Catalogue rows: resource limits, numerics and nonsense numbers (see [`super`]). Significance
//! and confidence levels are limited to [1e-12, 1 − 1e-12] (statrs panicked at alpha 1e-300 and
//! did not return at 1e-100; level 0.9999999999999999 printed `[-Inf, Inf]`); replicate,
//! permutation and simulation counts have maxima named in the message; a generated data set has
//! at most 10,000,000 rows; Callaway–Sant'Anna says in its table how many units it dropped.

use super::{Case, run_all, trial_csv};
use std::path::Path;
use std::time::Duration;

/// Rows that hung on the old code (alpha 1e-100) are given this long.
const SHORT: Duration = Duration::from_secs(30);

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/crates/effekt-report/tests/fixtures"
);

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn case(name: &str, args: &str) -> Case {
    let args = words(args);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Case::new(name, &args)
}

/// The pilot study with `edit` applied to its text, as `s.toml` with its data beside it.
fn pilot(name: &str, edit: impl Fn(String) -> String) -> Case {
    let text = std::fs::read_to_string(Path::new(FIXTURES).join("pilot_study.toml")).unwrap();
    let edited = edit(text.clone());
    assert_ne!(edited, text, "{name}: the edit changed nothing");
    Case::new(name, &["run", "s.toml", "--out", "out"])
        .file("s.toml", edited)
        .file(
            "pilot.csv",
            std::fs::read(Path::new(FIXTURES).join("pilot.csv")).unwrap(),
        )
}

/// The castle study (staggered DiD on `datasets/castle.csv`) with `edit` applied.
fn castle(name: &str, edit: impl Fn(String) -> String) -> Case {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(Path::new(root).join("datasets/castle/study.toml")).unwrap();
    let text = text.replace(
        "\"../castle.csv\"",
        &format!("\"{root}/datasets/castle.csv\""),
    );
    let edited = edit(text.clone());
    assert_ne!(edited, text, "{name}: the edit changed nothing");
    Case::new(name, &["run", "s.toml", "--out", "out"]).file("s.toml", edited)
}

/// A power simulation config (a small cluster-randomised trial) with `extra` top-level lines.
fn sim_config(top: &str, dgp: &str) -> String {
    format!(
        "seed = 3\n{top}\n[dgp]\nkind = \"cluster-rct\"\nclusters = 10\ncluster_size = 15\n\
         icc = 0.05\neffect = 0.5\n{dgp}\n[analysis]\nkind = \"cluster-means\"\n"
    )
}

fn simulate_config(name: &str, config: String) -> Case {
    Case::new(name, &["power", "simulate", "--config", "c.toml"]).file("c.toml", config)
}

/// A staggered panel of 20 units over periods 1–4 (cohorts 3 and 4, units 12–19 never
/// treated) in which units 2, 13, 14, 15, 16, 17 and 18 miss period 1: balancing the panel
/// drops those 7 units.
fn unbalanced_panel_csv() -> String {
    let mut s = String::from("y,u,w,g\n");
    for u in 0..20 {
        let g = match u {
            0..=5 => 3,
            6..=11 => 4,
            _ => 0,
        };
        for w in 1..=4 {
            if w == 1 && (u == 2 || (13..=18).contains(&u)) {
                continue;
            }
            let treated = g > 0 && w >= g;
            let y = u as f64 * 0.1
                + w as f64 * 0.3
                + if treated { 1.0 } else { 0.0 }
                + ((u * 7 + w * 3) % 5) as f64 / 10.0;
            s.push_str(&format!("{y},{u},{w},{g}\n"));
        }
    }
    s
}

const RCT: &str = "rct --data d.csv --outcome y --treatment t";
const BOOT: &str = "bootstrap --data d.csv --outcome y --group t";
const MATCH: &str = "match --data d.csv --treatment t --outcome y --covariates x";
const DID: &str = "did --data p.csv --outcome y --unit u --time w --first-treated g";
const TWO_MEANS: &str = "power two-means --effect-size 0.5 --power 0.8";
const CLUSTER: &str = "power cluster --effect-size 0.3 --power 0.8 --icc 0.05 --cluster-size 20";

/// Significance and confidence levels at and beyond the limits of the numerics.
fn levels() -> Vec<Case> {
    let d = trial_csv();
    let alpha_msg = "--alpha must be between 1e-12 and 1 - 1e-12";
    let level_msg = "--level must be between 1e-12 and 1 - 1e-12";
    vec![
        case(
            "two-means alpha 1e-300 (panicked)",
            &format!("{TWO_MEANS} --alpha 1e-300"),
        )
        .needle(alpha_msg)
        .needle("got 1e-300"),
        case(
            "two-means alpha 1e-100 (hung)",
            &format!("{TWO_MEANS} --alpha 1e-100"),
        )
        .needle(alpha_msg)
        .timeout(SHORT),
        case(
            "two-means alpha 1e-13",
            &format!("{TWO_MEANS} --alpha 1e-13"),
        )
        .needle(alpha_msg),
        case(
            "two-means alpha -0.05 (negative)",
            &format!("{TWO_MEANS} --alpha -0.05"),
        )
        .needle(alpha_msg)
        .needle("got -0.05"),
        case(
            "cluster alpha 1e-300 (panicked)",
            &format!("{CLUSTER} --alpha 1e-300"),
        )
        .needle(alpha_msg),
        case(
            "cluster alpha 1e-100 (hung)",
            &format!("{CLUSTER} --alpha 1e-100"),
        )
        .needle(alpha_msg)
        .timeout(SHORT),
        case(
            "cluster alpha 0.9999999999999999",
            &format!("{CLUSTER} --alpha 0.9999999999999999"),
        )
        .needle(alpha_msg),
        case(
            "two-proportions alpha 1e-300",
            "power two-proportions --p1 0.3 --p2 0.5 --power 0.8 --alpha 1e-300",
        )
        .needle(alpha_msg),
        simulate_config(
            "simulation config alpha = 1e-300 (panicked)",
            sim_config("simulations = 20\nalpha = 1e-300", ""),
        )
        .needle("alpha = 1e-300 is not valid: a significance level must be between 1e-12"),
        simulate_config(
            "simulation config alpha = 1e-100 (hung)",
            sim_config("simulations = 20\nalpha = 1e-100", ""),
        )
        .needle("a significance level must be between 1e-12 and 1 - 1e-12")
        .timeout(SHORT),
        case(
            "rct --level 0.9999999999999999 ([-Inf, Inf])",
            &format!("{RCT} --level 0.9999999999999999"),
        )
        .file("d.csv", &d)
        .needle(level_msg)
        .needle("got 0.9999999999999999"),
        case("rct --level 1e-13", &format!("{RCT} --level 1e-13"))
            .file("d.csv", &d)
            .needle(level_msg),
        case(
            "bootstrap --level 0.9999999999999999",
            &format!("{BOOT} --level 0.9999999999999999"),
        )
        .file("d.csv", &d)
        .needle(level_msg),
        case(
            "match --level 0.9999999999999999",
            &format!("{MATCH} --level 0.9999999999999999"),
        )
        .file("d.csv", &d)
        .needle(level_msg),
        case(
            "did --level 0.9999999999999999",
            &format!("{DID} --level 0.9999999999999999"),
        )
        .file("p.csv", unbalanced_panel_csv())
        .needle(level_msg),
        pilot("study inference.level = 0.9999999999999999", |t| {
            t.replace("level = 0.95", "level = 0.9999999999999999")
        })
        .needle("inference.level")
        .needle("between 1e-12 and 1 - 1e-12"),
        pilot("study power.alpha = 1e-300", |t| {
            t.replace("effect = 0.15", "effect = 0.15\nalpha = 1e-300")
        })
        .needle("power.alpha")
        .needle("between 1e-12 and 1 - 1e-12"),
    ]
}

/// Replicate, permutation and simulation counts beyond their maxima.
fn counts() -> Vec<Case> {
    let d = trial_csv();
    vec![
        simulate_config(
            "simulations = 1000000000000 (ran without end)",
            sim_config("simulations = 1000000000000", ""),
        )
        .needle("simulations = 1000000000000 is not valid: must be between 1 and 1,000,000")
        .timeout(SHORT),
        simulate_config(
            "simulations = 5000000",
            sim_config("simulations = 5000000", ""),
        )
        .needle("must be between 1 and 1,000,000")
        .timeout(SHORT),
        case(
            "power simulate --simulations 2000000",
            "power simulate --config c.toml --simulations 2000000",
        )
        .file("c.toml", sim_config("simulations = 20", ""))
        .needle("'--simulations <SIMULATIONS>': at most 1,000,000 simulations"),
        simulate_config(
            "clusters x cluster_size beyond 10,000,000 rows",
            sim_config("simulations = 2", "")
                .replace("clusters = 10\ncluster_size = 15", "clusters = 100000\ncluster_size = 100000"),
        )
        .needle("clusters x cluster_size would generate 10000000000 rows")
        .timeout(SHORT),
        simulate_config(
            "staggered units x periods beyond 10,000,000 rows",
            "seed = 1\nsimulations = 2\n[dgp]\nkind = \"staggered\"\nunits = 100000\nperiods = 200\n\
             cohorts = [3, 5]\neffect = 0.5\n[analysis]\nkind = \"did\"\nmethod = \"twfe\"\n"
                .to_string(),
        )
        .needle("units x periods would generate 20000000 rows")
        .timeout(SHORT),
        simulate_config(
            "analysis kind of 25,000 characters (the message quoted it three times: 75 KB)",
            sim_config("simulations = 2", "")
                .replace("\"cluster-means\"", &format!("\"{}\"", "x".repeat(25_000))),
        )
        .needle("expected one of")
        .needle("characters left out")
        .timeout(SHORT),
        case(
            "simulate cluster-rct with 10^10 rows",
            "simulate cluster-rct --n 100000 --cluster-size 100000 --out s.csv",
        )
        .needle("would generate 10000000000 rows")
        .timeout(SHORT),
        pilot("study randomization_inference = 99999999 (ran without bound)", |t| {
            t.replace("kind = \"rct\"", "kind = \"rct\"\nrandomization_inference = 99999999")
        })
        .needle("design.randomization_inference")
        .needle("at most 10,000,000")
        .timeout(SHORT),
        castle("study wild_bootstrap = 5000000", |t| {
            t.replace("kind = \"did\"", "kind = \"did\"\nwild_bootstrap = 5000000")
        })
        .needle("design.wild_bootstrap")
        .needle("at most 1,000,000")
        .timeout(SHORT),
        case(
            "rct --randomization-inference 99999999",
            &format!("{RCT} --randomization-inference 99999999"),
        )
        .file("d.csv", &d)
        .needle("'--randomization-inference <N>': at most 10,000,000 random assignments")
        .timeout(SHORT),
        case("rct --bootstrap 20000000", &format!("{RCT} --bootstrap 20000000"))
            .file("d.csv", &d)
            .needle("'--bootstrap <B>': at most 10,000,000 replicates")
            .timeout(SHORT),
        case(
            "bootstrap --resamples 99999999",
            &format!("{BOOT} --resamples 99999999"),
        )
        .file("d.csv", &d)
        .needle("'--resamples <RESAMPLES>': at most 10,000,000 replicates")
        .timeout(SHORT),
        case("match --bootstrap 99999999", &format!("{MATCH} --bootstrap 99999999"))
            .file("d.csv", &d)
            .needle("'--bootstrap <B>': at most 10,000,000 replicates")
            .timeout(SHORT),
        case(
            "did --wild-bootstrap 5000000",
            "did --data p.csv --outcome y --unit u --time w --treatment d --wild-bootstrap 5000000",
        )
        .file("p.csv", "y,u,w,d\n1,1,1,0\n")
        .needle("'--wild-bootstrap <B>': at most 1,000,000 wild bootstrap draws")
        .timeout(SHORT),
        case(
            "did --method cs --bootstrap 1000000",
            &format!("{DID} --method cs --bootstrap 1000000"),
        )
        .file("p.csv", unbalanced_panel_csv())
        .needle("'--bootstrap <B>': at most 200,000 multiplier bootstrap draws")
        .timeout(SHORT),
    ]
}

/// Negative or nonsense numbers where no sign is meaningful: a range message.
fn nonsense() -> Vec<Case> {
    vec![
        case(
            "simulate --selection -1",
            "simulate ihf --assignment observational --selection -1 --out s.csv",
        )
        .needle("selection = -1 is not valid: the strength of selection must be between 0 (none) and 20"),
        case(
            "simulate --selection 1e6",
            "simulate ihf --assignment observational --selection 1000000 --out s.csv",
        )
        .needle("selection = 1000000 is not valid"),
        simulate_config(
            "simulation config selection = -2",
            "seed = 1\nsimulations = 2\n[dgp]\nkind = \"ihf\"\noutcome = \"closed_lower_level\"\n\
             wave = 2\nestimand = \"att\"\n[dgp.config]\nfamilies = 60\nassignment = { kind = \
             \"observational\", share = 0.3, selection = -2.0 }\n[analysis]\nkind = \"welch\"\n"
                .to_string(),
        )
        .needle("the strength of selection must be between 0 (none) and 20"),
    ]
}

/// Callaway–Sant'Anna on an unbalanced panel: the table says how many units were dropped and
/// why (before, only `--json`'s `cs.dropped[]` did).
fn dropped_units() -> Vec<Case> {
    vec![
        case("did --method cs, unbalanced panel: dropped units in the table", &format!("{DID} --method cs"))
            .file("p.csv", unbalanced_panel_csv())
            .exit(0)
            .needle("dropped: 7 unit(s) (21 rows) not observed in every period, to balance the panel; --sampling unbalanced-panel keeps them"),
    ]
}

/// The rows of this area.
pub fn cases() -> Vec<Case> {
    [levels(), counts(), nonsense(), dropped_units()]
        .into_iter()
        .flatten()
        .collect()
}

#[test]
fn catalogue_limits() {
    run_all(cases());
}
