//! Catalogue rows: what effekt writes and where (see [`super`]). Outputs never touch inputs
//! (same path, a symbolic link, a hard link) or special files; standard output closed or
//! broken; `--threads` limits; negative numbers given to options.

use super::{Case, run_all, trial_csv};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Rows that could block (a FIFO opened by the old code) are given this long.
const SHORT: Duration = Duration::from_secs(20);

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/crates/effekt-report/tests/fixtures"
);

/// A small power simulation config.
const SIM_TOML: &str = "seed = 3\nsimulations = 20\n[dgp]\nkind = \"cluster-rct\"\nclusters = 10\n\
cluster_size = 15\nicc = 0.05\neffect = 0.5\n[analysis]\nkind = \"cluster-means\"\n";

/// A panel (unit u, time w, treatment d from wave 3 for units 0-5) for `effekt did`.
fn panel_csv() -> String {
    let mut s = String::from("y,u,w,d\n");
    for u in 0..12 {
        for w in 1..=4 {
            let d = i32::from(u < 6 && w >= 3);
            let y =
                u as f64 * 0.1 + w as f64 * 0.3 + d as f64 + ((u * 7 + w * 3) % 5) as f64 / 10.0;
            s.push_str(&format!("{y},{u},{w},{d}\n"));
        }
    }
    s
}

fn rct(json: &str) -> Vec<String> {
    words(&format!(
        "rct --data d.csv --outcome y --treatment t --json {json}"
    ))
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn case(name: &str, args: &[String]) -> Case {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Case::new(name, &args)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(FIXTURES).join(name)).unwrap()
}

/// The pilot study (as `name`, relative to the case directory) with its data beside it.
fn pilot(c: Case, name: &str) -> Case {
    let dir = Path::new(name).parent().unwrap_or(Path::new(""));
    c.file(name, fixture("pilot_study.toml")).file(
        &dir.join("pilot.csv").to_string_lossy(),
        fixture("pilot.csv"),
    )
}

fn mkfifo(dir: &Path, name: &str) {
    let ok = Command::new("mkfifo").arg(dir.join(name)).status().unwrap();
    assert!(ok.success(), "mkfifo {name}");
}

fn symlink(dir: &Path, target: &str, link: &str) {
    std::os::unix::fs::symlink(target, dir.join(link)).unwrap();
}

