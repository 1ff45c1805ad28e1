//! Rough speed check of the CSV reader (not a benchmark; no timings go into tests):
//! `cargo run --release -p effekt-data --example read_speed [rows]`
//! writes a rows × 5 CSV (int, float, 2-level text, 290-level text, 0/1) in both locales to a
//! temporary directory and times `read_table` and `select` on each.
#![allow(clippy::print_stdout)]

use effekt_data::{MissingPolicy, ReadOptions, Roles, read_table};
use std::fmt::Write as _;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(Ok(1_000_000), |s| s.parse())?;
    let dir = tempfile::tempdir()?;
    for (name, sep, comma) in [("point.csv", ',', false), ("comma.csv", ';', true)] {
        let mut s = String::with_capacity(n * 40);
        writeln!(s, "id{sep}y{sep}sex{sep}kommun{sep}treat")?;
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..n {
            // A small LCG: the values only need to look like data.
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let y = (state >> 11) as f64 / (1u64 << 53) as f64 * 10_000.0;
            let y = format!("{y:.3}");
            let y = if comma { y.replace('.', ",") } else { y };
            let sex = if state & 1 == 0 { "F" } else { "M" };
            writeln!(
                s,
                "{i}{sep}{y}{sep}{sex}{sep}kommun_{}{sep}{}",
                (state >> 20) % 290,
                (state >> 40) & 1
            )?;
        }
        let path = dir.path().join(name);
        std::fs::write(&path, &s)?;
        let mb = s.len() as f64 / 1e6;
        let t0 = Instant::now();
        let t = read_table(&path, &ReadOptions::default())?;
        let read = t0.elapsed();
        let roles = Roles {
            outcome: Some("y".into()),
            treatment: Some("treat".into()),
            cluster: Some("kommun".into()),
            covariates: vec!["sex".into()],
            ..Roles::default()
        };
        let t1 = Instant::now();
        let d = t.select(&roles, MissingPolicy::Error)?;
        let select = t1.elapsed();
        println!(
            "{name}: {} rows, {mb:.1} MB, read {:.3} s ({:.0} MB/s), select {:.3} s, decimal {:?}, n {}",
            t.nrows(),
            read.as_secs_f64(),
            mb / read.as_secs_f64(),
            select.as_secs_f64(),
            t.decimal(),
            d.n()
        );
    }
    Ok(())
}
