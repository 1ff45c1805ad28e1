//! End to end: the `effekt` binary on mutated inputs (kept small: one process per input).
//! Exit code must be 0, 1 or 2 — never 101 (panic), 134 (abort) or a signal — within the time
//! limit and under the same `ulimit -v` as the worker, with at most 16 KiB on stderr.

use super::rng::Rng;
use super::{Config, Tally, mutate, save_finding, targets};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Most bytes a run may write to stderr (its error message and warnings).
const MAX_STDERR: usize = 16 * 1024;

/// One run of `effekt ARGS` under the memory and time limits: `Ok(exit code)` when it is
/// allowed, else what went wrong.
/// A run over the time limit is repeated once with twice the limit before it counts as
/// a hang (see `Worker::run`).
fn run_effekt(cfg: &Config, dir: &Path, args: &[&str]) -> Result<i32, String> {
    match run_effekt_once(cfg, dir, args, cfg.input_limit) {
        Err(m) if m.starts_with("hang") => run_effekt_once(cfg, dir, args, cfg.input_limit * 2),
        other => other,
    }
}

fn run_effekt_once(
    cfg: &Config,
    dir: &Path,
    args: &[&str],
    limit: std::time::Duration,
) -> Result<i32, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v \"$1\" || exit 97; shift; exec \"$@\"")
        .arg("sh")
        .arg((cfg.mem_mb * 1024).to_string())
        .arg(env!("CARGO_BIN_EXE_effekt"))
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start effekt");
    // Read stderr while the child runs: a message longer than the pipe's buffer (64 KiB) would
    // otherwise block the child until it is killed as a "hang".
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut text = String::new();
        let _ = stderr_pipe.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for effekt") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "hang: effekt {} ran longer than {:.0} s",
                args.join(" "),
                limit.as_secs_f64()
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let stderr = reader.join().unwrap_or_default();
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code @ 0..=2), _) => {
            if stderr.len() > MAX_STDERR {
                Err(format!(
                    "effekt {}: {} bytes on stderr (at most {MAX_STDERR}: a message is for \
                     reading); it starts: {}",
                    args.join(" "),
                    stderr.len(),
                    stderr.chars().take(200).collect::<String>()
                ))
            } else if code != 0 && stderr.trim().is_empty() {
                Err(format!(
                    "effekt {}: {status} with no message",
                    args.join(" ")
                ))
            } else {
                Ok(code)
            }
        }
        (Some(97), _) => panic!("cannot set ulimit -v for effekt"),
        _ => Err(format!(
            "effekt {}: {status}; stderr: {}",
            args.join(" "),
            stderr.lines().take(3).collect::<Vec<_>>().join(" | ")
        )),
    }
}

/// The runs, a third each: `rct` on a mutated lalonde.csv, `power simulate` (4 simulations,
/// 1 thread) on a mutated shipped config, `run` on the report fixtures' pilot study with the
/// study file or its data (pilot.csv) mutated.
#[test]
fn cli() {
    let cfg = Config::from_env();
    let lalonde = std::fs::read(targets::root().join("datasets/lalonde.csv")).expect("lalonde");
    let csvs = vec![lalonde];
    let configs: Vec<Vec<u8>> = targets::seeds("power")
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let studies: Vec<Vec<u8>> = targets::seeds("study")
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let fixtures = targets::root().join("crates/effekt-report/tests/fixtures");
    let pilot = (
        std::fs::read(fixtures.join("pilot_study.toml")).expect("pilot_study.toml"),
        std::fs::read(fixtures.join("pilot.csv")).expect("pilot.csv"),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let mut tally = Tally::default();
    let start = Instant::now();
    let mut iter = cfg.first_iter();
    while cfg.keep_going(iter, start) {
        let mut rng = Rng::for_input(cfg.seed, "cli", iter);
        let kind = rng.below(3);
        let (what, ext, input, args): (&str, &str, Vec<u8>, Vec<&str>) = if kind == 2 {
            // `effekt run` on the pilot study, the study or its data mutated
            std::fs::write(dir.path().join("pilot.csv"), &pilot.1).expect("write pilot.csv");
            std::fs::write(dir.path().join("s.toml"), &pilot.0).expect("write s.toml");
            let (ext, name, input) = if rng.one_in(2) {
                (
                    "toml",
                    "s.toml",
                    mutate::mutate(&mut rng, &pilot.0, &studies),
                )
            } else {
                ("csv", "pilot.csv", mutate::mutate(&mut rng, &pilot.1, &[]))
            };
            std::fs::write(dir.path().join(name), &input).expect("write the mutated input");
            (
                "run",
                ext,
                input,
                vec!["run", "s.toml", "--out", "out", "--threads", "1"],
            )
        } else if kind == 0 {
            let input = mutate::mutate(&mut rng, &csvs[0], &csvs);
            std::fs::write(dir.path().join("d.csv"), &input).expect("write d.csv");
            let args = vec![
                "rct",
                "--data",
                "d.csv",
                "--outcome",
                "re78",
                "--treatment",
                "treat",
            ];
            ("rct", "csv", input, args)
        } else {
            let seed = rng.pick(&configs).clone();
            let input = mutate::mutate(&mut rng, &seed, &configs);
            std::fs::write(dir.path().join("c.toml"), &input).expect("write c.toml");
            let args = vec![
                "power",
                "simulate",
                "--config",
                "c.toml",
                "--simulations",
                "4",
                "--threads",
                "1",
            ];
            ("simulate", "toml", input, args)
        };
        tally.inputs += 1;
        match run_effekt(&cfg, dir.path(), &args) {
            Ok(0) => tally.parsed += 1,
            Ok(_) => tally.refused += 1,
            Err(msg) => {
                let path = save_finding(&format!("cli-{what}"), ext, &input);
                let what = format!("iteration {iter} (input saved as {})", path.display());
                tally.fail(&cfg, "cli", ext, what, &msg);
            }
        }
        iter += 1;
    }
    tally.finish("cli", &cfg, start);
}
