//! The worker process: this test binary started again (`fuzz::worker::serve`, ignored in
//! normal runs) under `ulimit -v` (RLIMIT_AS), so an allocation that would abort the test
//! run — or take the machine's memory — ends only the worker, and a hang is ended by the
//! parent's watchdog (kill after the time limit). The parent sends `TARGET EXT LEN\n` + bytes
//! on the worker's standard input; the worker answers one line `@@effekt-fuzz ok|err|bad MSG`
//! on its standard output. Each input runs on a fresh thread with an 8 MiB stack (the main
//! thread's size, where the CLI parses) inside `catch_unwind`.

use super::targets::{self, Verdict};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MARK: &str = "@@effekt-fuzz ";

/// What an input did, seen from the parent.
pub enum Outcome {
    /// The property held (`true`: the parse succeeded, `false`: a clear error).
    Pass(bool),
    /// The property broke: a panic, an empty error message, a crash, a hang.
    Fail(String),
}

/// A running worker (restarted after a crash or a hang).
pub struct Worker {
    mem_mb: u64,
    limit: Duration,
    proc: Option<Proc>,
}

struct Proc {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Worker {
    /// A worker with `mem_mb` MiB of address space and `limit` per input.
    pub fn new(mem_mb: u64, limit: Duration) -> Self {
        Self {
            mem_mb,
            limit,
            proc: None,
        }
    }

    fn spawn(&self) -> Proc {
        let exe = std::env::current_exe().expect("the test binary's path");
        let scratch = std::env::temp_dir();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(
                "ulimit -v \"$1\" || exit 97; exec \"$2\" fuzz::worker::serve --exact --ignored \
                 --nocapture --test-threads=1",
            )
            .arg("sh")
            .arg((self.mem_mb * 1024).to_string())
            .arg(exe)
            .env("EFFEKT_FUZZ_WORKER", "1")
            .env("TMPDIR", scratch)
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the fuzz worker (sh and the test binary)");
        let stdin = child.stdin.take().expect("worker stdin");
        let stdout = child.stdout.take().expect("worker stdout");
        let stderr_pipe = child.stderr.take().expect("worker stderr");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // libtest may print `test NAME ... ` on the same line before the first reply
                if let Some(at) = line.find(MARK)
                    && tx.send(line[at + MARK.len()..].to_string()).is_err()
                {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let tail = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines().map_while(Result::ok) {
                let mut t = tail.lock().unwrap_or_else(|e| e.into_inner());
                t.push_back(line);
                if t.len() > 8 {
                    t.pop_front();
                }
            }
        });
        Proc {
            child,
            stdin,
            lines,
            stderr,
        }
    }

    /// Run one input.
    pub fn run(&mut self, target: &str, ext: &str, bytes: &[u8]) -> Outcome {
        if self.proc.is_none() {
            self.proc = Some(self.spawn());
        }
        let p = self.proc.as_mut().expect("worker started");
        let header = format!("{target} {ext} {}\n", bytes.len());
        let sent = p
            .stdin
            .write_all(header.as_bytes())
            .and_then(|()| p.stdin.write_all(bytes))
            .and_then(|()| p.stdin.flush());
        let reply = match sent {
            Ok(()) => p.lines.recv_timeout(self.limit),
            Err(_) => Err(RecvTimeoutError::Disconnected),
        };
        match reply {
            Ok(line) => parse_reply(&line),
            Err(RecvTimeoutError::Timeout) => {
                let mut p = self.proc.take().expect("worker started");
                let _ = p.child.kill();
                let _ = p.child.wait();
                Outcome::Fail(format!(
                    "hang: no answer within {:.0} s (the worker was killed)",
                    self.limit.as_secs_f64()
                ))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let mut p = self.proc.take().expect("worker started");
                let status = p.child.wait();
                // let the stderr reader drain what the worker wrote before it died
                std::thread::sleep(Duration::from_millis(50));
                let tail: Vec<String> = p
                    .stderr
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .iter()
                    .cloned()
                    .collect();
                let status = status.map_or_else(|e| e.to_string(), |s| describe_status(&s));
                if status.contains("exit status: 97") {
                    panic!(
                        "the fuzz worker could not set `ulimit -v {}`",
                        self.mem_mb * 1024
                    );
                }
                Outcome::Fail(format!(
                    "crash: worker {status}; stderr: {}",
                    tail.join(" | ")
                ))
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            drop(p.stdin); // EOF: the worker's loop ends
            let _ = p.child.wait();
        }
    }
}

fn describe_status(s: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match s.signal() {
        Some(6) => "aborted (SIGABRT)".into(),
        Some(11) => "crashed (SIGSEGV, e.g. a stack overflow)".into(),
        Some(9) => "was killed (SIGKILL)".into(),
        Some(n) => format!("died of signal {n}"),
        None => s.to_string(),
    }
}

fn parse_reply(line: &str) -> Outcome {
    let (kind, msg) = line.split_once(' ').unwrap_or((line, ""));
    match kind {
        "ok" => Outcome::Pass(true),
        "err" => Outcome::Pass(false),
        _ => Outcome::Fail(msg.to_string()),
    }
}

static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Not a test: the worker's loop, run in the child process (see the module doc).
#[test]
#[ignore = "the fuzz worker process; started by the fuzz tests with EFFEKT_FUZZ_WORKER=1"]
fn serve() {
    if std::env::var_os("EFFEKT_FUZZ_WORKER").is_none() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let msg = match (
            info.payload().downcast_ref::<&str>(),
            info.payload().downcast_ref::<String>(),
        ) {
            (Some(s), _) => s.to_string(),
            (_, Some(s)) => s.clone(),
            _ => "(non-string payload)".to_string(),
        };
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        *PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{msg}{at}"));
    }));
    let scratch = tempfile::tempdir().expect("worker scratch directory");
    let mut input = BufReader::new(std::io::stdin().lock());
    let mut out = std::io::stdout();
    let mut header = String::new();
    loop {
        header.clear();
        if input.read_line(&mut header).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = header.split_whitespace();
        let (Some(target), Some(ext), Some(len)) = (parts.next(), parts.next(), parts.next())
        else {
            return;
        };
        let Ok(len) = len.parse::<usize>() else {
            return;
        };
        let mut bytes = vec![0; len];
        if input.read_exact(&mut bytes).is_err() {
            return;
        }
        let (target, ext) = (target.to_string(), ext.to_string());
        let dir = scratch.path().to_path_buf();
        let joined = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || targets::run(&target, &ext, &bytes, &dir))
            .expect("worker thread")
            .join();
        let reply = match joined {
            Ok(Verdict::Ok) => "ok".to_string(),
            Ok(Verdict::Err) => "err".to_string(),
            Ok(Verdict::Bad(m)) => format!("bad {m}"),
            Err(_) => {
                let m = PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
                format!("bad panic: {}", m.unwrap_or_default())
            }
        };
        let reply = reply.replace(['\n', '\r'], "⏎");
        if writeln!(out, "{MARK}{reply}")
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
    }
}