/// A private null device (character device 1, 3), as root only.
fn mknod_null(dir: &Path, name: &str) {
    let ok = Command::new("mknod")
        .arg(dir.join(name))
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(ok.success(), "mknod {name}");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Every subcommand that writes, refusing to write over its own input.
fn clashes() -> Vec<Case> {
    let data = trial_csv();
    vec![
        case("rct --json over its data", &rct("d.csv"))
            .file("d.csv", &data)
            .needle("--json d.csv is the same file as --data d.csv"),
        case(
            "bootstrap --json over its data",
            &words("bootstrap --data d.csv --outcome y --group t --resamples 99 --json d.csv"),
        )
        .file("d.csv", &data)
        .needle("same file as --data"),
        case(
            "did --json over its data",
            &words("did --data p.csv --outcome y --unit u --time w --treatment d --json p.csv"),
        )
        .file("p.csv", panel_csv())
        .needle("same file as --data"),
        case(
            "match --json over its data",
            &words("match --data d.csv --treatment t --outcome y --covariates x --json d.csv"),
        )
        .file("d.csv", &data)
        .needle("same file as --data"),
        case(
            "match --save-matched over its data",
            &words(
                "match --data d.csv --treatment t --outcome y --covariates x --save-matched d.csv",
            ),
        )
        .file("d.csv", &data)
        .needle("--save-matched d.csv is the same file as --data"),
        case(
            "match --json and --save-matched one file",
            &words(
                "match --data d.csv --treatment t --outcome y --covariates x --json m.csv \
                 --save-matched m.csv",
            ),
        )
        .file("d.csv", &data)
        .needle("are the same file"),
        case(
            "power simulate --json over its config",
            &words("power simulate --config c.toml --json c.toml"),
        )
        .file("c.toml", SIM_TOML)
        .needle("--json c.toml is the same file as --config c.toml"),
        case(
            "simulate --out over its config",
            &words("simulate ihf --n 50 --config c.toml --out c.toml"),
        )
        .file("c.toml", "")
        .needle("--out c.toml is the same file as --config"),
        case(
            "simulate sidecar over its config",
            &words("simulate ihf --n 50 --config s.json --out s.csv"),
        )
        .file("s.json", "")
        .needle("sidecar of --out s.json is the same file as --config"),
    ]
}

/// `effekt run` refusing to write a report file over its study file or data file.
fn report_clashes() -> Vec<Case> {
    let mut rows: Vec<Case> = ["report.md", "report.html", "report.json"]
        .into_iter()
        .map(|name| {
            pilot(
                case(
                    &format!("run: study named {name} with --out ."),
                    &words(&format!("run {name} --out .")),
                ),
                name,
            )
            .needle(&format!("same file as the study file {name}"))
        })
        .collect();
    rows.push(
        pilot(
            case(
                "run: --out a symlink to the study's directory",
                &words("run s/report.md --out lnk"),
            ),
            "s/report.md",
        )
        .setup(|d| symlink(d, "s", "lnk"))
        .needle("same file as the study file s/report.md (through a symbolic link)"),
    );
    rows.push(
        pilot(
            case(
                "run: a report file hard-linked to the study file",
                &words("run s/study.toml --out o"),
            ),
            "s/study.toml",
        )
        .setup(|d| {
            std::fs::create_dir(d.join("o")).unwrap();
            std::fs::hard_link(d.join("s/study.toml"), d.join("o/report.html")).unwrap();
        })
        .needle("(a hard link to it)"),
    );
    rows.push(
        pilot(
            case(
                "run: a report file that is a symlink",
                &words("run study.toml --out o"),
            ),
            "study.toml",
        )
        .setup(|d| {
            std::fs::create_dir(d.join("o")).unwrap();
            symlink(d, "../elsewhere.json", "o/report.json");
        })
        .needle("is a symbolic link"),
    );
    rows.push(
        pilot(
            case(
                "run: a report file that is a directory",
                &words("run study.toml --out o"),
            ),
            "study.toml",
        )
        .setup(|d| std::fs::create_dir_all(d.join("o/report.md")).unwrap())
        .needle("o/report.md is a directory"),
    );
    rows
}

/// Clashes through links, directories and special files as outputs and inputs.
fn links_and_special_files() -> Vec<Case> {
    let data = trial_csv();
    let mut rows = vec![
        case("--json a symlink to the data", &rct("link.csv"))
            .file("d.csv", &data)
            .setup(|d| symlink(d, "d.csv", "link.csv"))
            .needle("(through a symbolic link)"),
        case("--json a hard link to the data", &rct("hard.csv"))
            .file("d.csv", &data)
            .setup(|d| std::fs::hard_link(d.join("d.csv"), d.join("hard.csv")).unwrap())
            .needle("(a hard link to it)"),
        case(
            "power simulate --json a symlink to the config",
            &words("power simulate --config c.toml --json out.json"),
        )
        .file("c.toml", SIM_TOML)
        .setup(|d| symlink(d, "c.toml", "out.json"))
        .needle("same file as --config c.toml (through a symbolic link)"),
        case("--json a directory", &rct("jd"))
            .file("d.csv", &data)
            .setup(|d| std::fs::create_dir(d.join("jd")).unwrap())
            .needle("--json jd: that is a directory"),
        case("--json a FIFO", &rct("ff"))
            .file("d.csv", &data)
            .setup(|d| mkfifo(d, "ff"))
            .timeout(SHORT)
            .needle("named pipe (FIFO)"),
        case(
            "simulate --out a FIFO",
            &words("simulate cluster-rct --n 10 --out ff"),
        )
        .setup(|d| mkfifo(d, "ff"))
        .timeout(SHORT)
        .needle("--out ff: that is a named pipe"),
        case(
            "match --save-matched a FIFO",
            &words("match --data d.csv --treatment t --outcome y --covariates x --save-matched ff"),
        )
        .file("d.csv", &data)
        .setup(|d| mkfifo(d, "ff"))
        .timeout(SHORT)
        .needle("--save-matched ff: that is a named pipe"),
        case("run: --out a FIFO", &words("run study.toml --out ff"))
            .file("study.toml", fixture("pilot_study.toml"))
            .file("pilot.csv", fixture("pilot.csv"))
            .setup(|d| mkfifo(d, "ff"))
            .timeout(SHORT)
            .needle("--out ff: that is a named pipe"),
        case("run: the study file a FIFO", &words("run ff --out o"))
            .setup(|d| mkfifo(d, "ff"))
            .timeout(SHORT)
            .needle("the study file ff is a named pipe (FIFO), not a regular file"),
        case(
            "power simulate --config a FIFO",
            &words("power simulate --config ff"),
        )
        .setup(|d| mkfifo(d, "ff"))
        .timeout(SHORT)
        .needle("the --config file ff is a named pipe"),
        case(
            "simulate --config a FIFO",
            &words("simulate ihf --n 50 --config ff --out s.csv"),
        )
        .setup(|d| mkfifo(d, "ff"))
        .timeout(SHORT)
        .needle("the --config file ff is a named pipe"),
        case(
            "run: --out below a file",
            &words("run study.toml --out d.csv/report"),
        )
        .file("study.toml", fixture("pilot_study.toml"))
        .file("pilot.csv", fixture("pilot.csv"))
        .file("d.csv", &data)
        .needle("d.csv is not a directory"),
        case("run: the study file a directory", &words("run sd --out o"))
            .setup(|d| std::fs::create_dir(d.join("sd")).unwrap())
            .needle("the study file sd is a directory"),
    ];
    // A private null device (c 1 3) as --json: written in place, still a character device.
    if is_root() {
        rows.push(
            Case::shell(
                "--json onto a character device (mknod c 1 3)",
                "$EFFEKT rct --data d.csv --outcome y --treatment t --json nul && test -c nul \
                 && echo still-a-device",
            )
            .file("d.csv", &data)
            .setup(|d| mknod_null(d, "nul"))
            .exit(0)
            .needle("still-a-device"),
        );
        rows.push(
            case(
                "simulate --out a character device",
                &words("simulate cluster-rct --n 10 --out nul"),
            )
            .setup(|d| mknod_null(d, "nul"))
            .needle("--out nul: that is a device"),
        );
    } else {
        eprintln!("catalogue outputs: the mknod device row is skipped (needs root)");
    }
    rows
}

/// Standard output closed or cut short, and --threads.
fn streams_and_threads() -> Vec<Case> {
    let data = trial_csv();
    vec![
        Case::shell(
            "--json - with standard output closed",
            "$EFFEKT power two-means --effect-size 0.3 --power 0.8 --json - >&-",
        )
        .fails()
        .needle("standard output was closed"),
        // A broken pipe ends quietly with exit 0 (as ripgrep); `| true` closes the pipe before
        // effekt writes, and pipefail makes effekt's exit code the script's.
        Case::shell(
            "broken pipe on a table",
            "$EFFEKT power two-means --effect-size 0.3 --power 0.8 | true",
        )
        .exit(0),
        Case::shell(
            "broken pipe on the rct table",
            "$EFFEKT rct --data d.csv --outcome y --treatment t | true",
        )
        .file("d.csv", &data)
        .exit(0),
        Case::shell(
            "broken pipe on --json -",
            "$EFFEKT match --data d.csv --treatment t --outcome y --covariates x --json - | true",
        )
        .file("d.csv", &data)
        .exit(0),
        Case::shell(
            "a pipe read to its first line",
            "$EFFEKT power two-means --effect-size 0.3 --power 0.8 --curve-n 10:500:100 | head -1",
        )
        .exit(0)
        .needle("Power analysis"),
        case(
            "--threads 0",
            &words("rct --data d.csv --outcome y --treatment t --threads 0"),
        )
        .file("d.csv", &data)
        .needle("--threads must be a whole number from 1 to 1024"),
        case(
            "--threads 100000",
            &words("rct --data d.csv --outcome y --treatment t --threads 100000"),
        )
        .file("d.csv", &data)
        .timeout(Duration::from_secs(60))
        .needle("from 1 to 1024"),
        case(
            "run --threads 5000",
            &words("run study.toml --out o --threads 5000"),
        )
        .file("study.toml", fixture("pilot_study.toml"))
        .file("pilot.csv", fixture("pilot.csv"))
        .timeout(Duration::from_secs(60))
        .needle("from 1 to 1024"),
        case(
            "power simulate --threads 0",
            &words("power simulate --config c.toml --threads 0"),
        )
        .file("c.toml", SIM_TOML)
        .needle("from 1 to 1024"),
    ]
}

/// Negative numbers: a range message where an option takes none, accepted where meaningful.
fn negative_numbers() -> Vec<Case> {
    let data = trial_csv();
    vec![
        case(
            "--resamples -5",
            &words("bootstrap --data d.csv --outcome y --resamples -5"),
        )
        .file("d.csv", &data)
        .needle("invalid value '-5' for '--resamples <RESAMPLES>': must be ≥ 0"),
        case(
            "match --ratio -1",
            &words("match --data d.csv --treatment t --outcome y --covariates x --ratio -1"),
        )
        .file("d.csv", &data)
        .needle("'--ratio <RATIO>': must be ≥ 0"),
        case(
            "rct --seed -1",
            &words("rct --data d.csv --outcome y --treatment t --seed -1"),
        )
        .file("d.csv", &data)
        .needle("'--seed <SEED>': must be ≥ 0"),
        case(
            "power --effect-size -0.3 (a negative effect)",
            &words("power two-means --effect-size -0.3 --power 0.8"),
        )
        .exit(0)
        .needle("n required"),
        case(
            "power --curve-effect -0.5:0.5:5",
            &words("power two-means --n 50 --effect-size 0.3 --curve-effect -0.5:0.5:5"),
        )
        .exit(0)
        .needle("Power curve"),
        case(
            "simulate --effect -0.1 (a harmful programme)",
            &words("simulate ihf --n 60 --effect -0.1 --out s.csv"),
        )
        .exit(0)
        .creates("s.csv")
        .creates("s.json")
        .needle("True effects"),
    ]
}

/// The rows of this area.
pub fn cases() -> Vec<Case> {
    [
        clashes(),
        report_clashes(),
        links_and_special_files(),
        streams_and_threads(),
        negative_numbers(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[test]
fn catalogue_outputs() {
    run_all(cases());
}
